"""Every URL rule of the app, with every method, as each kind of person, filled with
another party's objects: nobody sees or changes what is not theirs. The rules come from
the app's own url_map, so a new route is walked without editing this test; a route with
an argument this test cannot fill fails it until it is taught (ARGUMENTS below).

Party B (the owner) has an enterprise with a submitted request, an attachment, a
closed part with a certificate, a rating, a booking, an invitation, a citizen's scale
at a campaign day, and a lab with its resources, closures, signatories, a batch and a
capability. Party A (the others) are an SME of another enterprise, another citizen, and
the staff and manager of another lab, and a visitor who is not signed in. For each
request: no server error; a page that answers 200 shows none of B's private marks; a
POST changes nothing in the database."""
import hashlib
import io
import secrets
from datetime import timedelta

from sqlalchemy import select, text

from blueprints.auth.models import User
from blueprints.catalogue.models import Capability
from blueprints.certificates.models import Certificate, CertificateBatch
from blueprints.clinic.library import CaseArticle
from blueprints.clinic.lifecycle import CaseAction
from blueprints.clinic.models import CaseAttachment
from blueprints.clinic.work import CaseVisit, CorrectiveAction
from blueprints.enterprises.models import Invitation
from blueprints.metrology.models import Campaign, Instrument
from blueprints.notifications.mail import OutgoingMail
from blueprints.scheduling.models import Booking
from blueprints.scheduling.slots import book, open_slots
from blueprints.service_requests.attachments import attach
from blueprints.service_requests.lifecycle import Action
from blueprints.service_requests.models import Attachment, Rating, ServiceRequest
from core.roles import Role
from core.timeutil import local_today
from core.working_calendar import CalendarDay, DayKind
from extensions import db
from tests import factories
from tests.clinic.journey import accepted_case, plan_action, record_finding, resolved_case
from tests.journeys import closed_part, submitted
from tests.metrology.test_scales import ask, scale_row

# What each URL argument is filled with: B's object of that kind (by name in `world`),
# or a value that names nothing of A's (a token nobody was given).
ARGUMENTS = {
    "request_id": "request", "sub_id": "part", "item_id": "item",
    "attachment_id": "attachment", "enterprise_id": "enterprise",
    "invitation_id": "invitation", "cert_id": "certificate", "batch_id": "batch",
    "booking_id": "booking", "campaign_id": "campaign", "instrument_id": "instrument",
    "rating_id": "rating", "resource_id": "resource", "day_id": "closure",
    "signatory_id": "signatory", "capability_id": "capability", "lab_id": "lab",
    "user_id": "b_user", "mail_id": "mail", "parameter_id": "parameter",
    "service_id": "service", "code": "lab_code", "token": "token", "kind": "zip",
    "standard_id": "standard", "fmt": "xlsx",
    "import_id": "batch",  # any id: only administrators reach catalogue imports
    "case_id": "case", "file_id": "case_file", "visit_id": "visit", "action_id": "case_action",
    "article_id": "article", "expert_id": "expert", "verdict": "approve",
    "record_id": "quality_record", "dossier_id": "dossier",
    "action": None,  # every lifecycle action in turn
    "step": None,    # every step of a clinic case in turn
}
# Public by design: any visitor may read these whoever owns them.
PUBLIC_ENDPOINTS = {"labs.detail", "catalogue.detail", "public.set_language",
                    "service_requests.read_typed_result", "catalogue.standard"}
# Posts about a public object that change only the poster's own account (an enterprise
# follows a standard): a change is theirs to make.
OWN_ACCOUNT_POSTS = {"catalogue.follow_standard"}
NOT_WALKED = {"static", "auth.logout"}  # logging out would end the walker's own session


