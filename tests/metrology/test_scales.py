"""Citizens' scales: free verification requests, instruments found again by serial,
privacy of their requests and phone numbers, and the metrologist's form."""
import pytest

from blueprints.certificates.models import Certificate, CertificateKind
from blueprints.metrology.models import Instrument, ScaleVerification
from blueprints.service_requests.lifecycle import State
from blueprints.service_requests.models import ServiceRequest, SubRequest
from core.roles import Role
from extensions import db
from tests import factories
from tests.documents import stored_bytes


def scale_row(n=0, **kw) -> dict:
    row = {"kind": "price_computing_scale", "make": "上海友声", "model": "ACS-15",
           "serial": f"YS2026{n:04d}", "max_kg": "15", "e_g": "5", "accuracy_class": "III",
           "market": "青阳农贸市场", "stall": f"A-{n:02d}"}
    row.update(kw)
    return {f"scales-{n}-{k}": v for k, v in row.items()}


def ask(client, *rows, where="dropoff", phone="13800001111"):
    data = {"where": where, "contact_name": "蔡阿姨", "contact_phone": phone}
    for row in rows:
        data.update(row)
    return client.post("/scales/verify", data=data)


@pytest.fixture
def citizen(app, login):
    return login(factories.create_user(Role.citizen, name="蔡阿姨", phone="13800001111"))


def test_a_citizen_asks_for_two_scales_and_gets_one_part_each(app, client, citizen, metrology):
    assert "青阳" not in client.get("/scales").get_data(as_text=True)
    resp = ask(client, scale_row(0), scale_row(1, max_kg="30", e_g="10"))
    assert resp.status_code == 302, resp.get_data(as_text=True)
    req = db.session.scalars(db.select(ServiceRequest)).one()
    assert resp.headers["Location"].endswith(f"/requests/{req.id}")
    assert req.applicant_id == citizen.id and req.enterprise_id is None
    subs = db.session.scalars(db.select(SubRequest).filter_by(request_id=req.id)
                              .order_by(SubRequest.part)).all()
    assert [s.part for s in subs] == [1, 2] and all(s.lab_id == metrology["lab"].id for s in subs)
    assert all(len(s.items) == 1 and s.items[0].price_cents == 0 for s in subs)
    scales = db.session.scalars(db.select(Instrument).order_by(Instrument.id)).all()
    assert [(s.serial, s.max_capacity, s.e) for s in scales] == [
        ("YS20260000", 15000, 5), ("YS20260001", 30000, 10)]
    page = client.get(f"/requests/{req.id}").get_data(as_text=True)
    assert req.number in page
    listing = client.get("/scales").get_data(as_text=True)
    assert "YS20260000" in listing and "15 kg / 5 g" in listing


def test_a_scale_is_found_again_by_its_serial(app, client, citizen, metrology):
    ask(client, scale_row(0))
    instrument = db.session.scalars(db.select(Instrument)).one()
    form = client.get(f"/scales/verify?instrument={instrument.id}").get_data(as_text=True)
    assert 'value="YS20260000"' in form and 'value="A-00"' in form
    ask(client, scale_row(0, stall="B-07"))
    assert db.session.scalar(db.select(db.func.count(Instrument.id))) == 1
    db.session.refresh(instrument)
    assert instrument.stall == "B-07"
    assert db.session.scalar(db.select(db.func.count(ServiceRequest.id))) == 2


def test_an_impossible_scale_is_refused_and_what_was_typed_is_kept(app, client, citizen,
                                                                   metrology):
    resp = ask(client, scale_row(0, accuracy_class="IIII", e_g="2", serial="KEEP-ME"))
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert 'value="KEEP-ME"' in page and "5 g" in page
    resp = ask(client, scale_row(0, max_kg="0.3", e_g="5"))   # n = 60 < 100
    assert resp.status_code == 400
    assert db.session.scalar(db.select(db.func.count(ServiceRequest.id))) == 0
    assert db.session.scalar(db.select(db.func.count(Instrument.id))) == 0


