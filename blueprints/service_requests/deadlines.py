"""Deadlines of a lab's part: the response deadline (accept, quote, return or reject
a submitted request) and the turnaround due date, whose clock stops while the part
waits on the applicant.

Plain values in, plain values out: the caller passes the lab's WorkCalendar. The
lab and the applicant read the same figures from `time_left`, so both see one
promised date.
"""
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from core.workdays import WorkCalendar


@dataclass(frozen=True)
class ResponseRule:
    """How long a lab has to answer a submitted request. Counties promise different
    things (one working day here, 60 minutes elsewhere), so it is configuration:
    `minutes` counts working minutes inside office hours when set; otherwise the
    answer is due by closing time of the `working_days`-th working day after the
    request arrived (arriving after closing counts from the next working day)."""
    working_days: int = 1
    minutes: int | None = None
    opens: time = time(8, 30)
    closes: time = time(17, 30)

    def __post_init__(self) -> None:
        if self.working_days < 0 or (self.minutes is not None and self.minutes <= 0):
            raise ValueError("a response time must be positive")
        if self.closes <= self.opens:
            raise ValueError("office hours must close after they open")


def answer_by(calendar: WorkCalendar, arrived: datetime, rule: ResponseRule) -> datetime:
    """When the answer to work arriving at `arrived` is due, on the same wall clock
    as `arrived` (pass local time). Raises ValueError as ResponseRule does."""
    tz = arrived.tzinfo
    if rule.minutes is None:
        # Arriving at or after closing counts from the next working day.
        start = replace(calendar, cutoff=rule.closes).start_day(arrived.replace(tzinfo=None))
        return datetime.combine(calendar.add(start, rule.working_days), rule.closes, tz)
    # Working minutes: the clock runs only inside office hours on working days.
    left = timedelta(minutes=rule.minutes)
    moment = arrived.replace(tzinfo=None)
    while True:
        day = calendar.next_working_day(moment.date())
        if day != moment.date():
            moment = datetime.combine(day, rule.opens)
        opens, closes = (datetime.combine(day, rule.opens), datetime.combine(day, rule.closes))
        moment = max(moment, opens)
        if moment < closes:
            if moment + left <= closes:
                return (moment + left).replace(tzinfo=tz)
            left -= closes - moment
        moment = datetime.combine(day + timedelta(days=1), rule.opens)


def resumed_due(calendar: WorkCalendar, due: date, paused_on: date, resumed_on: date,
                planned_drop_off: date | None = None) -> date:
    """The due date after a pause: the working days that were left when the clock
    stopped (`paused_on`) count again from `resumed_on`. A part already overdue when
    it was paused stays overdue: the lapse was the lab's, not the applicant's.

    When the due date was set counting from a planned drop-off day (the first free
    place at a booked-up counter), the wait up to that day is already in it: only the
    days after it are given back, and samples brought earlier never bring the due
    date forward."""
    if due < paused_on:
        return due
    stopped = max(paused_on, planned_drop_off) if planned_drop_off else paused_on
    return max(due, calendar.add(resumed_on, calendar.between(stopped, due)))


class Clock(StrEnum):
    answer = "answer"      # the lab owes an answer to a submitted request
    running = "running"    # the lab is working towards the due date
    paused = "paused"      # waiting on the applicant (information, quote, samples)


@dataclass(frozen=True)
class TimeLeft:
    """What the queue and the request page say about a part's deadline.

    For `answer`, `deadline` is a datetime and `minutes` the minutes left (negative
    when late); otherwise `deadline` is the due date and `working_days` the working
    days left (0 on the day, negative when late). A paused clock reports the working
    days it will have when it restarts."""
    clock: Clock
    deadline: date | datetime
    working_days: int = 0
    minutes: int = 0
    waiting_for: str = ""   # a paused clock's reason: "answer", "quote" or "samples"

    @property
    def overdue(self) -> bool:
        return self.minutes < 0 if self.clock == Clock.answer else self.working_days < 0


def time_left(calendar: WorkCalendar, now: datetime, clock: Clock,
              deadline: date | datetime, paused_on: date | None = None) -> TimeLeft:
    """How much time is left against `deadline` at `now` (local wall clock)."""
    if clock == Clock.answer:
        return TimeLeft(clock, deadline, minutes=int((deadline - now).total_seconds() // 60))
    since = paused_on if clock == Clock.paused and paused_on is not None else now.date()
    if deadline >= since:
        return TimeLeft(clock, deadline, working_days=calendar.between(since, deadline))
    # Late from the day after the due date, weekend or not (as the queue's filter and
    # the alerts count it); then by the working days lost.
    return TimeLeft(clock, deadline,
                    working_days=-max(1, calendar.between(deadline, since)))
