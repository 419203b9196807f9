"""Slots and bookings: the day's slots of a resource on the lab's working calendar,
and booking a place so that a slot never holds more than its capacity, even when
many people book its last place at the same moment."""
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import joinedload

from blueprints.audit.models import record_event
from blueprints.scheduling.allocation import day_starts, first_free_day, movable
from blueprints.scheduling.kinds import BookingState, ResourceKind
from blueprints.scheduling.models import Booking, Resource, Slot
from core.timeutil import LOCAL_TZ, utcnow
from core.workdays import WorkCalendar
from core.working_calendar import lab_calendar, lab_calendars
from extensions import db


class SlotFull(Exception):
    """The slot has no free place left."""


class BookingClosed(Exception):
    """The booking is not open to this change (already cancelled, or in the past)."""


def first_free_days(lab_ids, now: datetime, days: int = 14) -> dict[int, date]:
    """For each of these labs that takes drop-off bookings, the first day its samples
    can come in: today unless bookings fill its counters' next open slots, otherwise
    the first day in the next `days` with a free place (or the day after that window).
    Slots are made lazily, so a day without slot rows yet counts as free. Three
    queries whatever the number of labs."""
    counters = db.session.scalars(select(Resource).where(
        Resource.lab_id.in_(set(lab_ids) or {0}), Resource.kind == ResourceKind.reception,
        Resource.active)).all()
    if not counters:
        return {}
    full: dict[int, set[datetime]] = {}
    for resource_id, starts_at in db.session.execute(
            select(Slot.resource_id, Slot.starts_at).where(
                Slot.resource_id.in_([c.id for c in counters]), Slot.starts_at > now,
                Slot.booked >= Slot.capacity)):
        full.setdefault(resource_id, set()).add(_aware(starts_at))
    calendars = lab_calendars({c.lab_id for c in counters}, "0123456")
    today = now.astimezone(LOCAL_TZ).date()
    first: dict[int, date] = {}
    for counter in counters:
        calendar = calendars[counter.lab_id]
        weekend = frozenset(range(7)) - {int(c) for c in counter.weekdays}
        works = (WorkCalendar(holidays=calendar.holidays, closures=calendar.closures,
                              workdays=calendar.workdays, weekend=weekend)
                 if weekend < frozenset(range(7)) else None)
        window = [(d, day_starts(counter, d)) for n in range(days)
                  if works is not None and works.is_working_day(d := today + timedelta(days=n))]
        opens = first_free_day(window, set(), now)
        day = first_free_day(window, full.get(counter.id, set()), now) \
            or today + timedelta(days=days)
        # Only bookings delay a lab: a counter merely closed for today is no later
        # than a lab that takes samples without booking.
        if day != opens:
            first[counter.lab_id] = min(day, first.get(counter.lab_id, day))
        else:
            first[counter.lab_id] = today
    return first


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def ensure_slots(resource: Resource, first: date, days: int) -> None:
    """Create the resource's slots for its working days in [first, first + days)
    (existing ones are left as they are, bookings and all)."""
    calendar = lab_calendar(resource.lab_id, resource.weekdays)
    step = timedelta(minutes=resource.slot_minutes)
    rows = [{"resource_id": resource.id, "starts_at": start, "ends_at": start + step,
             "capacity": resource.capacity, "booked": 0}
            for offset in range(days)
            if calendar.is_working_day(day := first + timedelta(days=offset))
            for start in day_starts(resource, day)]
    if not rows:
        return
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    db.session.execute(insert(Slot).values(rows).on_conflict_do_nothing(
        index_elements=["resource_id", "starts_at"]))


def open_slots(resource: Resource, first: date, days: int) -> list[Slot]:
    """The resource's future slots with a free place, in order."""
    ensure_slots(resource, first, days)
    last = datetime.combine(first + timedelta(days=days), datetime.min.time(), LOCAL_TZ)
    last = last.astimezone(UTC)  # as stored: SQLite would compare a local time's digits
    return list(db.session.scalars(select(Slot).where(
        Slot.resource_id == resource.id, Slot.starts_at > utcnow(), Slot.starts_at < last,
        Slot.booked < Slot.capacity).order_by(Slot.starts_at)))


def book(slot_id: int, user, sub=None) -> Booking:
    """Take a place in the slot. Raises SlotFull when none is left: the place is taken
    by one conditional UPDATE, so of many simultaneous bookers of the last place
    exactly one gets it (the CHECK constraint backs this up in the database)."""
    taken = db.session.execute(
        update(Slot).where(Slot.id == slot_id, Slot.booked < Slot.capacity,
                           Slot.starts_at > utcnow())
        .values(booked=Slot.booked + 1).execution_options(synchronize_session=False)).rowcount
    if taken != 1:
        raise SlotFull()
    booking = Booking(slot_id=slot_id, booked_by_id=user.id,
                      sub_request_id=sub.id if sub is not None else None)
    db.session.add(booking)
    db.session.flush()
    record_event(user, "bookings", booking.id, "booked",
                 after={"slot": slot_id, "sub_request": booking.sub_request_id})
    return booking


