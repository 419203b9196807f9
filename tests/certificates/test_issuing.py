"""Issued reports: the PDF's content, its stored hash, public verification, and
who may download it."""
import hashlib
import io
import os

from pypdf import PdfReader

from blueprints.certificates.models import Certificate, CertificateKind
from core.roles import Role
from extensions import db
from tests import factories
from tests.conftest import PUBLIC_URL
from tests.documents import qr_codes, stored_bytes, verification_link
from tests.journeys import closed_part


def issued(client, login, users, two_labs):
    req, sub = closed_part(client, login, users, two_labs)
    cert = db.session.scalar(db.select(Certificate).filter_by(sub_request_id=sub.id))
    return req, sub, cert


def test_issuing_stores_the_pdf_once_with_its_hash(app, client, users, login, two_labs):
    req, sub, cert = issued(client, login, users, two_labs)
    assert cert.kind == CertificateKind.test_report
    assert cert.number.startswith(f"FTC1-{cert.issued_at.year}-")
    data = stored_bytes(app, cert)
    assert data.startswith(b"%PDF") and hashlib.sha256(data).hexdigest() == cert.sha256
    from blueprints.certificates.issuing import issue
    with app.test_request_context():
        assert issue(sub, two_labs["ftc_manager2"]).id == cert.id  # twice: the same file


def test_the_pdf_says_what_17025_asks(app, client, users, login, two_labs):
    req, sub, cert = issued(client, login, users, two_labs)
    reader = PdfReader(io.BytesIO(stored_bytes(app, cert)))
    pages = [page.extract_text() for page in reader.pages]
    for page in reader.pages:  # A4, and the Chinese set in the CJK font (no boxes)
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
        fonts = {str(f.get_object()["/BaseFont"]) for f in page["/Resources"]["/Font"].values()}
        assert any("WenQuanYi" in f for f in fonts), fonts
    for n, text in enumerate(pages, start=1):
        assert cert.number in text, f"number missing on page {n}"
        assert f"Page {n} of {len(pages)}" in text
    text = "\n".join(pages)
    assert cert.verification_code in text
    assert f"verify?number={cert.number}&code={cert.verification_code}" in text.replace("&amp;", "&")
    assert req.enterprise.name in text                      # customer
    assert two_labs["food_lab"].name_zh in text             # the lab, in Chinese
    assert two_labs["food"].method_standard in text         # method
    assert "0.1" in text and "mg/kg" in text                # result with unit
    assert "The results relate only to the items tested" in text
    assert "End of report" in text


def test_a_page_render_is_saved_for_people_to_look_at(app, client, users, login, two_labs,
                                                       tmp_path):
    """test-artifacts/certificates/test-report-page1.png, rendered by pdftoppm."""
    import subprocess

    from tests.conftest import ROOT
    req, sub, cert = issued(client, login, users, two_labs)
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(stored_bytes(app, cert))
    out = os.path.join(ROOT, "test-artifacts", "certificates")
    os.makedirs(out, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "80", "-png", "-singlefile", "-f", "1", "-l", "1",
                    str(pdf), os.path.join(out, "test-report-page1")], check=True)
    png = os.path.join(out, "test-report-page1.png")
    with open(png, "rb") as fh:
        assert fh.read(8) == b"\x89PNG\r\n\x1a\n"