def build_world(client, login, users, two_labs, metrology) -> dict:
    """Party B's objects, and the secrets its pages hold."""
    ent = users[Role.sme].enterprise
    ent.name = "乙方保密鞋服有限公司"
    db.session.commit()
    req, parts = submitted(client, login, users, two_labs)
    part = parts["NTC1"]
    attach(req, users[Role.sme], "乙方机密报告.pdf", b"%PDF-1.4 secret")
    db.session.commit()
    _closed_req, closed = closed_part(client, login, users, two_labs)
    cert = db.session.scalar(select(Certificate).filter_by(sub_request_id=closed.id))
    rating = Rating(sub_request_id=closed.id, lab_id=closed.lab_id, level=1,
                    comment="乙方差评", rated_by_id=users[Role.sme].id,
                    follow_up_due=local_today() + timedelta(days=3))
    db.session.add(rating)
    lab = two_labs["fabric_lab"]
    counter = factories.create_resource(lab.id)
    slot = open_slots(counter, local_today() + timedelta(days=1), 1)[0]
    db.session.commit()
    booking = book(slot.id, users[Role.sme], part)
    closure = CalendarDay(lab_id=lab.id, day=local_today() + timedelta(days=20),
                          kind=DayKind.holiday, name="乙方停电")
    inv, _token = Invitation.issue(ent, "colleague@yifang.example", users[Role.sme])
    batch = CertificateBatch(lab_id=lab.id, created_by_id=two_labs["ntc_manager"].id, total=1)
    capability = db.session.scalar(select(Capability).filter_by(lab_id=lab.id))
    mail = OutgoingMail(user_id=users[Role.sme].id, to_address="boss@yifang.example",
                        kind="test", subject="乙方邮件", body="乙方正文")
    db.session.add_all([closure, inv, batch, mail])
    db.session.commit()
    citizen = users[Role.citizen]
    login(citizen)
    campaign = Campaign(lab_id=metrology["lab"].id, service_id=metrology["verification"].id,
                        market="青阳农贸市场", day=local_today() + timedelta(days=5),
                        created_by_id=metrology["manager"].id)
    db.session.add(campaign)
    db.session.commit()
    ask(client, scale_row(0, serial="YFSECRET01"), where=str(campaign.id),
        phone=citizen.phone)
    instrument = db.session.scalar(select(Instrument).filter_by(serial="YFSECRET01"))
    signatory = db.session.scalar(text("SELECT id FROM signatories WHERE lab_id = :lab"),
                                  {"lab": lab.id})
    clinic = _clinic_cases(client, login, users)
    credit = _credit(client, login, users)
    return {
        "request": req, "part": part, "item": part.items[0],
        "attachment": db.session.scalars(select(Attachment)).first(),
        "enterprise": ent, "invitation": inv, "certificate": cert, "batch": batch,
        "booking": db.session.get(Booking, booking.id), "campaign": campaign,
        "instrument": instrument, "rating": rating, "resource": counter,
        "closure": closure, "signatory": signatory, "capability": capability, "lab": lab,
        "b_user": users[Role.sme], "mail": mail,
        "parameter": two_labs["fabric"].parameters[0], "service": two_labs["fabric"],
        "lab_code": lab.code, "token": secrets.token_urlsafe(16), "zip": "zip",
        "xlsx": "xlsx",
        "standard": factories.create_standard("GB/T 2912.1-2009", "纺织品 甲醛的测定"),
        **clinic, **credit, "approve": "approve",
        "marks": [req.number, ent.name, "乙方机密报告.pdf", "乙方差评", "YFSECRET01",
                  cert.number, "乙方邮件", "colleague@yifang.example", users[Role.sme].email,
                  citizen.phone, clinic["case"].number, "乙方问诊照片.pdf", "乙方车间 8 号",
                  "乙方保密配方", clinic["article"].title, "乙方省质量奖",
                  credit["dossier"].number, "乙方开户银行"],
    }


def _credit(client, login, users) -> dict:
    """B's quality record (entered by the desk) and the dossier B made for its bank."""
    from blueprints.credit.models import Dossier
    from blueprints.enterprises.records import QualityRecord
    ent = users[Role.sme].enterprise
    login(users[Role.admin])
    client.post(f"/enterprises/{ent.id}/records", data={
        "category": "award/provincial", "title": "乙方省质量奖", "dated": "2025-05-01",
        "file": (io.BytesIO(b"%PDF-1.4 award"), "award.pdf")},
        content_type="multipart/form-data")
    login(users[Role.sme])
    client.post("/credit/new", data={"bank": "乙方开户银行", "purpose": "贷款", "consent": "y"})
    return {"quality_record": db.session.scalars(select(QualityRecord)).one(),
            "dossier": db.session.scalars(select(Dossier)).one()}


def _clinic_cases(client, login, users) -> dict:
    """B's clinic cases: one at work (a file, a visit, a finding, an action), one
    resolved with a draft article for the library."""
    expert = factories.create_expert(name="乙方专家")
    people = {"sme": users[Role.sme], "admin": users[Role.admin], "expert": expert}
    case = accepted_case(client, login, people)
    client.post(f"/clinic/{case.id}/files", data={
        "file": (io.BytesIO(b"%PDF-1.4 secret"), "乙方问诊照片.pdf")},
        content_type="multipart/form-data")
    client.post(f"/clinic/{case.id}/visits", data={
        "visit-mode": "onsite", "visit-day": str(local_today() + timedelta(days=2)),
        "visit-starts": "09:00", "visit-ends": "10:00", "visit-place": "乙方车间 8 号",
        "visit-agenda": ""})
    record_finding(client, case, text="乙方保密配方的胶水")
    plan_action(client, case)
    done = resolved_case(client, login, people)
    done.consent_at = done.resolved_at
    article = CaseArticle(case_id=done.id, chain=done.chain, title="乙方案例草稿",
                          problem="开胶", cause="晾置", actions="改工艺", outcome="好转",
                          written_by_id=expert.user_id)
    db.session.add(article)
    db.session.commit()
    return {"case": case, "expert": expert, "article": article,
            "case_file": db.session.scalars(select(CaseAttachment)).first(),
            "visit": db.session.scalars(select(CaseVisit)).first(),
            "case_action": db.session.scalars(select(CorrectiveAction)).first()}


