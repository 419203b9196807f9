"""Who hears about what happens on a clinic case (the clinic_event signal): the desk of
new cases, declines and bad reviews; experts of their dispatch and the enterprise's
answers; the enterprise of each step that asks something of it. Told in the step's
own transaction, so a step that rolls back tells nobody."""
from sqlalchemy import select

from blueprints.auth.models import User
from blueprints.clinic.kinds import AssignmentState
from blueprints.clinic.models import CaseRating, ClinicCase
from blueprints.clinic.queries import cases_about
from blueprints.notifications.events import tell
from blueprints.notifications.models import claim
from core.links import public_url
from core.roles import Role
from core.signals import clinic_event, request_page
from extensions import db

# The event -> (who hears it, the kind of notification).
TOLD = {
    "opened": ("desk", "clinic_case_opened"),
    "dispatched": ("new_experts", "clinic_dispatched"),
    "accepted": ("enterprise", "clinic_accepted"),
    "declined": ("desk", "clinic_declined"),
    "rejected": ("enterprise", "clinic_rejected"),
    "info_requested": ("enterprise", "clinic_question"),
    "answered": ("experts", "clinic_answered"),
    "resolution_proposed": ("enterprise", "clinic_proposed"),
    "resolution_contested": ("experts", "clinic_contested"),
    "resolved": ("experts", "clinic_resolved"),
    "withdrawn": ("experts", "clinic_withdrawn"),
    "visit_booked": ("everyone", "clinic_visit_booked"),
    "visit_cancelled": ("everyone", "clinic_visit_cancelled"),
    "action_planned": ("enterprise", "clinic_action_planned"),
    "benefit_asked": ("enterprise", "clinic_benefit_asked"),
    "benefit_reported": ("experts", "clinic_benefit_reported"),
    "rated": ("bad_review", "clinic_bad_review"),
}


def _desk() -> list[User]:
    return list(db.session.scalars(select(User).where(User.role == Role.admin, User.active)))


def _enterprise(case: ClinicCase) -> list[User]:
    return list(db.session.scalars(select(User).where(
        User.enterprise_id == case.enterprise_id, User.role == Role.sme, User.active)))


def _experts(case: ClinicCase, states) -> list[User]:
    return [a.expert.user for a in case.assignments if a.state in states]


def _new_experts(case: ClinicCase) -> list[User]:
    """Experts dispatched and not told yet (each dispatch is told once)."""
    return [a.expert.user for a in case.assignments
            if a.state == AssignmentState.pending and claim("clinic_dispatch", a.id, "")]


def _audience(case: ClinicCase, who: str, user) -> list[User]:
    live = (AssignmentState.pending, AssignmentState.accepted)
    if who == "desk":
        return _desk()
    if who == "enterprise":
        return _enterprise(case)
    if who == "experts":
        return _experts(case, (AssignmentState.accepted,))
    if who == "new_experts":
        return _new_experts(case)
    if who == "bad_review":
        rating = db.session.scalar(select(CaseRating).where(CaseRating.case_id == case.id))
        return _desk() if rating is not None and rating.is_bad else []
    return _enterprise(case) + _experts(case, live)


@clinic_event.connect
def _tell(case_id: int, event: str, user=None, **_kwargs) -> None:
    told = TOLD.get(event)
    if told is None:
        return
    case = db.session.get(ClinicCase, case_id)
    who, kind = told
    people = [u for u in _audience(case, who, user) if user is None or u.id != user.id]
    if people:
        tell(people, kind, public_url("clinic.detail", case_id=case.id), number=case.number,
             title=case.title, who=getattr(user, "name", ""))



@request_page.connect
def _cases_on_request_page(_sender, parts, user=None, audience: str = "", **_kwargs) -> dict:
    """The applicant's request page links each failed result (and failed certificate)
    to the clinic case opened about it, or offers to open one. Labs see no cases."""
    if audience != "applicant" or user is None or user.role != Role.sme:
        return {"clinic_cases": {}, "asks_experts": False}
    results = [r.id for s in parts for i in s.items for r in i.results]
    return {"clinic_cases": cases_about(results, [s.id for s in parts]),
            "asks_experts": True}
