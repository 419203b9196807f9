"""The four documents (17025 7.8), the signatory's signature, amendments and
withdrawal, and PNG renders of each document for people to look at."""
import io
import os
import subprocess

import pytest
from pypdf import PdfReader

from blueprints.catalogue.kinds import LimitKind
from blueprints.catalogue.models import Capability
from blueprints.certificates.models import Certificate, CertificateKind, CertificateStatus
from blueprints.service_requests.lifecycle import State
from blueprints.service_requests.models import SubRequest
from blueprints.service_requests.verdicts import Verdict
from core.roles import Role
from extensions import db
from tests import factories
from tests.conftest import ROOT, TRACEABILITY
from tests.documents import stored_bytes


def issue_over_http(client, login, manager, sub) -> Certificate:
    db.session.refresh(sub)
    login(manager)
    resp = client.post(f"/lab/requests/{sub.id}/do/issue", data={"version": str(sub.version)})
    assert resp.status_code == 302, resp.get_data(as_text=True)
    return db.session.scalars(db.select(Certificate).filter_by(sub_request_id=sub.id)
                              .order_by(Certificate.id.desc())).first()


def pdf_text(app, cert) -> tuple[str, bytes]:
    """The document's text with line breaks folded into spaces, and its bytes."""
    data = stored_bytes(app, cert)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split()), data


def save_png(data: bytes, name: str, tmp_path) -> str:
    """test-artifacts/certificates/<name>.png: page 1 at 80 dpi, by pdftoppm."""
    pdf = tmp_path / f"{name}.pdf"
    pdf.write_bytes(data)
    out = os.path.join(ROOT, "test-artifacts", "certificates")
    os.makedirs(out, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "80", "-png", "-singlefile", "-f", "1", "-l", "1",
                    str(pdf), os.path.join(out, name)], check=True)
    return os.path.join(out, name + ".png")


def test_a_calibration_certificate_states_uncertainty_and_traceability(
        app, client, login, metrology, tmp_path):
    applicant = factories.create_user(Role.sme)
    sub = factories.create_approved_part(metrology["lab"], metrology["calibration"], applicant,
                                         metrology["manager"], values=("100.3",),
                                         uncertainty=factories.Decimal("0.12"),
                                         reference=factories.Decimal("100"))
    cert = issue_over_http(client, login, metrology["manager"], sub)
    assert cert.kind == CertificateKind.calibration_certificate
    text, data = pdf_text(app, cert)
    assert "校准证书" in text and "Calibration Certificate" in text
    assert "JJF 1847-2020" in text and applicant.enterprise.name in text
    assert "U (k=2)" in text and "0.12 mg" in text           # U in the measurand's unit
    row = text.split("示值误差 Error of indication")[1][:40]
    assert row.split()[:4] == ["100", "100.3", "0.3", "mg"]  # reference, measured, error
    assert "k = 2" in text and "95 %" in text
    assert "JJ2026-0815" in text                              # traceability (the fixture's)
    assert "No recalibration interval is stated" in text
    assert "陈建华" in text and "授权签字人" in text
    assert "判定 Verdict" not in text                          # no conformity statement asked
    assert len(PdfReader(io.BytesIO(data)).pages[-1].images) == 1   # the signature image
    with open(save_png(data, "calibration-certificate-page1", tmp_path), "rb") as fh:
        assert fh.read(4) == b"\x89PNG"


@pytest.mark.parametrize("value, kind, png", [
    ("1.5", CertificateKind.verification_certificate, "verification-certificate-page1"),
    ("6.5", CertificateKind.verification_failure, "verification-failure-page1"),
])
def test_verification_certificate_and_notice_of_failure(app, client, login, metrology, tmp_path,
                                                        value, kind, png):
    citizen = factories.create_user(Role.citizen, name="蔡阿姨")
    sub = factories.create_approved_part(metrology["lab"], metrology["verification"], citizen,
                                         metrology["manager"], values=(value,))
    cert = issue_over_http(client, login, metrology["manager"], sub)
    assert cert.kind == kind
    text, data = pdf_text(app, cert)
    assert "JJG 539-2016" in text and "蔡阿姨" in text and f"{value}" in text
    if kind == CertificateKind.verification_certificate:
        issued = cert.issued_at.date()
        assert "检定证书" in text and "Valid until" in text
        assert f"{issued.year + 1}-" in text.split("Valid until")[1][:20]
        assert "conforms" in text
    else:
        assert "检定结果通知书" in text and "Notice of Verification Failure" in text
        assert "must not be used for trade" in text
        failed = text.split("Failed test")[1]
        assert "称量误差" in failed and "6.5 g" in failed and "-5 – 5 g" in failed
        assert "Valid until" not in text
    save_png(data, png, tmp_path)


