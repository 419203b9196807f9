from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from core.workdays import WorkCalendar, add_working_days, is_working_day

D = date
WEEKENDS = WorkCalendar()

# Test data, not shipped: the 2026 Mid-Autumn and National Day breaks as published in
# 国务院办公厅关于2026年部分节假日安排的通知 (4 Nov 2025): Sep 25-27 off, Oct 1-7 off,
# Sunday Sep 20 and Saturday Oct 10 worked. The desk takes each year's list from admins.
NATIONAL_DAY = WorkCalendar(
    holidays=frozenset({D(2026, 9, 25), D(2026, 9, 26), D(2026, 9, 27)}
                       | {D(2026, 10, d) for d in range(1, 8)}),
    workdays=frozenset({D(2026, 9, 20), D(2026, 10, 10)}))

FRIDAY = D(2026, 11, 27)
MONDAY = D(2026, 11, 30)
# Monday 2 Nov 2026 + 5 working days is Monday 9 Nov, with no holidays in between.
PAUSE_START = D(2026, 11, 2)


@pytest.mark.parametrize("calendar, day, working", [
    (WEEKENDS, FRIDAY, True),
    (WEEKENDS, D(2026, 11, 28), False),
    (WEEKENDS, D(2026, 11, 29), False),
    (WEEKENDS, MONDAY, True),
    (WorkCalendar(weekend=frozenset({6})), D(2026, 11, 28), True),  # a lab open on Saturdays
    (NATIONAL_DAY, D(2026, 10, 1), False),    # holiday on a Thursday
    (NATIONAL_DAY, D(2026, 10, 9), True),
    (NATIONAL_DAY, D(2026, 10, 10), True),    # make-up Saturday
    (NATIONAL_DAY, D(2026, 9, 20), True),     # make-up Sunday
    (NATIONAL_DAY, D(2026, 10, 11), False),
    (WorkCalendar(closures=frozenset({D(2026, 11, 24)})), D(2026, 11, 24), False),
    # holidays and closures win over make-up days
    (WorkCalendar(holidays=frozenset({D(2026, 10, 10)}), workdays=frozenset({D(2026, 10, 10)})),
     D(2026, 10, 10), False),
    (WorkCalendar(closures=frozenset({D(2026, 10, 10)}), workdays=frozenset({D(2026, 10, 10)})),
     D(2026, 10, 10), False),
])
def test_is_working_day(calendar, day, working):
    assert calendar.is_working_day(day) is working


@pytest.mark.parametrize("weekend", [frozenset(range(7)), frozenset({7})])
def test_weekend_must_leave_a_working_weekday(weekend):
    with pytest.raises(ValueError):
        WorkCalendar(weekend=weekend)


def test_make_up_saturday_is_counted():
    assert NATIONAL_DAY.add(D(2026, 10, 9), 1) == D(2026, 10, 10)
    assert WEEKENDS.add(D(2026, 10, 9), 1) == D(2026, 10, 12)


def test_lab_closure():
    closed_tuesday = WorkCalendar(closures=frozenset({D(2026, 11, 24)}))
    assert closed_tuesday.add(D(2026, 11, 23), 1) == D(2026, 11, 25)
    assert closed_tuesday.between(D(2026, 11, 23), D(2026, 11, 25)) == 1


def test_holiday_and_closure_overlapping_count_once():
    calendar = WorkCalendar(holidays=frozenset({D(2026, 10, 1), D(2026, 10, 2)}),
                            closures=frozenset({D(2026, 10, 2), D(2026, 10, 5)}))
    assert calendar.add(D(2026, 9, 30), 1) == D(2026, 10, 6)
    assert calendar.add(D(2026, 9, 30), 2) == D(2026, 10, 7)
    assert calendar.between(D(2026, 9, 30), D(2026, 10, 7)) == 2