def test_public_verification_shows_status_not_the_customer(app, client, users, login,
                                                           two_labs):
    req, sub, cert = issued(client, login, users, two_labs)
    client.post("/logout")
    page = client.get(f"/verify?number={cert.number}&code={cert.verification_code}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="cert-status"' in text
    assert hashlib.sha256(stored_bytes(app, cert)).hexdigest() in text  # the hash shown
    assert two_labs["food_lab"].name_zh in text
    assert req.enterprise.name not in text and req.contact_phone not in text
    # What the holder checks first: genuine and valid, the result, what it covers, who signed.
    assert 'id="cert-outcome"' in text and "合格" in text.split('id="cert-outcome"')[1][:200]
    assert sub.items[0].sample_description in text.split('id="cert-items"')[1][:300]
    assert cert.signed_by.name in text.split('id="cert-signatory"')[1][:200]
    assert text.index('id="cert-status"') < text.index(cert.sha256)  # the hash comes last
    wrong = client.get(f"/verify?number={cert.number}&code=WRONGCODE1")
    assert wrong.status_code == 404


def test_an_uploaded_copy_is_checked_byte_for_byte(app, client, users, login, two_labs):
    req, sub, cert = issued(client, login, users, two_labs)
    original = stored_bytes(app, cert)
    url = f"/verify?number={cert.number}&code={cert.verification_code}"
    same = client.post(url, data={"pdf": (io.BytesIO(original), "r.pdf")},
                       content_type="multipart/form-data").get_data(as_text=True)
    middle = len(original) // 2
    tampered = original[:middle] + bytes([original[middle] ^ 1]) + original[middle + 1:]
    other = client.post(url, data={"pdf": (io.BytesIO(tampered), "r.pdf")},
                        content_type="multipart/form-data").get_data(as_text=True)
    assert 'class="notice success" id="match"' in same
    assert "数字签名完好" in same
    assert 'class="notice error" id="match"' in other
    assert "数字签名验证失败" in other


def test_every_pdf_carries_the_desks_signature(app, client, users, login, two_labs):
    """PAdES: the stored file validates against the desk's certificate, and one
    changed byte anywhere in it breaks the signature."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    from blueprints.certificates.signing import signature_status
    req, sub, cert = issued(client, login, users, two_labs)
    original = stored_bytes(app, cert)
    folder = app.config["SIGNING_FOLDER"]
    sig = PdfFileReader(io.BytesIO(original)).embedded_signatures[0]
    assert sig.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES baseline
    assert signature_status(original, folder) == "valid"
    for where in (len(original) // 3, len(original) // 2, len(original) - 40):
        tampered = original[:where] + bytes([original[where] ^ 0x20]) + original[where + 1:]
        assert signature_status(tampered, folder) == "invalid", where
    # Appending an unsigned revision (the classic way to edit a signed PDF) is caught too.
    assert signature_status(original + b"\n% edited\n", folder) == "invalid"


def test_the_qr_code_decodes_to_the_verification_url(app, client, users, login, two_labs,
                                                     tmp_path):
    req, sub, cert = issued(client, login, users, two_labs)
    codes = qr_codes(stored_bytes(app, cert), tmp_path)
    assert codes == [verification_link(cert)]
    client.post("/logout")
    assert client.get(codes[0].replace(PUBLIC_URL, "")).status_code == 200


def test_only_the_applicant_and_the_lab_download_it(app, client, users, login, two_labs):
    req, sub, cert = issued(client, login, users, two_labs)
    url = f"/certificates/{cert.id}.pdf"
    login(users[Role.sme])
    assert url in client.get(f"/requests/{req.id}").get_data(as_text=True)
    resp = client.get(url)
    assert resp.status_code == 200 and resp.data.startswith(b"%PDF")
    resp.close()
    login(two_labs["ftc_manager"])
    resp = client.get(url)
    assert resp.status_code == 200
    resp.close()
    for stranger in (factories.create_user(Role.sme), two_labs["ntc_manager"]):
        login(stranger)
        assert client.get(url).status_code == 404
    client.post("/logout")
    assert client.get(url).status_code == 404


def test_a_one_item_report_signs_on_its_one_page(app, client, users, login, two_labs):
    """The 编制 / 审核 / 批准 table stays with the results; nothing spills onto a page
    of its own."""
    req, sub, cert = issued(client, login, users, two_labs)
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(stored_bytes(app, cert))).pages]
    assert len(pages) == 1, [p[-200:] for p in pages]
    assert "Prepared by" in pages[0] and "End of report" in pages[0]
    assert "本机构实验室 At the laboratory's premises" in pages[0]


def test_a_report_of_several_items_states_its_overall_conclusion(app, metrology):
    """17025 7.8.6: one failed item makes the whole report say so, on its first page."""
    from decimal import Decimal

    from blueprints.certificates.issuing import issue
    from blueprints.service_requests.models import RequestItem, Result
    from blueprints.service_requests.verdicts import Verdict
    lab, manager = metrology["lab"], metrology["manager"]
    service = factories.create_service(labs=[lab])
    sub = factories.create_approved_part(lab, service, factories.create_user(Role.sme),
                                         manager, values=("12.5",))
    param, analyst_id = service.parameters[0], sub.items[0].results[0].entered_by_id
    with db.session.no_autoflush:
        second = RequestItem(request=sub.request, sub_request=sub, service=service,
                             sample_description="第二件样品", price_cents=0)
        db.session.add(second)
        second.results.append(Result(parameter=param, value=Decimal(180),
                                     verdict=Verdict.failed, entered_by_id=analyst_id))
    db.session.commit()
    db.session.refresh(sub)
    with app.test_request_context():
        cert = issue(sub, factories.create_user(Role.lab_manager, lab=lab))
    first_page = PdfReader(io.BytesIO(stored_bytes(app, cert))).pages[0].extract_text()
    assert "Conclusion: some results do not conform" in " ".join(first_page.split())
