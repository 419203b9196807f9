"""The lab calendar: a lab's drop-off bookings and the due dates of its open parts by
month, week or day, for one counter or one analyst, and a manager moving a booking to
another slot of the same counter by dragging it."""
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask import jsonify, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from blueprints.auth.models import User
from blueprints.enterprises.models import Enterprise
from blueprints.notifications.events import applicants, tell
from blueprints.scheduling.allocation import FreePlace, free_places, movable
from blueprints.scheduling.kinds import BookingState, ResourceKind
from blueprints.scheduling.models import Booking, Resource, Slot
from blueprints.scheduling.slots import MoveRefusal, MoveRefused, move
from blueprints.scheduling.views import bp
from blueprints.service_requests.models import ServiceRequest, SubRequest
from core.converters import MAX_ID
from core.i18n import gettext as _
from core.links import public_url
from core.permissions import own_lab_id, roles_required
from core.roles import LAB_ROLES, Role
from core.timeutil import LOCAL_TZ, to_local, utcnow
from core.working_calendar import lab_calendar
from extensions import db

MAX_RANGE = timedelta(days=62)   # a month view shows six weeks; anything longer is a mistake
EVENT_LIMIT = 2000               # per kind, so one request never loads a whole year
# A day with more parts due than this shows their count, linking to the queue of that
# day: a busy lab has hundreds due in a week, more than a calendar can show one by one
# (and a week's feed then costs what its busiest days hold, not every part in them).
DUE_SHOWN = 8
DAY_HOURS = (time(8), time(18))  # the week and day views' hours when the lab has no counter
YEARS = (2000, 2999)


def parse_local(value: str | None) -> datetime:
    """An ISO date or date and time as a zone-aware datetime. A time without an offset
    is Asia/Shanghai's (what the calendar sends); a date is its midnight there.
    Raises ValueError for anything else."""
    if not value or len(value) > 40:
        raise ValueError(value)
    moment = datetime.fromisoformat(value)
    if not YEARS[0] <= moment.year <= YEARS[1]:  # far ends overflow when the zone changes
        raise ValueError(value)
    return moment.replace(tzinfo=LOCAL_TZ) if moment.tzinfo is None \
        else moment.astimezone(LOCAL_TZ)


def wall_time(value: datetime) -> str:
    """A stored (UTC) time as the calendar reads it: Shanghai wall time, no offset."""
    return to_local(value).strftime("%Y-%m-%dT%H:%M:%S")


def shown_hours(resources) -> tuple[str, str]:
    """The week and day views' first and last hour: the lab's counters' opening hours
    rounded out to whole hours, and never less than the usual working day."""
    opens = min([DAY_HOURS[0], *(r.opens for r in resources)])
    closes = max([DAY_HOURS[1], *(r.closes for r in resources)])
    last = closes.hour + (1 if (closes.minute or closes.second) else 0)
    return f"{opens.hour:02d}:00:00", f"{last:02d}:00:00"


def _lab_resources(lab_id: int) -> list[Resource]:
    return list(db.session.scalars(select(Resource).where(Resource.lab_id == lab_id)
                                   .order_by(Resource.name, Resource.id)))


def _lab_people(lab_id: int) -> list[User]:
    return list(db.session.scalars(select(User).where(
        User.lab_id == lab_id, User.active, User.role.in_(LAB_ROLES)).order_by(User.name)))


def _own(model, raw: str | None, *conditions):
    """The row of `model` whose id is `raw` and that meets `conditions`; None when
    nothing is chosen. Raises ValueError for an id that is not such a row."""
    if not raw:
        return None
    if not raw.isdigit() or not 0 < int(raw) <= MAX_ID:
        raise ValueError(raw)
    row = db.session.scalar(select(model).where(model.id == int(raw), *conditions))
    if row is None:
        raise ValueError(raw)
    return row


def _day_after(moment: datetime) -> date:
    """The first whole day after a range ending at `moment` (its own day, unless the
    range ends at midnight)."""
    return moment.date() if moment.timetz().replace(tzinfo=None) == time() \
        else moment.date() + timedelta(days=1)