def test_a_citizen_sees_only_their_own_scales_and_requests(app, client, login, citizen,
                                                           metrology):
    ask(client, scale_row(0))
    req = db.session.scalars(db.select(ServiceRequest)).one()
    instrument = db.session.scalars(db.select(Instrument)).one()
    other = login(factories.create_user(Role.citizen, phone="13900002222"))
    assert client.get(f"/requests/{req.id}").status_code == 404
    assert client.get(f"/scales/verify?instrument={instrument.id}").status_code == 404
    assert "YS20260000" not in client.get("/scales").get_data(as_text=True)
    assert req.number not in client.get("/requests").get_data(as_text=True)
    assert other.id != citizen.id


def test_phone_numbers_are_masked_but_for_the_owner_and_the_lab(app, client, login, citizen,
                                                                metrology):
    ask(client, scale_row(0))
    req = db.session.scalars(db.select(ServiceRequest)).one()
    sub = req.sub_requests[0]
    assert "13800001111" in client.get(f"/requests/{req.id}").get_data(as_text=True)
    login(metrology["manager"])
    assert "13800001111" in client.get(f"/lab/requests/{sub.id}").get_data(as_text=True)
    login(factories.create_user(Role.admin))
    page = client.get(f"/requests/{req.id}").get_data(as_text=True)
    assert "13800001111" not in page and "138****1111" in page
    users = client.get("/admin/users").get_data(as_text=True)
    assert "13800001111" not in users and "138****1111" in users


READINGS_PASS = {
    "vtype": "subsequent",
    "zero-load": "0", "zero-ind": "0", "zero-add": "2.5",
    **{f"w{i}-load": load for i, load in enumerate(["100", "2500", "5000", "10000", "15000"])},
    **{f"w{i}-ind": ind for i, ind in enumerate(["100", "2500", "5000", "10000", "15000"])},
    **{f"w{i}-add": "2.5" for i in range(5)},
    "ecc-load": "5000", **{f"ecc{i}-ind": "5000" for i in range(5)},
    **{f"ecc{i}-add": "2.5" for i in range(5)},
    "rep-load": "12000", **{f"rep{i}-ind": "12000" for i in range(3)},
    **{f"rep{i}-add": "2.5" for i in range(3)},
    "disc-load": "12000", "disc-before": "12000", "disc-after": "12005",
}