@pytest.mark.parametrize("start, days, expected", [
    (D(2026, 9, 24), 1, D(2026, 9, 28)),   # over the Mid-Autumn Friday and weekend
    (D(2026, 9, 30), 1, D(2026, 10, 8)),
    (D(2026, 9, 30), 2, D(2026, 10, 9)),
    (D(2026, 9, 30), 3, D(2026, 10, 10)),  # make-up Saturday
    (D(2026, 9, 30), 4, D(2026, 10, 12)),
    (D(2026, 10, 1), 0, D(2026, 10, 8)),   # 0 days on a holiday: the next working day
    (D(2026, 10, 1), 1, D(2026, 10, 9)),
    (D(2026, 10, 8), 0, D(2026, 10, 8)),
    (D(2026, 9, 19), 1, D(2026, 9, 21)),   # a Saturday start moves to the make-up Sunday
])
def test_add_across_national_day(start, days, expected):
    assert NATIONAL_DAY.add(start, days) == expected


@pytest.mark.parametrize("count", [
    lambda: WEEKENDS.add(MONDAY, -1),
    lambda: WEEKENDS.due(MONDAY, -1),
    lambda: add_working_days(MONDAY, -1),
])
def test_negative_days_refused(count):
    with pytest.raises(ValueError):
        count()


@pytest.mark.parametrize("start", [D(2026, 9, 18) + timedelta(days=i) for i in range(26)])
def test_between_inverts_add(start):
    # Every start, working or not: a day off first moves to the next working day.
    for n in range(15):
        assert NATIONAL_DAY.between(start, NATIONAL_DAY.add(start, n)) == n
    # And the other way, for every working day after the clock's start.
    clock = NATIONAL_DAY.next_working_day(start)
    for end in (clock + timedelta(days=i) for i in range(1, 30)):
        if NATIONAL_DAY.is_working_day(end):
            assert NATIONAL_DAY.add(start, NATIONAL_DAY.between(start, end)) == end


@pytest.mark.parametrize("start, end, expected", [
    (MONDAY, MONDAY, 0),
    (MONDAY, FRIDAY, 0),                  # end before start
    (FRIDAY, D(2026, 11, 29), 0),         # only a weekend after Friday
    (FRIDAY, MONDAY, 1),
    (D(2026, 11, 28), MONDAY, 0),         # Saturday start: the clock starts Monday
    (D(2026, 11, 28), D(2026, 12, 1), 1),
    (D(2026, 9, 30), D(2026, 10, 12), 4),
])
def test_between(start, end, expected):
    assert NATIONAL_DAY.between(start, end) == expected


CUTOFF = WorkCalendar(cutoff=time(16, 30))
NATIONAL_DAY_CUTOFF = replace(NATIONAL_DAY, cutoff=time(16, 30))


@pytest.mark.parametrize("calendar, arrived, expected", [
    (CUTOFF, datetime(2026, 11, 27, 16, 29, 59), FRIDAY),
    (CUTOFF, datetime(2026, 11, 27, 16, 30), MONDAY),        # at the cutoff is late
    (CUTOFF, datetime(2026, 11, 27, 18, 0), MONDAY),
    (CUTOFF, datetime(2026, 11, 28, 9, 0), MONDAY),          # Saturday
    (WEEKENDS, datetime(2026, 11, 27, 23, 59), FRIDAY),      # no cutoff
    (NATIONAL_DAY_CUTOFF, datetime(2026, 10, 1, 9, 0), D(2026, 10, 8)),   # holiday, before cutoff
    (NATIONAL_DAY_CUTOFF, datetime(2026, 10, 7, 17, 0), D(2026, 10, 8)),  # holiday, after cutoff
    (NATIONAL_DAY_CUTOFF, datetime(2026, 10, 9, 17, 0), D(2026, 10, 10)),  # to the make-up Saturday
    # An aware time is read on its own clock: 16:00 UTC is already Saturday in Shanghai.
    (CUTOFF, datetime(2026, 11, 27, 16, 0, tzinfo=UTC), FRIDAY),
    (CUTOFF, datetime(2026, 11, 27, 16, 45, tzinfo=timezone(timedelta(hours=8))), MONDAY),
])
def test_start_day(calendar, arrived, expected):
    assert calendar.start_day(arrived) == expected


