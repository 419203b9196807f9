"""The clinic's time-driven work, run by the worker: an expert is reminded before their
answer to a dispatch is due and the desk is told when it passed (like the labs'
acceptance alerts), and 90 days after a case was resolved the enterprise is asked what
it brought. Each is claimed once (notifications.claim), so runs may repeat or overlap."""
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from blueprints.auth.models import User
from blueprints.clinic.kinds import AssignmentState
from blueprints.clinic.lifecycle import AWAITING_EXPERT, CaseState
from blueprints.clinic.models import CaseAssignment, ClinicCase, Expert
from blueprints.clinic.outcome import CaseBenefit
from blueprints.notifications.events import tell
from blueprints.notifications.models import claim
from core.links import public_url
from core.roles import Role
from core.timeutil import to_local
from extensions import db

LOOK_BACK = timedelta(days=7)


def send_answer_alerts(now: datetime) -> int:
    """Remind each expert whose answer is due within ANSWER_ALERT_MINUTES, and tell
    the desk once the response time has passed. Cases waiting for the enterprise
    are left alone: their clock is stopped."""
    ahead = timedelta(minutes=int(current_app.config["ANSWER_ALERT_MINUTES"]))
    rows = db.session.execute(
        select(CaseAssignment.id, CaseAssignment.answer_by, ClinicCase.id, ClinicCase.number,
               User.id)
        .join(ClinicCase, ClinicCase.id == CaseAssignment.case_id)
        .join(Expert, Expert.id == CaseAssignment.expert_id).join(User, User.id == Expert.user_id)
        .where(CaseAssignment.state == AssignmentState.pending,
               ClinicCase.state.in_(AWAITING_EXPERT),
               CaseAssignment.answer_by > now - LOOK_BACK,
               CaseAssignment.answer_by <= now + ahead)
        .order_by(CaseAssignment.id)).all()
    desk = None
    sent = 0
    for assignment_id, answer_by, case_id, number, user_id in rows:
        deadline = to_local(answer_by)
        late = deadline <= to_local(now)
        kind = "clinic_answer_overdue" if late else "clinic_answer_due"
        if not claim(kind, assignment_id, deadline.isoformat()):
            db.session.rollback()
            continue
        if late:
            desk = desk if desk is not None else list(db.session.scalars(
                select(User).where(User.role == Role.admin, User.active)))
        to = desk if late else [db.session.get(User, user_id)]
        tell(to, kind, public_url("clinic.detail", case_id=case_id), number=number,
             deadline=deadline.strftime("%Y-%m-%d %H:%M"))
        db.session.commit()
        sent += 1
    db.session.commit()
    return sent


def ask_for_benefits(now: datetime) -> int:
    """Ask the enterprise of each case resolved CLINIC_BENEFIT_AFTER_DAYS ago (and not
    asked yet) for the benefit it brought."""
    after = timedelta(days=int(current_app.config["CLINIC_BENEFIT_AFTER_DAYS"]))
    cases = db.session.scalars(
        select(ClinicCase).where(ClinicCase.state == CaseState.resolved,
                                 ClinicCase.resolved_at <= now - after,
                                 ClinicCase.id.not_in(select(CaseBenefit.case_id)))
        .options(joinedload(ClinicCase.enterprise)).order_by(ClinicCase.id).limit(500)).all()
    asked = 0
    for case in cases:
        if not claim("clinic_benefit", case.id, ""):
            db.session.rollback()
            continue
        CaseBenefit.ask(case)
        db.session.commit()
        asked += 1
    return asked
