"""Slot allocation with plain values, no app: the slots a resource's opening hours
make on a day, the first day with a free place, which bookings may move, and the
free places the calendar shows (slots not made yet count as free)."""
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace

import pytest

from blueprints.scheduling.allocation import day_starts, first_free_day, free_places, movable
from blueprints.scheduling.kinds import ResourceKind
from blueprints.service_requests.lifecycle import State
from core.workdays import WorkCalendar

MONDAY = date(2026, 12, 7)


def counter(opens=time(8, 30), closes=time(11, 30), minutes=60, capacity=2):
    return SimpleNamespace(opens=opens, closes=closes, slot_minutes=minutes,
                           capacity=capacity)


def utc(hh, mm=0, day=MONDAY):
    return datetime.combine(day, time(hh, mm), UTC)


def test_opening_hours_make_whole_slots_in_utc():
    # 08:30-11:30 Beijing time is 00:30-03:30 UTC: three hour-long slots.
    assert day_starts(counter(), MONDAY) == [utc(0, 30), utc(1, 30), utc(2, 30)]
    # A slot that would run past closing is not made.
    assert day_starts(counter(closes=time(11, 0)), MONDAY) == [utc(0, 30), utc(1, 30)]
    assert day_starts(counter(minutes=240, opens=time(9), closes=time(17)), MONDAY) \
        == [utc(1), utc(5)]
    assert day_starts(counter(opens=time(9), closes=time(9, 20), minutes=30), MONDAY) == []


def test_the_first_free_day_skips_full_slots_and_the_past():
    days = [(MONDAY + timedelta(days=n), day_starts(counter(), MONDAY + timedelta(days=n)))
            for n in range(3)]
    before_opening = utc(0)
    assert first_free_day(days, set(), before_opening) == MONDAY
    monday_full = set(days[0][1])
    assert first_free_day(days, monday_full, before_opening) == MONDAY + timedelta(days=1)
    after_closing = utc(4)  # 12:00 Beijing: Monday's slots have passed
    assert first_free_day(days, set(), after_closing) == MONDAY + timedelta(days=1)
    assert first_free_day(days, {s for _d, starts in days for s in starts}, utc(0)) is None


@pytest.mark.parametrize("kind, state, may", [
    (ResourceKind.reception, State.confirmed, True),
    (ResourceKind.reception, State.sample_received, False),   # the samples are in
    (ResourceKind.onsite_team, State.in_progress, True),       # the team may still come
    (ResourceKind.onsite_team, State.in_review, False),
    (ResourceKind.instrument, State.in_progress, False),
    (ResourceKind.reception, None, True),                      # a booking with no part
])
def test_which_bookings_may_move(kind, state, may):
    assert movable(kind, state) is may


def test_free_places_count_the_slots_not_made_yet_as_free():
    calendar = WorkCalendar(holidays=frozenset({MONDAY + timedelta(days=1)}))
    taken = {utc(0, 30): 0, utc(1, 30): 1}  # made slots: full, one place left
    places = free_places(counter(), calendar, taken, MONDAY, MONDAY + timedelta(days=3),
                         now=utc(0))
    assert [(p.starts_at, p.free) for p in places] == [
        (utc(1, 30), 1), (utc(2, 30), 2),                       # Monday
        (utc(0, 30, MONDAY + timedelta(days=2)), 2),            # Tuesday is a holiday
        (utc(1, 30, MONDAY + timedelta(days=2)), 2), (utc(2, 30, MONDAY + timedelta(days=2)), 2)]