@bp.route("/lab/calendar", endpoint="lab_calendar")
@roles_required(Role.lab_manager, Role.lab_staff)
def calendar_page():
    lab_id = own_lab_id()
    resources = _lab_resources(lab_id)
    try:
        initial = parse_local(request.args.get("date")).date().isoformat()
    except ValueError:
        initial = ""
    first_hour, last_hour = shown_hours(resources)
    return render_template("scheduling/lab_calendar.html", resources=resources,
                           people=_lab_people(lab_id), resource=request.args.get("resource", ""),
                           analyst=request.args.get("analyst", ""), initial_date=initial,
                           first_hour=first_hour, last_hour=last_hour,
                           can_move=current_user.role == Role.lab_manager)


def _refused(message: str, status: int = 400):
    return jsonify(message=message), status


@bp.route("/lab/calendar/events")
@roles_required(Role.lab_manager, Role.lab_staff)
def calendar_events():
    """The calendar's events between `start` and `end`: bookings, due dates, and the
    free places of the chosen counter."""
    lab_id = own_lab_id()
    args = request.args
    try:
        first, last = parse_local(args.get("start")), parse_local(args.get("end"))
    except ValueError:
        return _refused(_("The dates are not valid."))
    if not first < last:
        return _refused(_("The dates are not valid."))
    if last - first > MAX_RANGE:
        return _refused(_("Show at most %(days)s days at a time.", days=MAX_RANGE.days))
    try:
        resource = _own(Resource, args.get("resource"), Resource.lab_id == lab_id)
    except ValueError:
        return _refused(_("This resource is not one of your lab's."))
    try:
        analyst = _own(User, args.get("analyst"), User.lab_id == lab_id,
                       User.role.in_(LAB_ROLES))
    except ValueError:
        return _refused(_("This analyst is not one of your lab's."))

    can_move, now = current_user.role == Role.lab_manager, utcnow()
    events = [_booking_event(b, can_move)
              for b in _bookings(lab_id, first, last, resource, analyst)]
    events += _due_events(lab_id, first, last, analyst)
    if resource is not None and resource.active:
        events += [_free_event(p) for p in _free_places(resource, first, last, now)]
    return jsonify(events)


def _bookings(lab_id: int, first: datetime, last: datetime, resource, analyst) -> list[Booking]:
    stmt = (select(Booking).join(Booking.slot).join(Slot.resource)
            .where(Booking.state.in_((BookingState.booked, BookingState.done)),
                   Resource.lab_id == lab_id,
                   Slot.starts_at < last.astimezone(UTC), Slot.ends_at > first.astimezone(UTC),
                   # A slot is at most a working day long (resource forms cap it at 8
                   # hours): bound the start on both sides, so the index reads the
                   # range's slots, not every slot since the resource opened.
                   Slot.starts_at > first.astimezone(UTC) - timedelta(days=1))
            .options(joinedload(Booking.slot).joinedload(Slot.resource),
                     joinedload(Booking.sub_request).joinedload(SubRequest.request).options(
                         joinedload(ServiceRequest.enterprise),
                         joinedload(ServiceRequest.applicant)))
            .order_by(Slot.starts_at, Booking.id).limit(EVENT_LIMIT))
    if resource is not None:
        stmt = stmt.where(Slot.resource_id == resource.id)
    if analyst is not None:
        stmt = stmt.where(Booking.sub_request_id.in_(
            select(SubRequest.id).where(SubRequest.assignee_id == analyst.id)))
    return list(db.session.scalars(stmt))


@dataclass(frozen=True)
class DueDate:
    sub_id: int
    number: str
    part: int
    who: str
    due_date: date


def _open_due(lab_id: int, analyst):
    """The lab's open parts (the analyst's, when one is chosen), read through the
    partial index of open parts by due date."""
    conditions = [SubRequest.lab_id == lab_id, SubRequest.is_open()]
    if analyst is not None:
        conditions.append(SubRequest.assignee_id == analyst.id)
    return conditions