def test_the_metrologist_sees_live_figures_and_saves_a_verdict(app, client, login, citizen,
                                                              metrology):
    ask(client, scale_row(0))
    sub = db.session.scalars(db.select(SubRequest)).one()
    manager = metrology["manager"]
    analyst = login(factories.create_user(Role.lab_staff, lab=metrology["lab"]))
    login(manager)
    client.post(f"/lab/requests/{sub.id}/do/accept_free", data={"version": str(sub.version)})
    login(analyst)
    form = client.get(f"/lab/requests/{sub.id}/scale")
    assert form.status_code == 200 and 'name="w4-load" value="15000"' in form.get_data(True)
    # Live: one row typed; an impossible indication is named.
    live = client.post(f"/lab/requests/{sub.id}/scale/check",
                       data={"vtype": "subsequent", "zero-load": "0", "zero-ind": "0",
                             "zero-add": "2.5", "w0-load": "100", "w0-ind": "103",
                             "w1-load": "2500", "w1-ind": "2505", "w1-add": "1"}).get_json()
    assert "w0-ind" in live["errors"] and live["passed"] is None
    assert live["points"]["w1"] == {"error": "6.5", "corrected": "6.5", "mpe": "2.5",
                                    "passed": False}
    db.session.refresh(sub)
    saved = client.post(f"/lab/requests/{sub.id}/scale",
                        data={**READINGS_PASS, "version": str(sub.version)})
    assert saved.status_code == 302, saved.get_data(as_text=True)
    record = db.session.scalars(db.select(ScaleVerification)).one()
    assert record.passed and record.label_number and record.verified_by_id == analyst.id
    db.session.refresh(sub)
    assert sub.state == State.in_review
    # Four eyes: the manager approves and issues; the citizen downloads a verification
    # certificate with its next due date.
    login(manager)
    resp = client.post(f"/lab/requests/{sub.id}/do/approve",
                       data={"version": str(sub.version), "and_issue": "1"})
    assert resp.status_code == 302
    db.session.refresh(sub)
    assert sub.state == State.issued
    # The citizen downloads a verification certificate with its next due date.
    cert = db.session.scalars(db.select(Certificate)).one()
    assert cert.kind == CertificateKind.verification_certificate
    login(citizen)
    pdf = client.get(f"/certificates/{cert.id}.pdf")
    assert pdf.status_code == 200
    text = pdf_text_of(pdf.data)
    pdf.close()
    instrument = db.session.scalars(db.select(Instrument)).one()
    assert instrument.next_due is not None and instrument.last_verified is not None
    for expected in ("检定证书", "YS20260000", "Max / e", "15 kg / e = 5 g", "称量测试",
                     record.label_number, f"Next verification due by: {instrument.next_due}",
                     "|Ec| ≤ MPE", "138****1111"):
        assert expected in text, expected
    assert "13800001111" not in text                      # the document may travel


def pdf_text_of(data: bytes) -> str:
    import io

    from pypdf import PdfReader
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


def verified_part(client, login, metrology, readings) -> SubRequest:
    """The signed-in citizen's scale, asked for, accepted and verified by an analyst."""
    ask(client, scale_row(0))
    sub = db.session.scalars(db.select(SubRequest)).one()
    login(metrology["manager"])
    client.post(f"/lab/requests/{sub.id}/do/accept_free", data={"version": str(sub.version)})
    login(factories.create_user(Role.lab_staff, lab=metrology["lab"]))
    db.session.refresh(sub)
    resp = client.post(f"/lab/requests/{sub.id}/scale",
                       data={**readings, "version": str(sub.version)})
    assert resp.status_code == 302, resp.get_data(as_text=True)
    db.session.refresh(sub)
    return sub


def test_a_failing_scale_gets_a_notice_listing_the_failed_tests(app, client, login, citizen,
                                                                metrology, tmp_path):
    from tests.certificates.test_documents import save_png
    sub = verified_part(client, login, metrology, {**READINGS_PASS, "w4-ind": "15010"})
    record = db.session.scalars(db.select(ScaleVerification)).one()
    assert not record.passed and record.failed_tests == ["weighing"]
    assert record.label_number is None
    db.session.refresh(sub)
    login(metrology["manager"])
    client.post(f"/lab/requests/{sub.id}/do/approve",
                data={"version": str(sub.version), "and_issue": "1"})
    cert = db.session.scalars(db.select(Certificate)).one()
    assert cert.kind == CertificateKind.verification_failure
    data = stored_bytes(app, cert)
    text = pdf_text_of(data)
    assert "检定结果通知书" in text and "must not be used for trade" in text
    failed = text.split("Failed test")[1]
    # E = 15010 + 2.5 − 2.5 − 15000 = 10 g against ±7.5 g (1.5e above 2000e)
    assert "称量测试 Weighing test · L = 15 kg" in failed and "Ec = 10 g" in failed
    assert "± 7.5 g" in failed
    assert db.session.scalars(db.select(Instrument)).one().next_due is None
    save_png(data, "scale-verification-failure-page1", tmp_path)