def test_issuing_needs_the_signatorys_signature(app, client, login, metrology):
    unsigned = factories.create_user(Role.lab_manager, lab=metrology["lab"], signature_png=None)
    sub = factories.create_approved_part(metrology["lab"], metrology["verification"],
                                         factories.create_user(Role.citizen), unsigned)
    login(unsigned)
    page = client.post(f"/lab/requests/{sub.id}/do/issue", data={"version": str(sub.version)})
    assert page.status_code == 400 and "签名" in page.get_data(as_text=True)
    db.session.refresh(sub)
    assert sub.state == State.approved
    assert db.session.scalar(db.select(db.func.count(Certificate.id))) == 0


def test_a_manager_uploads_a_signature_and_bad_files_are_refused(app, client, login, metrology,
                                                               monkeypatch):
    from blueprints.auth.signature import drawn_signature
    manager = factories.create_user(Role.lab_manager, lab=metrology["lab"], signature_png=None)
    login(manager)
    bad = client.post("/account/signature", data={"image": (io.BytesIO(b"%PDF-1.7 ..."), "s.png")},
                      content_type="multipart/form-data")
    assert bad.status_code == 400 and "PNG" in bad.get_data(as_text=True)
    # A smaller limit for the test: bodies past 500 kB go through temporary files.
    monkeypatch.setattr("blueprints.auth.signature.MAX_UPLOAD", 1000)
    monkeypatch.setattr("blueprints.auth.views.MAX_UPLOAD", 1000)
    big = client.post("/account/signature",
                      data={"image": (io.BytesIO(b"\x89PNG" + b"0" * 2000), "s.png")},
                      content_type="multipart/form-data")
    assert big.status_code == 400 and "2 MB" in big.get_data(as_text=True)
    monkeypatch.undo()
    ok = client.post("/account/signature",
                     data={"image": (io.BytesIO(drawn_signature("林")), "sig.png")},
                     content_type="multipart/form-data")
    assert ok.status_code == 302
    image = client.get("/account/signature.png")
    assert image.status_code == 200 and image.data.startswith(b"\x89PNG")
    login(factories.create_user(Role.sme))
    assert client.get("/account/signature").status_code == 403