def _due_counts(lab_id: int, first: datetime, last: datetime, analyst) -> dict[date, int]:
    """How many open parts fall due on each day of the range (the index's entries
    counted, no part read)."""
    return dict(db.session.execute(
        select(SubRequest.due_date, func.count())
        .where(*_open_due(lab_id, analyst), SubRequest.due_date >= first.date(),
               SubRequest.due_date < _day_after(last))
        .group_by(SubRequest.due_date)).all())


def _due_parts(lab_id: int, days: list[date], analyst) -> list[DueDate]:
    """The parts due on `days`, each with its number and customer."""
    if not days:
        return []
    # Columns only: a feed of a few hundred parts should not build a few hundred objects.
    who = func.coalesce(Enterprise.name, User.name)
    stmt = (select(SubRequest.id, ServiceRequest.number, SubRequest.part, who,
                   SubRequest.due_date)
            .join(SubRequest.request).outerjoin(ServiceRequest.enterprise)
            .join(User, User.id == ServiceRequest.applicant_id)
            .where(*_open_due(lab_id, analyst), SubRequest.due_date.in_(days))
            .order_by(SubRequest.due_date, SubRequest.id).limit(EVENT_LIMIT))
    return [DueDate(*row) for row in db.session.execute(stmt)]


def _free_places(resource: Resource, first: datetime, last: datetime,
                 now: datetime) -> list[FreePlace]:
    # SQLite hands back zone-less times: to_local reads them as UTC, as stored.
    taken = {to_local(s.starts_at).astimezone(UTC): s.free for s in db.session.scalars(
        select(Slot).where(Slot.resource_id == resource.id,
                           Slot.starts_at >= first.astimezone(UTC),
                           Slot.starts_at < last.astimezone(UTC)))}
    return free_places(resource, lab_calendar(resource.lab_id, resource.weekdays), taken,
                       first.date(), _day_after(last), now)


def _booking_event(booking: Booking, can_move: bool) -> dict:
    slot, sub = booking.slot, booking.sub_request
    draggable = (can_move and booking.is_live
                 and movable(slot.resource.kind, sub.state if sub else None))
    return {
        "id": f"booking-{booking.id}",
        "title": f"{sub.number} · {sub.request.customer_name}" if sub else _("Sample drop-off"),
        "start": wall_time(slot.starts_at), "end": wall_time(slot.ends_at),
        "url": url_for("service_requests.lab_detail", sub_id=sub.id) if sub else "",
        "startEditable": draggable, "durationEditable": False,
        # A drop-off whose samples came in stays on the calendar as history.
        "classNames": [] if booking.is_live else ["done"],
        "extendedProps": {"kind": "booking", "resource": slot.resource.name,
                          "moveUrl": url_for("scheduling.move_booking",
                                             booking_id=booking.id) if draggable else ""},
    }


def _due_events(lab_id: int, first: datetime, last: datetime, analyst) -> list[dict]:
    """A due date for each open part due in the range; on a day with more than
    DUE_SHOWN of them, their count instead, linking to the queue of that day."""
    counts = _due_counts(lab_id, first, last, analyst)
    busy = sorted(day for day, n in counts.items() if n > DUE_SHOWN)
    queue = {"assignee": analyst.id} if analyst is not None else {}
    events = [{"id": f"due-day-{day.isoformat()}", "title": _("%(n)s parts due", n=counts[day]),
               "start": day.isoformat(), "allDay": True, "editable": False,
               "url": url_for("service_requests.queue", due=day.isoformat(), **queue),
               "extendedProps": {"kind": "due"}} for day in busy]
    label = _("Due")
    # One url_for, then the id put in: a week holds a few dozen due dates.
    link = url_for("service_requests.lab_detail", sub_id=0).removesuffix("/0")
    few = sorted(day for day, n in counts.items() if n <= DUE_SHOWN)
    return events + [{"id": f"due-{p.sub_id}", "title": f"{label}: {p.number}-{p.part} · {p.who}",
                      "start": p.due_date.isoformat(), "allDay": True, "editable": False,
                      "url": f"{link}/{p.sub_id}", "extendedProps": {"kind": "due"}}
                     for p in _due_parts(lab_id, few, analyst)]