def others(two_labs) -> dict:
    """Party A: people with no part in B's objects."""
    lab = factories.create_lab(code="OTH1", name_zh="别家实验室")
    return {
        "visitor": None,
        "sme": factories.create_user(Role.sme),
        "citizen": factories.create_user(Role.citizen),
        "lab_staff": factories.create_user(Role.lab_staff, lab=lab),
        "lab_manager": factories.create_user(Role.lab_manager, lab=lab),
        "expert": factories.create_expert(name="别家专家").user,
        "lab_expert": factories.create_expert(lab=lab, name="别家实验室专家").user,
    }


def fingerprint() -> str:
    """Every row of every table, hashed: equal before and after means nothing changed."""
    digest = hashlib.sha256()
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
        digest.update(repr((table.name, [tuple(r) for r in rows])).encode())
    return digest.hexdigest()


def fill(rule, world) -> list[dict]:
    """The argument values for a rule (one set per lifecycle action for `action`)."""
    values = {}
    for name in rule.arguments - {"action", "step"}:
        assert name in ARGUMENTS, (
            f"{rule.rule}: teach this test what to put in <{name}> (ARGUMENTS)")
        value = world[ARGUMENTS[name]]
        assert value is not None, f"the world has no {ARGUMENTS[name]} for <{name}>"
        values[name] = value if isinstance(value, (str, int)) or value is None \
            else value.id
    if "action" in rule.arguments:
        return [{**values, "action": a.value} for a in Action]
    if "step" in rule.arguments:
        return [{**values, "step": a.value} for a in CaseAction]
    return [values]


def payload(world) -> dict:
    """A post that would succeed for the owner: versions, reasons and lines filled."""
    part, item = world["part"], world["item"]
    return {"version": str(part.version), "reason": "越权测试", "comment": "越权",
            "level": "1", "follow_up_note": "越权", "lines-0-item_id": str(item.id),
            "lines-0-price": "1.00", "lines-0-condition": "完好",
            "work_conditions": "越权", "internal_note": "越权", "title": "越权",
            "contact_name": "越权", "contact_phone": "13800000000", "name": "越权",
            "campaign_id": str(world["campaign"].id), "kinds": ["testing"],
            "since": str(local_today()), "scope": "越权", "day": str(local_today()),
            "text": "越权", "experts": [str(world["expert"].id)], "description": "越权",
            "cause": "method", "evidence": "越权", "owner": "越权", "owner_side": "expert",
            "due_on": str(local_today()), "minutes": "30", "activity": "visit",
            "mode": "remote", "starts": "09:00", "ends": "10:00", "agree": "y",
            **{f"{form}-{name}": value for form in ("visit", "finding", "action", "time")
               for name, value in (("mode", "remote"), ("day", str(local_today())),
                                   ("starts", "09:00"), ("ends", "10:00"),
                                   ("place", "越权"), ("cause", "method"),
                                   ("description", "越权"), ("owner", "越权"),
                                   ("owner_side", "expert"), ("finding_id", "0"),
                                   ("due_on", str(local_today())), ("activity", "visit"),
                                   ("minutes", "30"))},
            "note": "越权", "verification": "越权", "problem": "越权", "outcome": "越权",
            "actions": "越权"}


def test_nobody_sees_or_changes_another_partys_objects(app, client, login, users, two_labs,
                                                        metrology):
    world = build_world(client, login, users, two_labs, metrology)
    people = others(two_labs)
    rules = [r for r in app.url_map.iter_rules() if r.endpoint not in NOT_WALKED]
    versions = {"request": world["request"].version}
    problems, walked = [], 0
    data = payload(world)
    for who, person in people.items():
        if person is None:
            client.post("/logout")
        else:
            login(person)
        for rule in rules:
            methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
            for values in fill(rule, world):
                url = rule.build(values, append_unknown=False)[1]
                for method in methods:
                    before = fingerprint() if (method == "POST" and rule.arguments and
                                               rule.endpoint not in OWN_ACCOUNT_POSTS) else None
                    resp = client.open(url, method=method,
                                       data=data if method == "POST" else None)
                    walked += 1
                    body = resp.get_data().decode("utf-8", "replace")
                    if resp.status_code >= 500:
                        problems.append((who, method, url, resp.status_code))
                    elif (resp.status_code == 200 and rule.endpoint not in PUBLIC_ENDPOINTS
                          and rule.arguments):
                        shown = [m for m in world["marks"] if m and m in body]
                        if shown:
                            problems.append((who, method, url, "shows", shown))
                    if before is not None:
                        db.session.expire_all()
                        if fingerprint() != before:
                            problems.append((who, method, url, "changed data"))
                    resp.close()
    assert versions["request"] == db.session.get(ServiceRequest, world["request"].id).version
    print(f"walked {walked} requests: {len(rules)} rules, {len(people)} kinds of other party")
    assert walked > 500
    assert problems == []
    assert db.session.get(User, world["b_user"].id).active
