"""Which places are free and when a booking may move: plain Python over a resource's
opening hours, its lab's working calendar and the places already taken. The slots
module reads those from the database and calls these."""
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from blueprints.scheduling.kinds import ResourceKind
from blueprints.service_requests.lifecycle import BOOKABLE, VISITABLE
from core.timeutil import LOCAL_TZ


def day_starts(resource, day: date) -> list[datetime]:
    """The start times of the resource's slots on a day, in UTC (as stored: SQLite
    keeps no zone, and the desk reads a zone-less time as UTC)."""
    start = datetime.combine(day, resource.opens, LOCAL_TZ)
    end = datetime.combine(day, resource.closes, LOCAL_TZ)
    step = timedelta(minutes=resource.slot_minutes)
    starts = []
    while start + step <= end:
        starts.append(start.astimezone(UTC))
        start += step
    return starts


@dataclass(frozen=True)
class FreePlace:
    starts_at: datetime
    ends_at: datetime
    free: int


def free_places(resource, calendar, taken: dict[datetime, int], first: date,
                last: date, now: datetime) -> list[FreePlace]:
    """The resource's future slots with a free place on its working days in
    [first, last), counting slots that exist (`taken`: start in UTC -> places left) and
    those not made yet (all places free). No database: slots are made lazily."""
    places, day = [], first
    step = timedelta(minutes=resource.slot_minutes)
    while day < last:
        if calendar.is_working_day(day):
            for start in day_starts(resource, day):
                free = taken.get(start, resource.capacity)
                if start > now and free > 0:
                    places.append(FreePlace(start, start + step, free))
        day += timedelta(days=1)
    return places


def first_free_day(starts_by_day, full: set[datetime], now: datetime) -> date | None:
    """The first day with a slot start after `now` that is not in `full`, given each
    day's slot starts in order (plain values; None when every place is taken)."""
    for day, starts in starts_by_day:
        if any(start > now and start not in full for start in starts):
            return day
    return None


def movable(kind: ResourceKind, part_state) -> bool:
    """Whether a booking may move: a drop-off whose samples are still to come (one that
    was missed may move on too), or an on-site visit while the part is open to one."""
    if kind == ResourceKind.reception:
        return part_state is None or part_state in BOOKABLE
    if kind == ResourceKind.onsite_team:
        return part_state is None or part_state in VISITABLE
    return False
