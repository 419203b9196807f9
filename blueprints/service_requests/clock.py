"""A part's clock, kept in step with the lifecycle: the response deadline is set when
the part reaches the lab, the turnaround clock stops while the part waits on the
applicant and restarts with the days it had left. The look-ups happen here; the
arithmetic is deadlines.py's."""
from dataclasses import replace
from datetime import UTC, date, datetime, time

from flask import current_app, has_app_context

from blueprints.service_requests.deadlines import (
    Clock,
    ResponseRule,
    TimeLeft,
    answer_by,
    resumed_due,
    time_left,
)
from blueprints.service_requests.lifecycle import (
    AWAITING_ANSWER,
    CLOCK_PAUSED,
    CLOCK_RUNNING,
    PAUSED_FOR,
    State,
)
from core.timeutil import to_local, utcnow
from core.working_calendar import lab_calendar, lab_calendars

# The states a part is reopened from to correct its report.
REOPENED_FROM = frozenset({State.issued, State.closed})
from core.workdays import WorkCalendar


def response_rule(config=None) -> ResponseRule:
    """The desk's response promise from the configuration (RESPONSE_WORKING_DAYS,
    RESPONSE_MINUTES, OFFICE_HOURS)."""
    config = config if config is not None else (current_app.config if has_app_context()
                                                else {})
    opens, closes = (time.fromisoformat(t) for t in config.get("OFFICE_HOURS",
                                                               ("08:30", "17:30")))
    minutes = config.get("RESPONSE_MINUTES")
    return ResponseRule(working_days=int(config.get("RESPONSE_WORKING_DAYS", 1)),
                        minutes=int(minutes) if minutes else None, opens=opens, closes=closes)


def _calendar(sub) -> WorkCalendar:
    return lab_calendar(sub.lab_id)


def start_answer_clock(sub, calendar: WorkCalendar | None = None,
                       now: datetime | None = None) -> None:
    """The part has reached the lab (submitted or resubmitted): its answer is due by
    the response deadline from now."""
    calendar = calendar or _calendar(sub)
    # Stored in UTC: SQLite keeps no zone and the desk reads zone-less times as UTC.
    sub.answer_by = answer_by(calendar, to_local(now or utcnow()), response_rule()).astimezone(UTC)


def follow_lifecycle(sub, before: State, now: datetime | None = None) -> None:
    """Called by SubRequest.take after each step: stop, restart or set the clocks."""
    after = sub.state
    # Steps that only pause the clock need no calendar: look it up once, when needed
    # (a resubmission both restarts the clock and sets the answer deadline).
    restarting = sub.clock_paused_on is not None and after not in CLOCK_PAUSED
    calendar = _calendar(sub) if (after in AWAITING_ANSWER or before in REOPENED_FROM
                                  or restarting) else None
    if after in AWAITING_ANSWER:
        start_answer_clock(sub, calendar, now)
    elif before in AWAITING_ANSWER:
        sub.answer_by = None
    today = to_local(now or utcnow()).date()
    if before in REOPENED_FROM and after in CLOCK_RUNNING:
        # A correction (17025 7.8.8) gets the part's turnaround again from today.
        sub.due_date = calendar.add(today, planned_turnaround(sub.routing_reason))
        return
    if after in CLOCK_PAUSED and sub.clock_paused_on is None:
        sub.clock_paused_on = today
    elif after not in CLOCK_PAUSED and sub.clock_paused_on is not None:
        paused_on, sub.clock_paused_on = sub.clock_paused_on, None
        if after in CLOCK_RUNNING or after in AWAITING_ANSWER:
            _restart(sub, calendar, paused_on, today)


def _restart(sub, calendar: WorkCalendar, paused_on, today) -> None:
    """Give the part (and each item) the working days it had left when it stopped."""
    planned = planned_drop_off(sub.routing_reason)
    if sub.due_date is not None:
        sub.due_date = resumed_due(calendar, sub.due_date, paused_on, today, planned)
    for item in sub.items:
        if item.due_date is not None:
            item.due_date = resumed_due(calendar, item.due_date, paused_on, today, planned)
    request = sub.request
    dates = [s.due_date for s in request.sub_requests if s.due_date is not None]
    if dates:
        request.due_date = max(dates)


def planned_turnaround(routing_reason, default: int = 5) -> int:
    """The longest turnaround, in working days, routing counted for the part's items."""
    days = [r["chosen"]["turnaround_days"] for r in routing_reason or []
            if "turnaround_days" in r.get("chosen", {})]
    return max(days) if days else default


def planned_drop_off(routing_reason) -> date | None:
    """The drop-off day routing counted from, when the lab's counter was booked up
    (recorded with the routing reason of each item)."""
    days = [date.fromisoformat(r["chosen"]["first_drop_off"]) for r in routing_reason or []
            if r.get("chosen", {}).get("first_drop_off")]
    return max(days) if days else None


def clock_of(sub) -> Clock | None:
    if sub.state in AWAITING_ANSWER and sub.answer_by is not None:
        return Clock.answer
    if sub.state in CLOCK_PAUSED:
        return Clock.paused
    if sub.state in CLOCK_RUNNING:
        return Clock.running
    return None


def part_time_left(sub, calendar: WorkCalendar, now: datetime | None = None) -> TimeLeft | None:
    """What the queue and the applicant's page show for a part: the answer deadline,
    the days left to the due date, or the paused clock; None for finished parts."""
    clock = clock_of(sub)
    if clock is None or (clock != Clock.answer and sub.due_date is None):
        return None
    now = to_local(now or utcnow())
    deadline = to_local(sub.answer_by) if clock == Clock.answer else sub.due_date
    left = time_left(calendar, now, clock, deadline, sub.clock_paused_on)
    return replace(left, waiting_for=PAUSED_FOR[sub.state]) if clock == Clock.paused else left


def times_left(subs, now: datetime | None = None) -> dict[int, TimeLeft]:
    """part_time_left for many parts, with their labs' calendars in one query."""
    calendars = lab_calendars({s.lab_id for s in subs})
    return {s.id: t for s in subs
            if (t := part_time_left(s, calendars[s.lab_id], now)) is not None}
