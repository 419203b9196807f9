"""Satisfaction ratings (好差评): five levels, the two lowest are bad reviews that
the lab follows up within 15 working days (DOMAIN.md, Service practice)."""
from datetime import date
from enum import IntEnum

from core.workdays import add_working_days

FOLLOW_UP_WORKING_DAYS = 15


class Level(IntEnum):
    very_satisfied = 5
    satisfied = 4
    basically_satisfied = 3
    dissatisfied = 2
    very_dissatisfied = 1


def is_bad(level: Level) -> bool:
    return level <= Level.dissatisfied


def follow_up_due(level: Level, rated_on: date) -> date | None:
    """The date by which a bad review must be followed up; None for a good one."""
    return add_working_days(rated_on, FOLLOW_UP_WORKING_DAYS) if is_bad(level) else None
