"""Reminding owners that an instrument falls due for verification (yearly for trade
scales). Each due date is reminded once, however often the job runs."""
from datetime import date, timedelta

from flask import url_for
from sqlalchemy import or_, select, update

from blueprints.auth.models import User
from blueprints.metrology.models import Instrument
from blueprints.notifications.events import tell
from core.roles import Role
from extensions import db

AHEAD = timedelta(days=30)


def owners(instrument: Instrument) -> list[User]:
    if instrument.enterprise_id is not None:
        return list(db.session.scalars(select(User).where(
            User.enterprise_id == instrument.enterprise_id, User.role == Role.sme,
            User.active)))
    return [instrument.owner] if instrument.owner_id else []


def send_due_reminders(today: date) -> int:
    """Notify the owners of every instrument due within 30 days (or overdue) whose
    due date has not been reminded yet; returns how many instruments. Each one is
    claimed by a conditional UPDATE, so two runs at once cannot both remind it."""
    due = db.session.scalars(select(Instrument).where(
        Instrument.next_due.is_not(None), Instrument.next_due <= today + AHEAD,
        or_(Instrument.reminded_for.is_(None), Instrument.reminded_for != Instrument.next_due))
        .order_by(Instrument.id)).all()
    sent = 0
    for instrument in due:
        claimed = db.session.execute(
            update(Instrument).where(Instrument.id == instrument.id,
                                     Instrument.next_due == instrument.next_due,
                                     or_(Instrument.reminded_for.is_(None),
                                         Instrument.reminded_for != Instrument.next_due))
            .values(reminded_for=instrument.next_due)
            .execution_options(synchronize_session=False)).rowcount
        if not claimed:
            continue
        tell(owners(instrument), "verification_due",
             link=url_for("metrology.request_scales", instrument=instrument.id),
             serial=instrument.serial, market=instrument.market or "—",
             due=instrument.next_due.isoformat())
        sent += 1
    db.session.commit()
    return sent
