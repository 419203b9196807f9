"""The quality clinic's demo: the pool of experts and three cases of the demo
enterprise (one resolved with its benefit and a published article, one at work with
a visit booked, one waiting for the desk), taken through the same steps people take,
so each has its audit trail. Past dates are set afterwards ("days_ago")."""
import json
from datetime import datetime, time, timedelta
from decimal import Decimal
from importlib.resources import files

from sqlalchemy import select

from blueprints.auth.models import User
from blueprints.catalogue.kinds import IndustryChain
from blueprints.clinic.kinds import ActionOwner, Cause, VisitMode
from blueprints.clinic.library import CaseArticle, identity_of
from blueprints.clinic.models import CaseRating, ClinicCase, Expert, ExpertConflict
from blueprints.clinic.outcome import CaseBenefit
from blueprints.clinic.work import CaseFinding, CaseVisit, CorrectiveAction
from blueprints.service_requests.satisfaction import Level
from core.roles import Role
from core.timeutil import LOCAL_TZ, local_today, utcnow
from extensions import db

DATA = json.loads((files(__package__) / "data" / "clinic.json").read_text(encoding="utf-8"))
CASE_FIELDS = ("title", "product", "chain", "ics_field", "skills", "symptoms", "since",
               "losses")


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def load_experts(enterprises: dict) -> int:
    """The pool: outside specialists and lab staff, by their accounts' e-mails."""
    made = 0
    for data in DATA["experts"]:
        user = _user(data["email"])
        if user is None or db.session.scalar(select(Expert.id).where(Expert.user_id == user.id)):
            continue
        data = dict(data)
        data.pop("email")
        conflicts = [enterprises[key] for key in data.pop("conflicts", []) if key in enterprises]
        expert = Expert(user=user, employer_lab_id=user.lab_id, **data)
        expert.conflicts = [ExpertConflict(enterprise=e) for e in conflicts]
        db.session.add(expert)
        made += 1
    db.session.flush()
    return made


def load_cases() -> int:
    """The demo enterprise's cases, each once (by its title)."""
    admin = db.session.scalar(select(User).where(User.role == Role.admin).order_by(User.id))
    made = 0
    for data in DATA["cases"]:
        sme = _user(data["enterprise_user"])
        if sme is None or db.session.scalar(select(ClinicCase.id).where(
                ClinicCase.enterprise_id == sme.enterprise_id,
                ClinicCase.title == data["title"])):
            continue
        _case(data, sme, admin)
        made += 1
    return made


def _case(data: dict, sme: User, admin: User) -> ClinicCase:
    values = {f: data[f] for f in CASE_FIELDS}
    values["chain"] = IndustryChain(values["chain"])
    case = ClinicCase.open(sme, {**values, "process": data["process_step"],
                                 "monthly_loss_cents": data.get("monthly_loss_cents")})
    experts = [db.session.scalar(select(Expert).join(Expert.user).where(User.email == e))
               for e in data["experts"]]
    if experts:
        case.dispatch(admin, experts)
        lead = experts[0].user
        case.accept(lead)
        if "visit_in_days" in data:
            day = local_today() + timedelta(days=data["visit_in_days"])
            CaseVisit.book(case, lead, VisitMode.onsite,
                           datetime.combine(day, time(9, 30), LOCAL_TZ),
                           datetime.combine(day, time(11, 30), LOCAL_TZ),
                           sme.enterprise.address, "到车间看工序，带走面料样品")
        finding = data.get("finding")
        if finding:
            CaseFinding.record(case, lead, Cause(finding["cause"]), finding["description"])
        for action in data.get("actions", []):
            row = CorrectiveAction.plan(case, lead, action["description"],
                                        ActionOwner(action["owner_side"]), action["owner"],
                                        local_today() + timedelta(days=action["days"]),
                                        local_today())
            row.complete(lead if row.owner_side == ActionOwner.expert else sme,
                         action["evidence"])
        if data.get("resolution"):
            _resolve(case, data, sme, lead, admin)
    db.session.flush()
    _backdate(case, data)
    return case


def _resolve(case: ClinicCase, data: dict, sme: User, lead: User, admin: User) -> None:
    # The visit that found the cause, held before the resolution.
    visit = CaseVisit.book(case, lead, VisitMode.onsite, utcnow() + timedelta(hours=1),
                           utcnow() + timedelta(hours=3), sme.enterprise.address,
                           "现场查看刷胶、贴合工序")
    visit.starts_at = datetime.combine(local_today() - timedelta(
        days=data["days_ago"] - 4), time(9, 0), LOCAL_TZ)
    visit.ends_at = visit.starts_at + timedelta(hours=3)
    case.propose(lead, data["resolution"], findings=1)
    case.confirm(sme)
    CaseRating.rate(case, sme, Level(data["rating"]["level"]), data["rating"]["comment"],
                    local_today())
    case.give_consent(sme)
    benefit = CaseBenefit.ask(case)
    figures = data["benefit"]
    benefit.report(sme, Decimal(figures["before"]), Decimal(figures["after"]),
                   figures["saved_cents"], figures["note"])
    benefit.verify(lead, "回访车间，三个月退货记录与企业所报一致。")
    article = CaseArticle.draft(case, lead, data["article"])
    article.submit(lead, identity_of(case))
    article.approve(admin, identity_of(case))


def _backdate(case: ClinicCase, data: dict) -> None:
    """Move the case's story to when it happened (the steps above ran today)."""
    opened = utcnow() - timedelta(days=data["days_ago"])
    case.created_at = opened
    for a in case.assignments:
        if a.answered_at is not None:   # one still asked keeps today's deadline
            a.dispatched_at = opened + timedelta(hours=3)
            a.answer_by -= timedelta(days=data["days_ago"])
            a.answered_at = opened + timedelta(hours=20)
    if data.get("resolved_days_ago"):
        case.resolved_at = utcnow() - timedelta(days=data["resolved_days_ago"])
        case.proposed_at = case.resolved_at - timedelta(days=2)