def _free_event(place: FreePlace) -> dict:
    return {"start": wall_time(place.starts_at), "end": wall_time(place.ends_at),
            "display": "background", "title": _("%(n)s free", n=place.free),
            "extendedProps": {"kind": "free"}}


# -- moving a booking ---------------------------------------------------------------

# The notification that tells the applicant of a move, by the kind of booking.
MOVED_NOTICE = {ResourceKind.reception: "booking_moved", ResourceKind.onsite_team: "visit_booked"}
# Refusals that are about the booking's or slot's state (409), not a wrong request (400).
CONFLICTS = {MoveRefusal.cancelled, MoveRefusal.kind, MoveRefusal.past_use, MoveRefusal.inactive, MoveRefusal.full}


def _refusal_message(refusal: MoveRefused, booking: Booking, start: datetime,
                     old_when: str) -> str:
    name, when = booking.slot.resource.name, start.strftime("%Y-%m-%d %H:%M")
    return {
        MoveRefusal.cancelled: _("This booking was cancelled; there is nothing to move."),
        MoveRefusal.kind: _("Only drop-offs and on-site visits are moved on the calendar."),
        MoveRefusal.past_use: _("This part is past the point where a booking helps; the "
                            "booking cannot be moved."),
        MoveRefusal.inactive: _("%(name)s takes no bookings now.", name=name),
        MoveRefusal.passed: _("%(when)s has passed.", when=when),
        MoveRefusal.closed: _("%(name)s is closed on %(day)s.", name=name,
                          day=start.date().isoformat()),
        MoveRefusal.not_a_slot: _("%(when)s is not the start of a slot of %(name)s.", when=when,
                              name=name),
        MoveRefusal.same: _("The booking is already at %(when)s.", when=when),
        MoveRefusal.full: _("That slot is full. The booking stays at %(when)s.", when=old_when),
    }[refusal.reason]


@bp.route("/lab/bookings/<int:booking_id>/move", methods=["POST"], endpoint="move_booking")
@roles_required(Role.lab_manager)
def move_booking_view(booking_id: int):
    lab_id = own_lab_id()
    booking = db.session.scalar(
        select(Booking).where(Booking.id == booking_id)
        .options(joinedload(Booking.slot).joinedload(Slot.resource),
                 joinedload(Booking.sub_request).joinedload(SubRequest.request)))
    if booking is None or booking.slot.resource.lab_id != lab_id:
        return _refused(_("There is no such booking in your lab."), 404)
    body = request.get_json(silent=True)
    try:
        starts_at = parse_local(body.get("start") if isinstance(body, dict) else None)
    except (ValueError, TypeError):
        return _refused(_("Give the new start as a date and time."))
    old_when = to_local(booking.slot.starts_at).strftime("%Y-%m-%d %H:%M")
    db.session.commit()  # end the reads: the move is its own transaction
    try:
        moved = move(booking, starts_at, current_user)
    except MoveRefused as refusal:
        db.session.rollback()
        return _refused(_refusal_message(refusal, booking, starts_at, old_when),
                        409 if refusal.reason in CONFLICTS else 400)
    when = to_local(moved.slot.starts_at).strftime("%Y-%m-%d %H:%M")
    sub = moved.sub_request
    if sub is not None:
        tell(applicants(sub.request), MOVED_NOTICE[moved.slot.resource.kind],
             public_url("service_requests.detail", request_id=sub.request_id),
             number=sub.number, when=when)
    db.session.commit()
    return jsonify(message=_("Moved to %(when)s. The applicant is told.", when=when),
                   id=f"booking-{moved.id}", start=wall_time(moved.slot.starts_at),
                   end=wall_time(moved.slot.ends_at),
                   moveUrl=url_for("scheduling.move_booking", booking_id=moved.id))

