"""Response deadlines, the paused turnaround clock and time left: plain Python, no app."""
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from blueprints.service_requests.deadlines import (
    Clock,
    ResponseRule,
    answer_by,
    resumed_due,
    time_left,
)
from core.workdays import WorkCalendar

SH = ZoneInfo("Asia/Shanghai")
D = date
# Test data: the 2026 National Day break (Oct 1-7 off, Saturday Oct 10 worked).
NATIONAL_DAY = WorkCalendar(holidays=frozenset({D(2026, 10, d) for d in range(1, 8)}),
                            workdays=frozenset({D(2026, 10, 10)}))
WEEKENDS = WorkCalendar()
ONE_DAY = ResponseRule()
HOUR = ResponseRule(minutes=60)


def at(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=SH)


@pytest.mark.parametrize("arrived, due", [
    (at(2026, 11, 30, 10), at(2026, 12, 1, 17, 30)),       # Monday morning: Tuesday close
    (at(2026, 11, 30, 17, 29), at(2026, 12, 1, 17, 30)),   # just before closing
    (at(2026, 11, 30, 17, 30), at(2026, 12, 2, 17, 30)),   # at closing: counts from Tuesday
    (at(2026, 11, 27, 16), at(2026, 11, 30, 17, 30)),      # Friday: Monday
    (at(2026, 11, 28, 11), at(2026, 12, 1, 17, 30)),       # Saturday: from Monday, so Tuesday
    (at(2026, 9, 30, 10), at(2026, 10, 8, 17, 30)),        # before the National Day break
    (at(2026, 10, 9, 18), at(2026, 10, 12, 17, 30)),       # after close on Friday: the make-up
])                                                         # Saturday starts the count
def test_one_working_day_to_answer(arrived, due):
    assert answer_by(NATIONAL_DAY, arrived, ONE_DAY) == due


def test_answer_within_working_days_of_a_lab_closure():
    closed = WorkCalendar(closures=frozenset({D(2026, 12, 1)}))
    assert answer_by(closed, at(2026, 11, 30, 9), ONE_DAY) == at(2026, 12, 2, 17, 30)
    assert answer_by(closed, at(2026, 11, 30, 9), ResponseRule(working_days=2)) \
        == at(2026, 12, 3, 17, 30)


@pytest.mark.parametrize("arrived, due", [
    (at(2026, 11, 30, 10), at(2026, 11, 30, 11)),           # inside office hours
    (at(2026, 11, 30, 7), at(2026, 11, 30, 9, 30)),         # before opening: from 08:30
    (at(2026, 11, 30, 17), at(2026, 12, 1, 9, 0)),          # 30 min today, 30 tomorrow
    (at(2026, 11, 30, 20), at(2026, 12, 1, 9, 30)),         # evening: next morning
    (at(2026, 11, 27, 17, 15), at(2026, 11, 30, 9, 15)),    # Friday late: Monday
    (at(2026, 9, 30, 17), at(2026, 10, 8, 9, 0)),           # across the holiday
])
def test_sixty_working_minutes_to_answer(arrived, due):
    assert answer_by(NATIONAL_DAY, arrived, HOUR) == due


def test_a_response_rule_must_make_sense():
    with pytest.raises(ValueError):
        ResponseRule(minutes=0)
    with pytest.raises(ValueError):
        ResponseRule(working_days=-1)
    with pytest.raises(ValueError):
        ResponseRule(opens=time(18), closes=time(9))


def test_a_pause_gives_back_the_days_that_were_left():
    # Due Friday 4 Dec; returned on Tuesday 1 Dec with 3 working days left (Wed-Fri);
    # answered on Thursday 3 Dec: due 3 working days after Thursday, Tuesday 8 Dec.
    assert resumed_due(WEEKENDS, D(2026, 12, 4), D(2026, 12, 1), D(2026, 12, 3)) \
        == D(2026, 12, 8)


def test_a_pause_and_restart_on_the_same_day_changes_nothing():
    assert resumed_due(WEEKENDS, D(2026, 12, 4), D(2026, 12, 1), D(2026, 12, 1)) \
        == D(2026, 12, 4)


def test_a_pause_across_a_holiday_counts_working_days_only():
    # Due 30 Sep with 1 working day left on the 29th; answered on 8 Oct: due 9 Oct.
    assert resumed_due(NATIONAL_DAY, D(2026, 9, 30), D(2026, 9, 29), D(2026, 10, 8)) \
        == D(2026, 10, 9)
    # Answered during the break: the clock restarts on the first working day (8 Oct).
    assert resumed_due(NATIONAL_DAY, D(2026, 9, 30), D(2026, 9, 29), D(2026, 10, 3)) \
        == D(2026, 10, 9)


def test_a_part_already_late_when_paused_stays_late():
    assert resumed_due(WEEKENDS, D(2026, 11, 27), D(2026, 12, 1), D(2026, 12, 10)) \
        == D(2026, 11, 27)


def test_time_left_to_answer_in_minutes():
    left = time_left(WEEKENDS, at(2026, 11, 30, 15), Clock.answer, at(2026, 11, 30, 17, 30))
    assert (left.minutes, left.overdue) == (150, False)
    late = time_left(WEEKENDS, at(2026, 12, 1, 9), Clock.answer, at(2026, 11, 30, 17, 30))
    assert (late.minutes, late.overdue) == (-930, True)


@pytest.mark.parametrize("today, days, overdue", [
    (D(2026, 11, 30), 4, False),    # Monday, due Friday
    (D(2026, 12, 4), 0, False),     # on the day
    (D(2026, 12, 5), -1, True),     # Saturday after: late from the next day
    (D(2026, 12, 7), -1, True),     # Monday after: one working day lost
    (D(2026, 12, 9), -3, True),
])
def test_working_days_left_to_a_due_date(today, days, overdue):
    left = time_left(WEEKENDS, datetime.combine(today, time(10), SH), Clock.running,
                     D(2026, 12, 4))
    assert (left.working_days, left.overdue) == (days, overdue)


def test_a_paused_clock_shows_the_days_it_will_have():
    # Paused on Tuesday 1 Dec with the due date Friday 4 Dec: 3 days when it restarts,
    # however long the applicant takes.
    left = time_left(WEEKENDS, at(2026, 12, 20), Clock.paused, D(2026, 12, 4), D(2026, 12, 1))
    assert (left.working_days, left.overdue) == (3, False)


def test_the_wait_for_a_planned_drop_off_is_not_given_back_twice():
    # Submitted Mon 30 Nov; the counter's first free place is Thu 3 Dec, so the due
    # date (5 days) counted from there is Thu 10 Dec. Accepted on Monday, the clock
    # stops until the samples come.
    due, accepted, planned = D(2026, 12, 10), D(2026, 11, 30), D(2026, 12, 3)
    assert resumed_due(WEEKENDS, due, accepted, D(2026, 12, 3), planned) == due
    # Two working days late with the samples: two days later.
    assert resumed_due(WEEKENDS, due, accepted, D(2026, 12, 7), planned) == D(2026, 12, 14)
    # Early: the promise stands.
    assert resumed_due(WEEKENDS, due, accepted, D(2026, 12, 1), planned) == due
