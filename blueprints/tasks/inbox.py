"""What waits on a person: the inbox, so that nothing depends on one e-mail being
read. Each list is one query (with what its rows show), capped at LIMIT."""
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import Select, func, literal, select, union_all
from sqlalchemy.orm import joinedload

from blueprints.catalogue.standard_watch import flags
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


def _by_due(stmt: Select, few: bool = False) -> Select:
    """The ids of the query's first LIMIT parts by due date. A list of one state of a
    lab reads them in the order of the (lab_id, state, due_date) index; a list that is
    `few` (one person's, today's) is sorted after its own filter, as reading a whole
    lab in due-date order to find them costs more (the planner cannot know)."""
    order = ((SubRequest.due_date.is_(None), SubRequest.due_date, SubRequest.id) if few
             else (SubRequest.due_date, SubRequest.id))
    return stmt.with_only_columns(SubRequest.id).order_by(*order).limit(LIMIT)


def _part_lists(wanted: list[tuple[str, Select]], *shown) -> list[TaskList]:
    """The lists of parts, as (key, ids in order) asks, in two statements whatever the
    number of lists: one finds every list's ids, the other loads those parts with what
    their rows show (and the relationships in `shown`)."""
    picks = [select(literal(n).label("list"), list(ids.subquery().c)[0].label("id"))
             for n, (_key, ids) in enumerate(wanted)]
    # UNION ALL hands back each SELECT's rows in turn, in that SELECT's order.
    found = db.session.execute(union_all(*picks)).all() if picks else []
    options = [joinedload(SubRequest.request).joinedload(ServiceRequest.enterprise),
               joinedload(SubRequest.request).joinedload(ServiceRequest.applicant),
               joinedload(SubRequest.lab),
               *(joinedload(SubRequest.request).joinedload(r) for r in shown)]
    parts = {sub.id: sub for sub in db.session.scalars(
        select(SubRequest).where(SubRequest.id.in_({row.id for row in found}))
        .options(*options))} if found else {}
    lists = [TaskList(key) for key, _ids in wanted]
    for row in found:
        lists[row.list].parts.append(parts[row.id])
    return lists


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
                   SubRequest.state.in_(BOOKABLE)))  # not verified yet


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


def _bad_reviews(lab_id: int) -> Select:
    """The ids of the lab's parts whose bad review is not followed up yet, the
    follow-up due soonest first (read in the order of the partial index of reviews to
    follow up: some hundreds wait at a busy lab)."""
    return (select(Rating.sub_request_id).where(
        Rating.lab_id == lab_id, Rating.follow_up_due.is_not(None),
        Rating.followed_up_at.is_(None))
        .order_by(Rating.follow_up_due, Rating.id).limit(LIMIT))


def tasks_for(user, expert) -> list[TaskList]:
    """The lists of things waiting on this user (`expert`: their expert profile, or
    None), in the order they should be done, with the quality clinic's after the rest."""
    return _work_of(user) + [TaskList(key, cases)
                             for key, cases in case_tasks(user, expert, LIMIT)]


def _work_of(user) -> list[TaskList]:
    if user.role == Role.citizen:  # a vendor's scales: free, so no quotes
        return _part_lists([
            ("campaign_days", _by_due(_campaign_parts(user), few=True)),
            ("answer_return", _by_due(_applicant_parts(user, State.returned))),
            ("bring_scale", _by_due(_applicant_parts(user, State.confirmed).where(
                ServiceRequest.campaign_id.is_(None)))),
            ("certificates", _by_due(_applicant_parts(user, State.issued)))],
            ServiceRequest.campaign)
    if user.role == Role.sme:
        return _part_lists([
            ("answer_return", _by_due(_applicant_parts(user, State.returned))),
            ("accept_quote", _by_due(_applicant_parts(user, State.quoted))),
            ("bring_samples", _by_due(_applicant_parts(user, State.confirmed))),
            ("close", _by_due(_applicant_parts(user, State.issued)))])
    if user.role in (Role.lab_staff, Role.lab_manager):
        lab = select(SubRequest).where(SubRequest.lab_id == user.lab_id)
        # (the lab is the counter's: found by id, not by scanning the lab's parts)
        own = [("drop_offs_today", _by_due(select(SubRequest).where(
                   SubRequest.id.in_(_booked_today(user.lab_id)),
                   SubRequest.state.in_(BOOKABLE)), few=True)),
               ("my_work", _by_due(lab.where(SubRequest.assignee_id == user.id,
                                             SubRequest.state.in_(TAKES_RESULTS)), few=True))]
        if user.role == Role.lab_staff:
            return _part_lists(own)
        lists = _part_lists([
            ("to_accept", _by_due(lab.where(SubRequest.state == State.submitted))),
            ("to_review", _by_due(lab.where(SubRequest.state == State.in_review))),
            ("to_issue", _by_due(lab.where(SubRequest.state == State.approved))),
            ("bad_reviews", _bad_reviews(user.lab_id)),
            *own])
        return [*lists, TaskList("standards_to_check", flags(user.lab_id)[:LIMIT])]
    if user.role != Role.admin:   # an outside expert: the clinic's lists only
        return []
    pending = db.session.scalar(select(func.count(Enterprise.id)).where(
        Enterprise.status == EnterpriseStatus.pending))
    failed = db.session.scalar(select(func.count(OutgoingMail.id)).where(
        OutgoingMail.state == MailState.failed))
    return [TaskList("enterprises_to_verify", count=pending),
            TaskList("failed_mail", count=failed)]
