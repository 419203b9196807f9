"""What waits on a person: the inbox, so that nothing depends on one e-mail being
read. Each list is one query (with what its rows show), capped at LIMIT."""
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from blueprints.catalogue.standard_watch import flags
from blueprints.clinic.models import expert_of
from blueprints.clinic.queries import case_tasks
from blueprints.enterprises.models import Enterprise, EnterpriseStatus
from blueprints.metrology.models import Campaign
from blueprints.notifications.mail import MailState, OutgoingMail
from blueprints.scheduling.kinds import BookingState, ResourceKind
from blueprints.scheduling.models import Booking, Resource, Slot
from blueprints.service_requests.lifecycle import BOOKABLE, TAKES_RESULTS, State
from blueprints.service_requests.models import Rating, ServiceRequest, SubRequest
from core.roles import Role
from core.timeutil import LOCAL_TZ, local_today
from extensions import db

LIMIT = 20


@dataclass
class TaskList:
    key: str                       # what the list is (the template words it)
    parts: list = field(default_factory=list)
    count: int = 0


def _parts(stmt, few: bool = False) -> list[SubRequest]:
    """The list's first rows by due date. A list of one state of a lab reads them in
    the order of the (lab_id, state, due_date) index; a list that is `few` (one
    person's, today's) is sorted after its own filter, as reading a whole lab in
    due-date order to find them costs more (the planner cannot know)."""
    order = ((SubRequest.due_date.is_(None), SubRequest.due_date, SubRequest.id) if few
             else (SubRequest.due_date, SubRequest.id))
    return list(db.session.scalars(
        stmt.options(joinedload(SubRequest.request).joinedload(ServiceRequest.enterprise),
                     joinedload(SubRequest.request).joinedload(ServiceRequest.applicant),
                     joinedload(SubRequest.lab))
        .order_by(*order).limit(LIMIT)))


def _applicant_parts(user, state: State):
    stmt = select(SubRequest).join(SubRequest.request).where(SubRequest.state == state)
    if user.role == Role.sme:
        return stmt.where(ServiceRequest.enterprise_id == user.enterprise_id)
    return stmt.where(ServiceRequest.applicant_id == user.id,
                      ServiceRequest.enterprise_id.is_(None))


def _campaign_parts(user):
    """The citizen's scales waiting for a campaign day still to come."""
    return (select(SubRequest).join(SubRequest.request)
            .join(Campaign, Campaign.id == ServiceRequest.campaign_id)
            .where(ServiceRequest.applicant_id == user.id, Campaign.day >= local_today(),
                   SubRequest.state.in_(BOOKABLE))  # not verified yet
            .options(joinedload(SubRequest.request).joinedload(ServiceRequest.campaign)))


def _booked_today(lab_id: int):
    """Parts whose samples are booked to arrive at the lab's counter today (read from
    the counter's slots of the day, not from every part waiting for samples); the
    list keeps those not in yet: the counter confirms each arrival by receiving them."""
    first = datetime.combine(local_today(), time.min, LOCAL_TZ).astimezone(UTC)  # as stored
    counters = select(Resource.id).where(Resource.lab_id == lab_id,
                                         Resource.kind == ResourceKind.reception)
    return (select(Booking.sub_request_id).join(Booking.slot)
            .where(Slot.resource_id.in_(counters), Slot.starts_at >= first,
                   Slot.starts_at < first + timedelta(days=1),
                   Booking.state == BookingState.booked))


def _bad_reviews(lab_id: int):
    """Parts of the lab whose bad review is not followed up yet."""
    return select(Rating.sub_request_id).where(
        Rating.lab_id == lab_id, Rating.follow_up_due.is_not(None),
        Rating.followed_up_at.is_(None))


def tasks_for(user) -> list[TaskList]:
    """The lists of things waiting on this user, in the order they should be done, with
    the quality clinic's after the rest."""
    return _work_of(user) + [TaskList(key, cases)
                             for key, cases in case_tasks(user, expert_of(user), LIMIT)]


def _work_of(user) -> list[TaskList]:
    if user.role == Role.citizen:  # a vendor's scales: free, so no quotes
        return [TaskList("campaign_days", _parts(_campaign_parts(user), few=True)),
                TaskList("answer_return", _parts(_applicant_parts(user, State.returned))),
                TaskList("bring_scale", _parts(_applicant_parts(user, State.confirmed).where(
                    ServiceRequest.campaign_id.is_(None)))),
                TaskList("certificates", _parts(_applicant_parts(user, State.issued)))]
    if user.role == Role.sme:
        wanted = [("answer_return", State.returned), ("accept_quote", State.quoted),
                  ("bring_samples", State.confirmed), ("close", State.issued)]
        return [TaskList(key, _parts(_applicant_parts(user, state))) for key, state in wanted]
    if user.role in (Role.lab_staff, Role.lab_manager):
        lab = select(SubRequest).where(SubRequest.lab_id == user.lab_id)
        # (the lab is the counter's: found by id, not by scanning the lab's parts)
        lists = [TaskList("drop_offs_today", _parts(select(SubRequest).where(
                     SubRequest.id.in_(_booked_today(user.lab_id)),
                     SubRequest.state.in_(BOOKABLE)), few=True)),
                 TaskList("my_work", _parts(lab.where(
                     SubRequest.assignee_id == user.id,
                     SubRequest.state.in_(TAKES_RESULTS)),
                     few=True))]
        if user.role == Role.lab_manager:
            lists = [TaskList("to_accept", _parts(lab.where(SubRequest.state == State.submitted))),
                     TaskList("to_review", _parts(lab.where(SubRequest.state == State.in_review))),
                     TaskList("to_issue", _parts(lab.where(SubRequest.state == State.approved))),
                     TaskList("bad_reviews", _parts(select(SubRequest).where(
                         SubRequest.id.in_(_bad_reviews(user.lab_id))), few=True)),
                     *lists,
                     TaskList("standards_to_check", flags(user.lab_id)[:LIMIT])]
        return lists
    if user.role != Role.admin:   # an outside expert: the clinic's lists only
        return []
    pending = db.session.scalar(select(func.count(Enterprise.id)).where(
        Enterprise.status == EnterpriseStatus.pending))
    failed = db.session.scalar(select(func.count(OutgoingMail.id)).where(
        OutgoingMail.state == MailState.failed))
    return [TaskList("enterprises_to_verify", count=pending),
            TaskList("failed_mail", count=failed)]