def test_an_amendment_replaces_the_certificate_and_says_why(app, client, login, metrology):
    manager, lab = metrology["manager"], metrology["lab"]
    reviewer = factories.create_user(Role.lab_manager, lab=lab)
    sub = factories.create_approved_part(lab, metrology["verification"],
                                         factories.create_user(Role.citizen), manager,
                                         values=("1.5",))
    old = issue_over_http(client, login, manager, sub)
    # Reopen with a reason, correct the result, review again and issue.
    db.session.refresh(sub)
    reopened = client.post(f"/lab/requests/{sub.id}/do/amend",
                           data={"version": str(sub.version), "reason": ""})
    assert reopened.status_code == 400                      # a reason is required
    client.post(f"/lab/requests/{sub.id}/do/amend",
                data={"version": str(sub.version), "reason": "示值记录错误 Reading mis-typed"})
    db.session.refresh(sub)
    assert sub.state == State.in_progress
    # The correction has the turnaround again from today, not the old (past) due date.
    from blueprints.service_requests.clock import planned_turnaround
    from core.timeutil import local_today
    from core.working_calendar import lab_calendar
    assert sub.due_date == lab_calendar(lab.id).add(
        local_today(), planned_turnaround(sub.routing_reason))
    item, param = sub.items[0], metrology["verification"].parameters[0]
    client.post(f"/lab/requests/{sub.id}/items/{item.id}/results",
                data={"version": str(sub.version), f"r-{item.id}-{param.id}-value": "2.5"})
    db.session.refresh(sub)
    client.post(f"/lab/requests/{sub.id}/do/submit_results", data={"version": str(sub.version)})
    db.session.refresh(sub)
    login(reviewer)
    resp = client.post(f"/lab/requests/{sub.id}/do/approve",
                       data={"version": str(sub.version), "and_issue": "1"})
    assert resp.status_code == 302
    new = db.session.scalar(db.select(Certificate).filter_by(supersedes_id=old.id))
    db.session.refresh(old)
    assert old.status == CertificateStatus.superseded and new.status == CertificateStatus.valid
    assert new.number != old.number and new.amendment_reason == "示值记录错误 Reading mis-typed"
    text = pdf_text(app, new)[0]
    assert f"replaces {old.number}" in text and "Reading mis-typed" in text and "2.5 g" in text
    # The old certificate's public page points to the new one.
    client.post("/logout")
    page = client.get(f"/verify?number={old.number}&code={old.verification_code}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="replaced-by"' in html
    assert f"number={new.number}&amp;code={new.verification_code}" in html
    assert "Reading mis-typed" in html
    new_page = client.get(f"/verify?number={new.number}&code={new.verification_code}")
    assert old.number in new_page.get_data(as_text=True)


def test_withdrawal_needs_a_reason_and_shows_publicly(app, client, login, metrology):
    manager, lab = metrology["manager"], metrology["lab"]
    sub = factories.create_approved_part(lab, metrology["verification"],
                                         factories.create_user(Role.citizen), manager)
    cert = issue_over_http(client, login, manager, sub)
    url = f"/certificates/{cert.id}/withdraw"
    for stranger in (factories.create_user(Role.lab_staff, lab=lab),
                     factories.create_user(Role.lab_manager)):
        login(stranger)
        assert client.post(url, data={"reason": "x"}).status_code in (403, 404)
    login(manager)
    client.post(url, data={"reason": ""})
    db.session.refresh(cert)
    assert cert.status == CertificateStatus.valid
    client.post(url, data={"reason": "客户提供的样品信息有误"})
    db.session.refresh(cert)
    assert cert.status == CertificateStatus.withdrawn and cert.status_changed_at is not None
    client.post("/logout")
    html = client.get(f"/verify?number={cert.number}&code={cert.verification_code}") \
        .get_data(as_text=True)
    assert 'id="withdrawn"' in html and "客户提供的样品信息有误" in html
    sub = db.session.get(SubRequest, sub.id)
    assert sub.state == State.issued
    # The applicant is told on their request page.
    login(sub.request.applicant)
    page = client.get(f"/requests/{sub.request_id}").get_data(as_text=True)
    assert "已撤回" in page and "客户提供的样品信息有误" in page


def test_the_renderer_fetches_only_the_desks_static_files(app):
    from weasyprint.urls import FatalURLFetchingError

    from blueprints.certificates.rendering import html_to_pdf
    static = app.static_folder
    assert html_to_pdf('<img src="desk-static:img/favicon.svg">', static).startswith(b"%PDF")
    for url in ("file:///etc/passwd", "http://127.0.0.1:9/x.png", "desk-static:../app.py",
                "desk-static:/../../etc/hostname"):
        with pytest.raises(FatalURLFetchingError):
            html_to_pdf(f'<link rel="stylesheet" href="{url}"><img src="{url}">', static)


def test_the_document_context_is_plain_values(app, metrology):
    """The template never sees a database object (no lazy loads while rendering)."""
    from blueprints.certificates.issuing import build_context

    def plain(value) -> bool:
        if isinstance(value, dict):
            return all(isinstance(k, str) and plain(v) for k, v in value.items())
        if isinstance(value, list):
            return all(plain(v) for v in value)
        return value is None or isinstance(value, str | int | float | bool)

    sub = factories.create_approved_part(metrology["lab"], metrology["calibration"],
                                         factories.create_user(Role.sme), metrology["manager"])
    cert = Certificate(number="JMI1-2026-09999", kind=CertificateKind.calibration_certificate,
                       verification_code="ABCDEFGHJK", issued_at=sub.approved_at)
    cert.signed_by = metrology["manager"]
    with app.test_request_context():
        context = build_context(sub, cert)
    assert plain(context) and context["blocks"][0]["traceability"] == TRACEABILITY


@pytest.mark.parametrize("cma, cnas", [(True, True), (True, False), (False, False)])
def test_accreditation_marks_only_for_accredited_scope(app, client, login, metrology, cma, cnas):
    cap = db.session.scalar(db.select(Capability).filter_by(
        service_id=metrology["verification"].id))
    cap.cma_accredited, cap.cnas_accredited = cma, cnas
    db.session.commit()
    sub = factories.create_approved_part(metrology["lab"], metrology["verification"],
                                         factories.create_user(Role.citizen), metrology["manager"])
    text, _data = pdf_text(app, issue_over_http(client, login, metrology["manager"], sub))
    assert ("CMA 231312050123" in text) == cma
    assert ("CNAS L1234" in text) == cnas


def test_a_calibration_point_judged_in_words_keeps_its_reference(app, client, login,
                                                                 metrology):
    """A pressure gauge's points are judged against a stated requirement (words), yet
    the reference typed beside each reading is stored and the error printed."""
    service = metrology["calibration"]
    param = service.parameters[0]
    param.limit_kind, param.limit_max, param.limit_text = (
        LimitKind.text, None, "示值误差不超过 ±1.6 % FS")
    db.session.commit()
    sub = factories.create_approved_part(metrology["lab"], service, factories.create_user(
        Role.sme), metrology["manager"], values=(), state="in_progress")
    item = sub.items[0]
    login(factories.create_user(Role.lab_staff, lab=metrology["lab"]))
    resp = client.post(f"/lab/requests/{sub.id}/items/{item.id}/results",
                       data={"version": str(sub.version),
                             f"r-{item.id}-{param.id}-ref": "0.500",
                             f"r-{item.id}-{param.id}-text": "0.502",
                             f"r-{item.id}-{param.id}-judged": "pass"})
    assert resp.status_code == 302
    db.session.expire_all()
    result = db.session.get(SubRequest, sub.id).items[0].results[0]
    assert (result.reference_value, result.value, result.text_value) == (
        factories.Decimal("0.5"), factories.Decimal("0.502"), "0.502")
    assert result.verdict == Verdict.passed


def test_calibration_results_take_the_reference_value(app, client, login, metrology):
    sub = factories.create_approved_part(metrology["lab"], metrology["calibration"],
                                         factories.create_user(Role.sme), metrology["manager"],
                                         values=(), state="in_progress")
    item, param = sub.items[0], metrology["calibration"].parameters[0]
    analyst = login(factories.create_user(Role.lab_staff, lab=metrology["lab"]))
    page = client.get(f"/lab/requests/{sub.id}").get_data(as_text=True)
    assert f'name="r-{item.id}-{param.id}-ref"' in page
    resp = client.post(f"/lab/requests/{sub.id}/items/{item.id}/results",
                       data={"version": str(sub.version),
                             f"r-{item.id}-{param.id}-ref": "200",
                             f"r-{item.id}-{param.id}-value": "199.8",
                             f"r-{item.id}-{param.id}-unc": "0.15"})
    assert resp.status_code == 302
    db.session.expire_all()
    result = db.session.get(SubRequest, sub.id).items[0].results[0]
    assert (result.reference_value, result.value, result.uncertainty) == (200, factories.Decimal(
        "199.8"), factories.Decimal("0.15"))
    assert result.entered_by_id == analyst.id
    bad = client.post(f"/lab/requests/{sub.id}/items/{item.id}/results",
                      data={"version": str(db.session.get(SubRequest, sub.id).version),
                            f"r-{item.id}-{param.id}-ref": "2oo",
                            f"r-{item.id}-{param.id}-value": "199.9"})
    assert bad.status_code == 400 and "2oo" in bad.get_data(as_text=True)
