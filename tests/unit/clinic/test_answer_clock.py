"""When an expert owes an answer to a dispatch, on the desk's working calendar."""
from datetime import UTC, date, datetime, time

import pytest

from blueprints.clinic.clock import answer_due, resumed_answer
from blueprints.service_requests.deadlines import ResponseRule
from core.timeutil import LOCAL_TZ
from core.workdays import WorkCalendar

RULE = ResponseRule(working_days=2, opens=time(8, 30), closes=time(17, 30))
CALENDAR = WorkCalendar()
# June 2026: Mon 1, Tue 2, Wed 3, Thu 4, Fri 5, Sat 6, Sun 7, Mon 8, Tue 9;
# Thu 18, Fri 19, Sat 20, Sun 21, Mon 22, Tue 23.


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 6, day, hour, minute, tzinfo=LOCAL_TZ)


def due_local(dispatched_at: datetime, calendar: WorkCalendar = CALENDAR) -> datetime:
    return answer_due(calendar, dispatched_at, RULE).astimezone(LOCAL_TZ)


def test_weekdays_of_the_dates_used():
    assert [date(2026, 6, d).strftime("%a") for d in (1, 3, 8, 18, 19)] == \
        ["Mon", "Wed", "Mon", "Thu", "Fri"]


def test_dispatched_monday_morning_is_due_wednesday_at_closing():
    assert due_local(local(1, 9)) == local(3, 17, 30)


def test_the_deadline_is_stored_in_utc():
    due = answer_due(CALENDAR, local(1, 9), RULE)
    assert due.utcoffset().total_seconds() == 0
    assert due == datetime(2026, 6, 3, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize("dispatched_at", [local(1, 18), local(1, 17, 30)])
def test_dispatched_at_or_after_closing_counts_from_the_next_working_day(dispatched_at):
    assert due_local(dispatched_at) == local(4, 17, 30)


def test_closing_time_is_read_in_shanghai_not_utc():
    """10:00 UTC is 18:00 in Jinjiang: after closing, though it is morning in UTC."""
    assert due_local(datetime(2026, 6, 1, 10, 0, tzinfo=UTC)) == local(4, 17, 30)


def test_a_naive_stored_time_is_read_as_utc():
    """SQLite hands back naive UTC: 01:00 is 09:00 in Jinjiang, Monday morning."""
    assert due_local(datetime(2026, 6, 1, 1, 0)) == local(3, 17, 30)


def test_the_weekend_does_not_count():
    assert due_local(local(4, 10)) == local(8, 17, 30)
    assert due_local(local(5, 18)) == local(10, 17, 30)   # Friday evening: from Monday


def test_a_holiday_does_not_count():
    holiday = WorkCalendar(holidays=frozenset({date(2026, 6, 19)}))
    assert due_local(local(18, 10)) == local(22, 17, 30)
    assert due_local(local(18, 10), holiday) == local(23, 17, 30)


def test_a_pause_gives_back_the_working_days_left():
    """Asked the enterprise on Tuesday (due Wednesday), answered next Monday: due Tuesday."""
    due = answer_due(CALENDAR, local(1, 9), RULE)
    resumed = resumed_answer(CALENDAR, due, date(2026, 6, 2), date(2026, 6, 8), RULE)
    assert resumed.astimezone(LOCAL_TZ) == local(9, 17, 30)
    assert resumed.utcoffset().total_seconds() == 0


def test_a_deadline_already_passed_when_paused_stays_as_it_was():
    """The lapse was the expert's: asking the enterprise late buys no time."""
    due = answer_due(CALENDAR, local(1, 9), RULE)
    resumed = resumed_answer(CALENDAR, due, date(2026, 6, 4), date(2026, 6, 8), RULE)
    assert resumed == due
    assert resumed.astimezone(LOCAL_TZ) == local(3, 17, 30)
