"""Working-day arithmetic (weekends off; public holidays and lab closures come
with the scheduling work)."""
from datetime import date, timedelta


def is_working_day(day: date, holidays: frozenset[date] = frozenset()) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: date, days: int, holidays: frozenset[date] = frozenset()) -> date:
    """The date `days` working days after `start` (start itself not counted).
    Zero days gives `start` moved forward to a working day."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    while not is_working_day(day, holidays):
        day += timedelta(days=1)
    while days:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            days -= 1
    return day