@pytest.mark.parametrize("start", [D(2026, 9, 18) + timedelta(days=i) for i in range(0, 26, 3)])
def test_due_without_pauses_is_add(start):
    for n in range(12):
        assert NATIONAL_DAY.due(start, n) == NATIONAL_DAY.add(start, n)
        assert NATIONAL_DAY.due(start, n, []) == NATIONAL_DAY.add(start, n)


@pytest.mark.parametrize("pauses, expected", [
    ([], D(2026, 11, 9)),
    ([(D(2026, 11, 4), D(2026, 11, 5))], D(2026, 11, 11)),   # 2 working days inside the span
    ([(D(2026, 11, 7), D(2026, 11, 8))], D(2026, 11, 9)),    # a weekend only: no working days
    ([(D(2026, 11, 6), D(2026, 11, 9))], D(2026, 11, 11)),   # Fri-Mon: 2 working days
    ([(D(2026, 11, 4), D(2026, 11, 5)), (D(2026, 11, 5), D(2026, 11, 6))], D(2026, 11, 12)),
    ([(D(2026, 11, 4), D(2026, 11, 5))] * 2, D(2026, 11, 11)),  # the same pause twice
    ([(D(2026, 11, 3), D(2026, 11, 6)), (D(2026, 11, 4), D(2026, 11, 4))], D(2026, 11, 13)),
    ([(D(2026, 11, 10), D(2026, 11, 20))], D(2026, 11, 9)),  # entirely after the due date
    ([(D(2026, 11, 9), D(2026, 11, 9))], D(2026, 11, 10)),   # on the due date itself
    # A pause that moves the due date into another pause: both count.
    ([(D(2026, 11, 9), D(2026, 11, 9)), (D(2026, 11, 10), D(2026, 11, 10))], D(2026, 11, 11)),
    ([(D(2026, 10, 26), D(2026, 11, 3))], D(2026, 11, 10)),  # starts before start: only Nov 3
    ([(D(2026, 10, 26), D(2026, 11, 2))], D(2026, 11, 9)),   # ends on the (uncounted) start
])
def test_due_with_pauses(pauses, expected):
    assert WEEKENDS.due(PAUSE_START, 5, pauses) == expected
    assert WEEKENDS.due(PAUSE_START, 5, iter(pauses)) == expected  # any iterable, read once


def test_due_pauses_skip_holidays_already_off():
    # The National Day holidays are off anyway; pausing over them costs nothing extra.
    pause = [(D(2026, 10, 1), D(2026, 10, 8))]
    assert NATIONAL_DAY.due(D(2026, 9, 30), 1, pause) == D(2026, 10, 9)


def test_due_zero_days_ignores_pauses():
    saturday = D(2026, 11, 28)
    assert WEEKENDS.due(saturday, 0, [(saturday, MONDAY)]) == MONDAY


def test_pause_ending_before_it_begins_refused():
    with pytest.raises(ValueError):
        WEEKENDS.due(MONDAY, 1, [(D(2026, 12, 2), D(2026, 12, 1))])


def _old_add_working_days(start, days, holidays=frozenset()):
    # The implementation before WorkCalendar, kept here to pin the old behaviour.
    day = start
    while day.weekday() >= 5 or day in holidays:
        day += timedelta(days=1)
    while days:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            days -= 1
    return day


@pytest.mark.parametrize("holidays", [frozenset(), NATIONAL_DAY.holidays])
def test_module_functions_behave_as_before(holidays):
    for start in (D(2026, 9, 18) + timedelta(days=i) for i in range(30)):
        assert is_working_day(start, holidays) == (start.weekday() < 5 and start not in holidays)
        for n in range(10):
            assert add_working_days(start, n, holidays) == _old_add_working_days(start, n, holidays)
    # make-up days are not known to the simple case: Saturday Oct 10 stays off
    assert not is_working_day(D(2026, 10, 10), NATIONAL_DAY.holidays)
