"""Deadline alerts and the morning digest for lab managers. Each alert is claimed
once (notifications.claim) for the deadline it warns of, so the jobs may run as
often as they like, and twice at once, without repeating themselves."""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from blueprints.auth.models import User
from blueprints.notifications.events import tell
from blueprints.notifications.models import claim
from blueprints.service_requests.lifecycle import AWAITING_ANSWER, CLOCK_RUNNING
from blueprints.service_requests.models import ServiceRequest, SubRequest
from blueprints.service_requests.queries import overdue_clause
from core.links import public_url
from core.roles import Role
from core.timeutil import to_local
from core.working_calendar import lab_calendars
from extensions import db

# Due dates are looked at this far ahead, then each lab's calendar decides; missed
# deadlines this far back (a worker that was down a while still warns of them).
DUE_HORIZON = timedelta(days=21)
LOOK_BACK = timedelta(days=7)


def _managers(lab_ids) -> dict[int, list[User]]:
    managers = defaultdict(list)
    for user in db.session.scalars(select(User).where(
            User.lab_id.in_(set(lab_ids) or {0}), User.role == Role.lab_manager,
            User.active).order_by(User.id)):
        managers[user.lab_id].append(user)
    return managers


@dataclass(frozen=True)
class Due:
    """What an alert needs of a part, copied out so that committing one alert does not
    send the next one back to the database for its part."""
    id: int
    lab_id: int
    number: str
    deadline: date | datetime
    assignee_id: int | None


def _parts(deadline_column, *where) -> list[Due]:
    rows = db.session.execute(
        select(SubRequest.id, SubRequest.lab_id, SubRequest.part, ServiceRequest.number,
               deadline_column, SubRequest.assignee_id)
        .join(SubRequest.request).where(*where).order_by(SubRequest.id))
    return [Due(id, lab_id, f"{number}-{part}", deadline, assignee_id)
            for id, lab_id, part, number, deadline, assignee_id in rows]


def _alert(kind: str, part: Due, key: str, deadline: str, to: list[User]) -> bool:
    # The claim, the notifications and the mails commit together, one alert at a time,
    # so a second run waits on one row at most and never sends half an alert.
    if not claim(kind, part.id, key):
        db.session.rollback()
        return False
    tell(to, kind, public_url("service_requests.lab_detail", sub_id=part.id),
         number=part.number, deadline=deadline)
    db.session.commit()
    return True


def send_answer_alerts(now: datetime) -> int:
    """Warn the lab's managers of a submitted part whose answer is due within
    ANSWER_ALERT_MINUTES, and again when the response deadline has passed (looking
    back LOOK_BACK, so a late part is not fetched again forever)."""
    ahead = timedelta(minutes=int(current_app.config["ANSWER_ALERT_MINUTES"]))
    parts = _parts(SubRequest.answer_by, SubRequest.state.in_(AWAITING_ANSWER),
                   SubRequest.answer_by > now - LOOK_BACK, SubRequest.answer_by <= now + ahead)
    managers = _managers(p.lab_id for p in parts)
    sent = 0
    for part in parts:
        deadline = to_local(part.deadline)
        kind = "acceptance_overdue" if deadline <= now else "acceptance_due_soon"
        sent += _alert(kind, part, deadline.isoformat(), deadline.strftime("%Y-%m-%d %H:%M"),
                       managers[part.lab_id])
    db.session.commit()
    return sent


def send_due_alerts(now: datetime) -> int:
    """Warn the lab's managers and the part's analyst DUE_ALERT_WORKING_DAYS working
    days before a part in progress is due, and again once it is overdue."""
    today = to_local(now).date()
    parts = _parts(SubRequest.due_date, SubRequest.state.in_(CLOCK_RUNNING),
                   SubRequest.due_date >= today - LOOK_BACK,
                   SubRequest.due_date <= today + DUE_HORIZON)
    calendars = lab_calendars({p.lab_id for p in parts})
    managers = _managers(p.lab_id for p in parts)
    analysts = {u.id: u for u in db.session.scalars(select(User).where(
        User.id.in_({p.assignee_id for p in parts if p.assignee_id} or {0}), User.active))}
    ahead = int(current_app.config["DUE_ALERT_WORKING_DAYS"])
    sent = 0
    for part in parts:
        if part.deadline < today:
            kind = "turnaround_overdue"
        elif calendars[part.lab_id].between(today, part.deadline) <= ahead:
            kind = "turnaround_due_soon"
        else:
            continue
        analyst = analysts.get(part.assignee_id)
        to = managers[part.lab_id] + ([analyst] if analyst
                                      and analyst not in managers[part.lab_id] else [])
        sent += _alert(kind, part, part.deadline.isoformat(), part.deadline.isoformat(), to)
    db.session.commit()
    return sent


def lab_counts(lab_ids, now: datetime) -> dict[int, dict[str, int]]:
    """For each lab: parts waiting for an answer, due today, and overdue (as the
    queue's filter counts them), in one query."""
    today = to_local(now).date()
    rows = db.session.execute(
        select(SubRequest.lab_id,
               func.count().filter(SubRequest.state.in_(AWAITING_ANSWER)),
               func.count().filter(SubRequest.state.in_(CLOCK_RUNNING),
                                   SubRequest.due_date == today),
               func.count().filter(overdue_clause(today, now)))
        .where(SubRequest.lab_id.in_(set(lab_ids) or {0}))
        .group_by(SubRequest.lab_id))
    counts = {lab_id: {"new": 0, "due_today": 0, "overdue": 0} for lab_id in lab_ids}
    for lab_id, new, due_today, overdue in rows:
        counts[lab_id] = {"new": new, "due_today": due_today, "overdue": overdue}
    return counts


def send_digests(now: datetime) -> int:
    """Each lab manager's morning digest, once a day from DIGEST_HOUR (local time), on
    days the lab has something waiting."""
    local = to_local(now)
    if local.hour < int(current_app.config["DIGEST_HOUR"]):
        return 0
    managers = _managers(db.session.scalars(select(User.lab_id).where(
        User.role == Role.lab_manager, User.active, User.lab_id.is_not(None)).distinct()))
    counts = lab_counts(managers, now)
    sent = 0
    for lab_id, users in managers.items():
        if not any(counts[lab_id].values()):
            continue
        for user in users:
            if claim("daily_digest", user.id, local.date().isoformat()):
                tell([user], "daily_digest", public_url("tasks.index"),
                     **counts[lab_id])
                db.session.commit()
                sent += 1
            else:
                db.session.rollback()
    db.session.commit()
    return sent
