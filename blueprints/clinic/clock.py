"""An expert's response time to a dispatch, in working days on the desk's calendar:
due by closing time of the N-th working day after the dispatch, stopped while the
enterprise is asked for information and restarted with the working days it had
left. The arithmetic is the labs' (service_requests/deadlines.py)."""
from datetime import UTC, date, datetime

from flask import current_app, has_app_context

from blueprints.service_requests.clock import response_rule
from blueprints.service_requests.deadlines import ResponseRule, answer_by, resumed_due
from core.timeutil import to_local
from core.workdays import WorkCalendar


def clinic_rule(config=None) -> ResponseRule:
    """The desk's office hours with the clinic's own number of working days."""
    config = config if config is not None else (current_app.config if has_app_context()
                                                else {})
    rule = response_rule(config)
    return ResponseRule(working_days=int(config.get("CLINIC_RESPONSE_WORKING_DAYS", 2)),
                        opens=rule.opens, closes=rule.closes)


def answer_due(calendar: WorkCalendar, dispatched_at: datetime, rule: ResponseRule) -> datetime:
    """When an expert dispatched at `dispatched_at` owes an answer (UTC)."""
    return answer_by(calendar, to_local(dispatched_at), rule).astimezone(UTC)


def resumed_answer(calendar: WorkCalendar, due: datetime, paused_on: date, resumed_on: date,
                   rule: ResponseRule) -> datetime:
    """The answer deadline after a pause: the working days left when the enterprise
    was asked count again from the day it answered. Already late when paused: it
    stays late (the lapse was the expert's)."""
    local = to_local(due)
    day = resumed_due(calendar, local.date(), paused_on, resumed_on)
    return datetime.combine(day, rule.closes, local.tzinfo).astimezone(UTC)
