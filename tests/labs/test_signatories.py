"""Authorised signatories and the four-eyes rule, as a lab meets them: a lab whose only
signatory entered the results is told what to set up; once a second signatory is named,
that person reviews and signs, and the report names 编制 / 审核 / 批准."""
import io

from pypdf import PdfReader

from blueprints.audit.models import AuditEvent
from blueprints.catalogue.kinds import ServiceKind
from blueprints.certificates.models import Certificate
from blueprints.labs.models import Signatory
from blueprints.service_requests.lifecycle import State
from core.roles import Role
from extensions import db
from tests import factories
from tests.documents import stored_bytes
from tests.journeys import make_draft


def _lab():
    lab = factories.create_lab(code="SGL", name_zh="单签字人实验室")
    service = factories.create_service(labs=[lab], price_cents=0)
    service.capabilities[0].price_cents = 0
    db.session.commit()
    manager = factories.create_user(Role.lab_manager, lab=lab, name="黄志强")
    return lab, service, manager


def _step(client, login, user, sub, action, **data):
    db.session.refresh(sub)
    login(user)
    return client.post(f"/lab/requests/{sub.id}/{action}",
                       data={"version": str(sub.version), **data})


def part_in_review(client, login, users, service, enterer, manager):
    """A free part of `service`'s lab whose results `enterer` typed and submitted."""
    login(users[Role.sme])
    req = make_draft(client, service)
    client.post(f"/requests/{req.id}/submit", data={"version": str(req.version)})
    db.session.refresh(req)
    sub = req.sub_requests[0]
    assert _step(client, login, manager, sub, "do/accept_free").status_code == 302
    item = sub.items[0]
    _step(client, login, enterer, sub, "receive", **{"lines-0-item_id": str(item.id),
                                                    "lines-0-condition": "完好"})
    param = item.service.parameters[0]
    _step(client, login, enterer, sub, f"items/{item.id}/results",
          **{f"r-{item.id}-{param.id}-value": "12.5"})
    assert _step(client, login, enterer, sub, "do/submit_results").status_code == 302
    db.session.refresh(sub)
    assert sub.state == State.in_review
    return sub


def test_a_one_signatory_lab_is_told_what_to_set_up_then_a_second_signatory_signs(
        app, client, login, users):
    lab, service, manager = _lab()
    sub = part_in_review(client, login, users, service, manager, manager)

    login(manager)
    page = client.get(f"/lab/requests/{sub.id}").get_data(as_text=True)
    assert 'data-gap="reviewer"' in page and "/lab/signatories" in page
    assert 'data-refusal="entered_results"' in page and 'name="and_issue"' not in page
    refused = _step(client, login, manager, sub, "do/approve", and_issue="1")
    assert refused.status_code == 400
    db.session.refresh(sub)
    assert sub.state == State.in_review and sub.approved_by_id is None

    # The manager names the lab's analyst a signatory for testing.
    analyst = factories.create_user(Role.lab_staff, lab=lab, name="林晓燕",
                                    job_title="纺织检测工程师",
                                    signature_png=factories._default_signature())
    login(manager)
    form = client.get("/lab/signatories").get_data(as_text=True)
    assert "林晓燕" in form
    resp = client.post("/lab/signatories", data={
        "user_id": str(analyst.id), "kinds": ["testing"], "scope": "纺织品 甲醛 GB/T 2912.1",
        "since": "2026-11-01"})
    assert resp.status_code == 302
    sig = db.session.scalar(db.select(Signatory).filter_by(user_id=analyst.id))
    assert sig.kind_set == {"testing"} and sig.scope == "纺织品 甲醛 GB/T 2912.1"
    assert db.session.scalar(db.select(AuditEvent).filter_by(
        entity="signatories", entity_id=sig.id, action="signatory_named")) is not None

    login(analyst)
    page = client.get(f"/lab/requests/{sub.id}").get_data(as_text=True)
    assert "four-eyes-gap" not in page and 'name="and_issue"' in page
    assert _step(client, login, analyst, sub, "do/approve", and_issue="1").status_code == 302
    db.session.refresh(sub)
    assert sub.state == State.issued and sub.approved_by_id == analyst.id

    cert = db.session.scalar(db.select(Certificate).filter_by(sub_request_id=sub.id))
    assert cert.signed_by_id == analyst.id
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(stored_bytes(app, cert))).pages)
    # The sign-off table: 编制 / 审核 / 批准 headers, then the names in that order.
    assert "编制 Prepared by 审核 Reviewed by 批准 Approved by" in text
    names = text[text.index("Approved by"):]
    assert names.index("黄志强") < names.index("林晓燕") and names.count("林晓燕") == 2


