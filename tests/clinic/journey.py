"""A clinic case's steps over HTTP, as its people take them (shared by the clinic's
tests and the walker that checks nobody reaches another party's objects)."""
from datetime import timedelta

from sqlalchemy import select

from blueprints.clinic.models import ClinicCase
from core.roles import Role
from core.timeutil import local_today
from extensions import db
from tests import factories

CASE = {"title": "鞋底开胶", "product": "运动鞋 EVA 大底", "process_step": "刷胶、贴合",
        "chain": "textiles_footwear", "ics_field": "61", "skills": ["root_cause", "materials"],
        "symptoms": "穿着一个月后鞋底前掌开胶，约 5% 的退货。", "since": "三个月",
        "losses": "退货与返工", "monthly_loss": "12000"}


def clinic_people(users, dummy_lab):
    """The enterprise (users' SME), the desk, two experts of its chain (one outside,
    one lab staff) and one who declared the enterprise a conflict of interest."""
    ent = users[Role.sme].enterprise
    return {
        "sme": users[Role.sme], "admin": users[Role.admin],
        "expert": factories.create_expert(name="林专家", skills=("root_cause", "materials")),
        "lab_expert": factories.create_expert(lab=dummy_lab, name="陈工"),
        "conflicted": factories.create_expert(name="回避专家", conflicts=[ent],
                                              skills=("root_cause", "materials", "process")),
    }


def open_case(client, login, sme, files=None, **extra):
    login(sme)
    data = {**CASE, **extra}
    if files:
        data["file"] = files
    resp = client.post("/clinic/new", data=data, content_type="multipart/form-data")
    assert resp.status_code == 302, resp.get_data(as_text=True)[:3000]
    return db.session.scalar(select(ClinicCase).order_by(ClinicCase.id.desc()))


def step(client, case, name, text=""):
    db.session.refresh(case)
    return client.post(f"/clinic/{case.id}/{name}",
                       data={"version": str(case.version), "text": text})


def dispatch(client, login, admin, case, *experts):
    login(admin)
    db.session.refresh(case)
    return client.post(f"/clinic/{case.id}/dispatch",
                       data={"version": str(case.version),
                             "experts": [str(e.id) for e in experts]})


def accepted_case(client, login, people):
    """A case dispatched to the outside expert and accepted by them."""
    case = open_case(client, login, people["sme"])
    assert dispatch(client, login, people["admin"], case, people["expert"]).status_code == 302
    login(people["expert"].user)
    assert step(client, case, "accept").status_code == 302
    return case


def book_visit(client, case, days=3, starts="09:00", ends="11:00", mode="onsite"):
    return client.post(f"/clinic/{case.id}/visits", data={
        "visit-mode": mode, "visit-day": str(local_today() + timedelta(days=days)),
        "visit-starts": starts, "visit-ends": ends, "visit-place": "晋江市池店镇工业区 8 号",
        "visit-agenda": "看刷胶工序"})


def record_finding(client, case, cause="method", text="刷胶后晾置时间不足 3 分钟"):
    return client.post(f"/clinic/{case.id}/findings",
                       data={"finding-cause": cause, "finding-description": text})


def plan_action(client, case, text="晾置时间延长至 8 分钟并记录", owner="车间主任王强",
                side="enterprise", days=14, finding_id=0):
    return client.post(f"/clinic/{case.id}/actions", data={
        "action-description": text, "action-owner_side": side, "action-owner": owner,
        "action-due_on": str(local_today() + timedelta(days=days)),
        "action-finding_id": str(finding_id)})


def resolved_case(client, login, people):
    """Accepted, a finding and an action, proposed, and confirmed by the enterprise."""
    case = accepted_case(client, login, people)
    assert record_finding(client, case).status_code == 302
    assert step(client, case, "propose", "胶水晾置时间不足；已改工艺，退货降至 1%。").status_code == 302
    login(people["sme"])
    assert step(client, case, "confirm").status_code == 302
    db.session.refresh(case)
    return case


def made_case(sme, stage: str = "submitted", admin=None, expert=None, visit_in_days: int = 3,
              **values):
    """A case taken to `stage` ("submitted", "working", "resolved") through the models'
    own steps, with no HTTP (for tests that sign in under rate limits): at work it has
    a visit in `visit_in_days`, a finding and an action."""
    from datetime import datetime, time

    from blueprints.catalogue.kinds import IndustryChain
    from blueprints.clinic.kinds import ActionOwner, Cause, VisitMode
    from blueprints.clinic.work import CaseFinding, CaseVisit, CorrectiveAction
    from core.timeutil import LOCAL_TZ
    data = {"title": CASE["title"], "product": CASE["product"], "process": CASE["process_step"],
            "chain": IndustryChain.textiles_footwear, "ics_field": "61",
            "skills": CASE["skills"], "symptoms": CASE["symptoms"], "since": CASE["since"],
            "losses": CASE["losses"], "monthly_loss_cents": 1_200_000, **values}
    case = ClinicCase.open(sme, data)
    if stage != "submitted":
        case.dispatch(admin, [expert])
        case.accept(expert.user)
        day = local_today() + timedelta(days=visit_in_days)
        CaseVisit.book(case, expert.user, VisitMode.onsite,
                       datetime.combine(day, time(9, 30), LOCAL_TZ),
                       datetime.combine(day, time(11, 0), LOCAL_TZ), "晋江市池店镇工业区 8 号",
                       "看刷胶工序")
        CaseFinding.record(case, expert.user, Cause.method, "刷胶后晾置时间不足 3 分钟")
        CorrectiveAction.plan(case, expert.user, "晾置时间延长至 8 分钟并记录",
                              ActionOwner.enterprise, "车间主任王强",
                              local_today() + timedelta(days=14), local_today())
    if stage == "resolved":
        case.propose(expert.user, "胶水晾置时间不足；已改工艺，退货降至 1%。", findings=1)
        case.confirm(sme)
    db.session.commit()
    return case
