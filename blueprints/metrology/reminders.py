"""Reminding owners that an instrument falls due for verification (yearly for trade
scales), and vendors that their campaign day is tomorrow. Each is reminded once,
however often the job runs."""
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.orm import joinedload

from blueprints.auth.models import User
from blueprints.metrology.models import Campaign, CampaignState, Instrument
from blueprints.notifications.events import applicants, tell
from blueprints.notifications.models import claim
from blueprints.service_requests.lifecycle import FINAL_STATES
from blueprints.service_requests.models import ServiceRequest, SubRequest
from core.links import public_url
from core.roles import Role
from core.timeutil import to_local
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
             link=public_url("metrology.request_scales", instrument=instrument.id),
             serial=instrument.serial, market=instrument.market or "—",
             due=instrument.next_due.isoformat())
        sent += 1
    db.session.commit()
    return sent


def send_campaign_reminders(now: datetime) -> int:
    """Remind each vendor registered for tomorrow's campaign day (local time) of the day,
    the market and the address, from DIGEST_HOUR today on; returns how many requests."""
    local = to_local(now)
    if local.hour < int(current_app.config["DIGEST_HOUR"]):
        return 0
    tomorrow = local.date() + timedelta(days=1)
    still_on = select(SubRequest.request_id).where(SubRequest.state.not_in(FINAL_STATES))
    requests = db.session.scalars(
        select(ServiceRequest).join(Campaign, Campaign.id == ServiceRequest.campaign_id)
        .where(Campaign.day == tomorrow, Campaign.state == CampaignState.planned,
               ServiceRequest.id.in_(still_on))
        .options(joinedload(ServiceRequest.campaign), joinedload(ServiceRequest.applicant))
        .order_by(ServiceRequest.id)).all()
    sent = 0
    for req in requests:
        if not claim("campaign_reminder", req.id, tomorrow.isoformat()):
            db.session.rollback()
            continue
        campaign = req.campaign
        tell(applicants(req), "campaign_reminder",
             public_url("service_requests.detail", request_id=req.id), number=req.number,
             day=campaign.day.isoformat(), market=campaign.market,
             address=campaign.address or campaign.market)
        db.session.commit()  # claim and message together, one request at a time
        sent += 1
    return sent