def cancel(booking: Booking, user) -> None:
    """Give the place back. Raises BookingClosed for a cancelled booking."""
    if booking.state != BookingState.booked:
        raise BookingClosed()
    freed = db.session.execute(
        update(Booking).where(Booking.id == booking.id, Booking.state == BookingState.booked)
        .values(state=BookingState.cancelled, cancelled_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount
    if freed != 1:  # cancelled meanwhile by someone else
        raise BookingClosed()
    db.session.execute(update(Slot).where(Slot.id == booking.slot_id)
                       .values(booked=Slot.booked - 1)
                       .execution_options(synchronize_session=False))
    db.session.expire(booking)
    record_event(user, "bookings", booking.id, "booking_cancelled")


def live_bookings(sub_id: int) -> list[Booking]:
    return list(db.session.scalars(
        select(Booking).where(Booking.sub_request_id == sub_id,
                              Booking.state == BookingState.booked)
        .options(joinedload(Booking.slot).joinedload(Slot.resource))))


def finish_drop_off(sub_id: int, user) -> Booking | None:
    """The part's samples came in: its live drop-off booking is done, kept as history
    (the place it took stays counted: it was used). An on-site visit stays as it is."""
    for booking in live_bookings(sub_id):
        if booking.slot.resource.kind == ResourceKind.reception:
            booking.state = BookingState.done
            record_event(user, "bookings", booking.id, "booking_done")
            return booking
    return None


def release(sub_id: int, user) -> list[Booking]:
    """The part no longer needs its bookings (cancelled, rejected, returned): each live
    one is cancelled and its place freed for someone else."""
    released = live_bookings(sub_id)
    for booking in released:
        cancel(booking, user)
    return released


class MoveRefusal(StrEnum):
    cancelled = "cancelled"      # the booking is no longer live
    kind = "kind"                # not a drop-off or a visit
    past_use = "past_use"        # the part no longer needs the booking
    inactive = "inactive"        # the resource takes no bookings
    passed = "passed"            # the new time has passed
    closed = "closed"            # not a working day of the resource
    not_a_slot = "not_a_slot"    # not the start of one of the resource's slots
    same = "same"                # the booking is there already
    full = "full"                # the new slot has no free place


class MoveRefused(Exception):
    """A booking cannot be moved there; `reason` says why."""

    def __init__(self, reason: MoveRefusal):
        super().__init__(reason.value)
        self.reason = reason


def move(booking: Booking, starts_at: datetime, user) -> Booking:
    """Move a live booking to the slot of its own resource that starts at `starts_at`
    (a future slot start on the resource's working days): the old place is given back
    and the new one taken, in the caller's transaction, which should hold no reads
    (begin it just before). Returns the new booking, audited on the booking and its
    part. Raises MoveRefused; the caller rolls back."""
    slot, sub, resource = booking.slot, booking.sub_request, booking.slot.resource
    start = starts_at.astimezone(UTC)
    if booking.state != BookingState.booked:
        raise MoveRefused(MoveRefusal.cancelled)
    if resource.kind not in (ResourceKind.reception, ResourceKind.onsite_team):
        raise MoveRefused(MoveRefusal.kind)
    if not movable(resource.kind, sub.state if sub is not None else None):
        raise MoveRefused(MoveRefusal.past_use)
    if not resource.active:
        raise MoveRefused(MoveRefusal.inactive)
    if start <= utcnow():
        raise MoveRefused(MoveRefusal.passed)
    day = starts_at.astimezone(LOCAL_TZ).date()
    if not lab_calendar(resource.lab_id, resource.weekdays).is_working_day(day):
        raise MoveRefused(MoveRefusal.closed)
    if start not in day_starts(resource, day):
        raise MoveRefused(MoveRefusal.not_a_slot)
    if _aware(slot.starts_at) == start:
        raise MoveRefused(MoveRefusal.same)
    ensure_slots(resource, day, 1)  # slots are made when a day is first shown
    target = db.session.scalar(select(Slot.id).where(Slot.resource_id == resource.id,
                                                     Slot.starts_at == start))
    before = {"booking": booking.id, "slot": slot.id, "starts_at": _aware(slot.starts_at)
              .astimezone(LOCAL_TZ).strftime("%Y-%m-%dT%H:%M:%S")}
    try:
        cancel(booking, user)
        moved = book(target, user, sub)
    except (SlotFull, BookingClosed):
        raise MoveRefused(MoveRefusal.full) from None
    after = {"booking": moved.id, "slot": target,
             "starts_at": start.astimezone(LOCAL_TZ).strftime("%Y-%m-%dT%H:%M:%S")}
    record_event(user, "bookings", moved.id, "booking_moved", before=before, after=after)
    if sub is not None:
        record_event(user, "sub_requests", sub.id, "booking_moved", before=before, after=after)
    return moved


def drop_off_options(parts) -> tuple[dict[int, Booking], set[int]]:
    """For a request page: each part's booking (the live one, else the latest one done:
    history), and the labs that take drop-off bookings (two queries, whatever the
    number of parts)."""
    if not parts:
        return {}, set()
    bookings: dict[int, Booking] = {}
    for b in db.session.scalars(
            select(Booking).where(Booking.sub_request_id.in_([p.id for p in parts]),
                                  Booking.state.in_((BookingState.booked, BookingState.done)))
            .options(joinedload(Booking.slot).joinedload(Slot.resource))
            .order_by(Booking.id)):
        if bookings.get(b.sub_request_id) is None or not bookings[b.sub_request_id].is_live:
            bookings[b.sub_request_id] = b
    labs = set(db.session.scalars(
        select(Resource.lab_id).where(Resource.lab_id.in_({p.lab_id for p in parts}),
                                      Resource.kind == ResourceKind.reception,
                                      Resource.active).distinct()))
    return bookings, labs


def has_onsite_teams(lab_id: int) -> bool:
    """Whether the lab has an on-site team its manager can book visits for."""
    return db.session.scalar(select(Resource.id).where(
        Resource.lab_id == lab_id, Resource.kind == ResourceKind.onsite_team,
        Resource.active).limit(1)) is not None