def test_a_scale_keeps_its_verification_history(app, client, login, citizen, metrology):
    sub = verified_part(client, login, metrology, READINGS_PASS)
    login(metrology["manager"])
    db.session.refresh(sub)
    client.post(f"/lab/requests/{sub.id}/do/approve",
                data={"version": str(sub.version), "and_issue": "1"})
    instrument = db.session.scalars(db.select(Instrument)).one()
    record = db.session.scalars(db.select(ScaleVerification)).one()
    cert = db.session.scalars(db.select(Certificate)).one()
    url = f"/scales/{instrument.id}"
    assert client.get(url).status_code == 200            # the lab that verified it
    login(citizen)
    page = client.get(url).get_data(as_text=True)
    history = page.split('id="history"')[1]
    assert record.label_number in history and cert.number in history and "合格" in history
    assert str(instrument.next_due) in page.split('id="next-due"')[1][:40]
    for stranger in (factories.create_user(Role.citizen, phone="13900009999"),
                     factories.create_user(Role.lab_manager)):
        login(stranger)
        assert client.get(url).status_code == 404


def test_the_certificate_shows_the_scale_as_it_was_verified(app, client, login, citizen,
                                                            metrology):
    """Asking again for the same serial with other figures changes the record, not what
    an earlier verification's certificate prints; stray fields are not kept."""
    sub = verified_part(client, login, metrology, {**READINGS_PASS, "junk": "x" * 5000})
    record = db.session.scalars(db.select(ScaleVerification)).one()
    assert "junk" not in record.readings and record.max_capacity == 15000
    login(citizen)
    ask(client, scale_row(0, max_kg="30", e_g="10"))
    login(metrology["manager"])
    client.post(f"/lab/requests/{sub.id}/do/approve",
                data={"version": str(sub.version), "and_issue": "1"})
    cert = db.session.scalars(db.select(Certificate)).one()
    text = pdf_text_of(stored_bytes(app, cert))
    assert "15 kg / e = 5 g" in text and "30 kg" not in text
    # Withdrawn: the scale is no longer fit for use, so it has no due date.
    assert db.session.scalars(db.select(Instrument)).one().next_due is not None
    client.post(f"/certificates/{cert.id}/withdraw", data={"reason": "读数录入错误"})
    assert db.session.scalars(db.select(Instrument)).one().next_due is None


def test_a_pending_enterprise_is_told_not_shown_an_error(app, client, login, metrology):
    from blueprints.enterprises.models import EnterpriseStatus
    ent = factories.create_enterprise(status=EnterpriseStatus.pending)
    login(factories.create_user(Role.sme, enterprise=ent))
    resp = ask(client, scale_row(0))
    assert resp.status_code == 400 and "尚未" in resp.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(ServiceRequest.id))) == 0


def test_every_visible_input_of_the_scale_form_is_stored_or_refused(app, client, login,
                                                                     citizen, metrology):
    """Each field the metrologist's form shows is kept in the verification record as
    typed, and a field typed wrong is refused by name, storing nothing."""
    import re
    ask(client, scale_row(0))
    sub = db.session.scalars(db.select(SubRequest)).one()
    login(metrology["manager"])
    client.post(f"/lab/requests/{sub.id}/do/accept_free", data={"version": str(sub.version)})
    login(factories.create_user(Role.lab_staff, lab=metrology["lab"]))
    page = client.get(f"/lab/requests/{sub.id}/scale").get_data(as_text=True)
    shown = set(re.findall(r'<(?:input|select|textarea)[^>]*name="([^"]+)"', page)) - {
        "csrf_token", "version"}
    typed = dict(READINGS_PASS)
    for name in sorted(shown - typed.keys()):  # weighing rows beyond the five filled
        row, part = name.rsplit("-", 1)
        typed[name] = {"load": "7500", "ind": "7500", "add": "2.5"}[part]
    assert shown == typed.keys(), shown ^ typed.keys()
    db.session.refresh(sub)
    for name in sorted(n for n in shown if n != "vtype"):   # each one refused by name
        resp = client.post(f"/lab/requests/{sub.id}/scale",
                           data={**typed, name: "十二", "version": str(sub.version)})
        assert resp.status_code == 400, name
        error = re.search(rf'data-error-for="{re.escape(name)}"[^>]*>([^<]+)<',
                          resp.get_data(as_text=True))
        assert error and error.group(1).strip(), name
        assert db.session.scalar(db.select(db.func.count(ScaleVerification.id))) == 0
    resp = client.post(f"/lab/requests/{sub.id}/scale", data={**typed, "version": str(sub.version)})
    assert resp.status_code == 302, resp.get_data(as_text=True)
    record = db.session.scalars(db.select(ScaleVerification)).one()
    assert record.readings == typed