def test_three_people_three_names_each_with_the_day(app, client, login, users):
    lab, service, manager = _lab()
    analyst = factories.create_user(Role.lab_staff, lab=lab, name="吴晓东")
    signer = factories.create_user(Role.lab_staff, lab=lab, name="郑丽娟", signatory=True,
                                   signature_png=factories._default_signature())
    sub = part_in_review(client, login, users, service, analyst, manager)
    # The manager reviews only; the analyst is no reviewer (and entered the results).
    login(analyst)
    assert 'data-refusal="not_reviewer"' in client.get(f"/lab/requests/{sub.id}").get_data(
        as_text=True)
    assert _step(client, login, analyst, sub, "do/approve").status_code == 400
    assert _step(client, login, manager, sub, "do/approve").status_code == 302
    assert _step(client, login, signer, sub, "do/issue").status_code == 302
    cert = db.session.scalar(db.select(Certificate).filter_by(sub_request_id=sub.id))
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(stored_bytes(app, cert))).pages)
    names = text[text.index("Approved by"):]
    assert names.index("吴晓东") < names.index("黄志强") < names.index("郑丽娟")
    assert names.count(cert.issued_at.strftime("%Y-")) >= 3  # each name carries its day


def test_a_signatory_signs_only_within_their_scope(app, client, login, users):
    lab, service, manager = _lab()
    analyst = factories.create_user(Role.lab_staff, lab=lab)
    calibrator = factories.create_user(Role.lab_staff, lab=lab, name="校准签字人",
                                       signature_png=factories._default_signature())
    factories.name_signatory(lab, calibrator, kinds=[ServiceKind.calibration])
    sub = part_in_review(client, login, users, service, analyst, manager)
    assert _step(client, login, manager, sub, "do/approve").status_code == 302
    login(calibrator)
    page = client.get(f"/lab/requests/{sub.id}").get_data(as_text=True)
    assert 'data-refusal="out_of_scope"' in page
    assert _step(client, login, calibrator, sub, "do/issue").status_code == 400
    db.session.refresh(sub)
    assert sub.state == State.approved


def test_a_revoked_signatory_no_longer_signs(app, client, login, users):
    lab, service, manager = _lab()
    analyst = factories.create_user(Role.lab_staff, lab=lab)
    second = factories.create_user(Role.lab_staff, lab=lab, signatory=True,
                                   signature_png=factories._default_signature())
    sub = part_in_review(client, login, users, service, analyst, manager)
    assert _step(client, login, manager, sub, "do/approve").status_code == 302
    sig = db.session.scalar(db.select(Signatory).filter_by(user_id=second.id))
    login(manager)
    assert client.post(f"/lab/signatories/{sig.id}/revoke").status_code == 302
    db.session.refresh(sig)
    assert not sig.is_active
    assert _step(client, login, second, sub, "do/issue").status_code == 400
    login(manager)
    assert 'class="badge badge-off"' in client.get("/lab/signatories").get_data(as_text=True)


def test_only_the_labs_manager_keeps_its_signatories(app, client, login, users, two_labs):
    lab, _service, manager = _lab()
    staff = factories.create_user(Role.lab_staff, lab=lab)
    sig = db.session.scalar(db.select(Signatory).filter_by(user_id=manager.id))
    login(staff)
    assert client.get("/lab/signatories").status_code == 200  # staff see who signs
    assert client.post("/lab/signatories", data={
        "user_id": str(staff.id), "kinds": ["testing"], "since": "2026-11-01"}).status_code == 403
    assert client.post(f"/lab/signatories/{sig.id}/revoke").status_code == 403
    login(two_labs["ntc_manager"])  # another lab's manager: not theirs to see
    assert client.get(f"/lab/signatories/{sig.id}").status_code == 404
    assert client.post(f"/lab/signatories/{sig.id}/revoke").status_code == 404
    # Nobody outside the lab can be named.
    assert client.post("/lab/signatories", data={
        "user_id": str(staff.id), "kinds": ["testing"], "since": "2026-11-01"}).status_code == 400
    db.session.refresh(sig)
    assert sig.is_active
    assert db.session.scalar(db.select(Signatory).filter_by(user_id=staff.id)) is None


def test_naming_a_signatory_says_what_is_missing(app, client, login, users):
    lab, _service, manager = _lab()
    staff = factories.create_user(Role.lab_staff, lab=lab)
    login(manager)
    client.get("/lang/en")
    resp = client.post("/lab/signatories", data={"user_id": str(staff.id), "scope": "纺织品",
                                                  "since": ""})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "Choose at least one kind of work they sign." in page
    assert "Enter the date of the authorisation." in page
    assert "纺织品" in page  # what was typed is kept
