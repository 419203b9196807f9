"""Working-day arithmetic for turnaround and response deadlines.

A WorkCalendar holds one lab's days off. China's public holidays and their make-up
working days (调休) are published yearly by the State Council, so nothing here knows
any year's dates: admins enter them and the caller passes them in.

Every count follows one rule: the clock starts on the first working day on or after
the start date, and that day itself is not counted.
"""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class WorkCalendar:
    """A lab's working calendar.

    `holidays` are public holidays (off even on a weekday); `workdays` are make-up
    working days (weekend days that are worked); `closures` are the lab's own closed
    days; `weekend` holds the weekday() numbers that are off; `cutoff` is the naive
    local time after which arriving work counts from the next working day.
    Raises ValueError when `weekend` is not a proper subset of 0–6 (a week with no
    working weekday would make every search below run forever).
    """
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    closures: frozenset[date] = frozenset()
    weekend: frozenset[int] = frozenset({5, 6})
    cutoff: time | None = None

    def __post_init__(self) -> None:
        if not self.weekend < frozenset(range(7)):
            raise ValueError("weekend must be weekday() numbers 0-6 and leave one working")

    def is_working_day(self, day: date) -> bool:
        """Whether `day` is worked: holidays and closures are always off, a make-up
        working day is worked even at a weekend, any other day unless at a weekend."""
        if day in self.holidays or day in self.closures:
            return False
        return day in self.workdays or day.weekday() not in self.weekend

    def next_working_day(self, day: date) -> date:
        """`day` itself when it is a working day, otherwise the first one after it."""
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def add(self, start: date, days: int) -> date:
        """The date `days` working days after `start`, not counting the start day.

        A start on a day off is first moved to the next working day, so 0 days gives
        that day. Raises ValueError for negative `days`.
        """
        return self.due(start, days)

    def between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`; 0 when end <= start.

        As in `add`, a start on a day off is first moved to the next working day, so
        `between(start, add(start, n)) == n` for every start and every n >= 0.
        """
        day, count = self.next_working_day(start), 0
        while day < end:
            day += ONE_DAY
            count += self.is_working_day(day)
        return count

    def start_day(self, arrived: datetime) -> date:
        """The working day the clock starts on for work arriving at `arrived`.

        `arrived` is read on its own wall clock (naive or aware; no conversion). That
        day when it is a working day and the time is before the cutoff (or there is
        none); otherwise the next working day. Arriving exactly at the cutoff is late.
        """
        day = arrived.date()
        if self.cutoff is not None and arrived.time() >= self.cutoff:
            day += ONE_DAY
        return self.next_working_day(day)

    def due(self, start: date, days: int,
            pauses: Iterable[tuple[date, date]] = ()) -> date:
        """The date `days` working days after `start`, with the clock stopped on
        every working day inside a pause.

        Pauses are inclusive intervals (first, last). The clock runs as in `add`; a
        working day after the clock's start that lies in any pause is not counted,
        so each paused working day up to the due date moves it one working day
        later. Overlapping pauses count a day once; paused days on or before the
        clock's start, or after the due date, change nothing; `due(start, 0, ...)`
        is `add(start, 0)`. Raises ValueError for negative `days` or a pause that
        ends before it begins.
        """
        if days < 0:
            raise ValueError("days must not be negative")
        pauses = list(pauses)
        if any(last < first for first, last in pauses):
            raise ValueError("a pause must not end before it begins")
        def paused(day: date) -> bool:
            return any(first <= day <= last for first, last in pauses)

        day = self.next_working_day(start)
        while days:
            day += ONE_DAY
            if self.is_working_day(day) and not paused(day):
                days -= 1
        return day


def is_working_day(day: date, holidays: frozenset[date] = frozenset()) -> bool:
    """Whether `day` is a weekday that is not in `holidays`."""
    return WorkCalendar(holidays=frozenset(holidays)).is_working_day(day)


def add_working_days(start: date, days: int, holidays: frozenset[date] = frozenset()) -> date:
    """The date `days` working days after `start` (start itself not counted), with
    weekends and `holidays` off. Zero days gives `start` moved forward to a working
    day. Raises ValueError for negative `days`."""
    return WorkCalendar(holidays=frozenset(holidays)).add(start, days)