def test_a_scale_reads_in_the_readers_language(app, client, citizen, metrology):
    ask(client, scale_row(0))
    req = db.session.scalars(db.select(ServiceRequest)).one()
    instrument = db.session.scalars(db.select(Instrument)).one()
    for lang, says, never in (
            ("zh", ["电子计价秤 上海友声 ACS-15 S/N YS20260000", "III 级"],
             ["Price-computing", "class III"]),
            ("en", ["Price-computing scale 上海友声 ACS-15 S/N YS20260000", "class III"],
             ["电子计价秤", "级"])):
        client.get(f"/lang/{lang}")
        for url in (f"/requests/{req.id}", "/scales", f"/scales/{instrument.id}"):
            page = client.get(url).get_data(as_text=True)
            assert any(s in page for s in says), (lang, url)
            assert not any(n in page for n in never), (lang, url)


def test_a_lab_sees_only_its_own_verifications_of_a_scale(app, client, login, citizen,
                                                           metrology):
    """A vendor's scale was verified by two labs; each lab sees the scale and its own
    verification, never the other lab's certificate numbers or parts."""
    from blueprints.metrology.models import ScaleVerification
    from blueprints.metrology.scale_verification import VerificationType
    ask(client, scale_row(0))
    instrument = db.session.scalars(db.select(Instrument)).one()
    other_lab = factories.create_lab(code="QZM1", name_zh="泉州计量所")
    other_manager = factories.create_user(Role.lab_manager, lab=other_lab)
    parts = {}
    for lab, manager in ((metrology["lab"], metrology["manager"]), (other_lab, other_manager)):
        sub = factories.create_approved_part(lab, metrology["verification"], citizen, manager,
                                             values=())
        item = sub.items[0]
        item.instrument_id = instrument.id
        db.session.add(ScaleVerification(
            item_id=item.id, instrument_id=instrument.id,
            verification_type=VerificationType.subsequent, readings={}, passed=True,
            rules="JJG 539-2016", max_capacity=15000, e=5, accuracy_class="III",
            instrument_description="电子计价秤", label_number=f"{lab.code}-L000001",
            verified_by_id=manager.id))
        parts[lab.code] = sub.number
    db.session.commit()
    url = f"/scales/{instrument.id}"
    for viewer, sees, never in (
            (metrology["manager"], ["JMI1-L000001", parts["JMI1"]],
             ["QZM1-L000001", parts["QZM1"]]),
            (other_manager, ["QZM1-L000001", parts["QZM1"]], ["JMI1-L000001", parts["JMI1"]]),
            (citizen, ["JMI1-L000001", "QZM1-L000001"], []),
            (users_admin := factories.create_user(Role.admin), ["JMI1-L000001", "QZM1-L000001"],
             [])):
        login(viewer)
        page = client.get(url).get_data(as_text=True)
        assert "YS20260000" in page, viewer                      # the scale's identity
        assert all(s in page for s in sees), (viewer, sees)
        assert not any(n in page for n in never), (viewer, never)
    assert users_admin.role == Role.admin
    # A lab that never had the scale does not learn it exists.
    login(factories.create_user(Role.lab_manager, lab=factories.create_lab(code="XMM1")))
    assert client.get(url).status_code == 404
