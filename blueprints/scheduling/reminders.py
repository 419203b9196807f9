"""Reminding applicants of tomorrow's drop-off, once per booking."""
from datetime import UTC, datetime, time, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from blueprints.notifications.events import applicants, tell
from blueprints.notifications.models import claim
from blueprints.scheduling.kinds import BookingState, ResourceKind
from blueprints.scheduling.models import Booking, Resource, Slot
from blueprints.service_requests.lifecycle import BOOKABLE
from blueprints.service_requests.models import ServiceRequest, SubRequest
from core.links import public_url
from core.timeutil import LOCAL_TZ, to_local
from extensions import db


def send_booking_reminders(now: datetime) -> int:
    """Remind the applicant of each drop-off booked for tomorrow (local time), from
    DIGEST_HOUR today on; returns how many bookings were reminded."""
    local = to_local(now)
    if local.hour < int(current_app.config["DIGEST_HOUR"]):
        return 0
    tomorrow = local.date() + timedelta(days=1)
    # Bounds in UTC, as stored (SQLite would compare a local time's digits).
    first = datetime.combine(tomorrow, time.min, LOCAL_TZ).astimezone(UTC)
    bookings = db.session.scalars(
        select(Booking).join(Booking.slot).join(Slot.resource).join(Booking.sub_request)
        .where(Booking.state == BookingState.booked, Resource.kind == ResourceKind.reception,
               Slot.starts_at >= first, Slot.starts_at < first + timedelta(days=1),
               SubRequest.state.in_(BOOKABLE))
        .options(joinedload(Booking.slot).joinedload(Slot.resource).joinedload(Resource.lab),
                 joinedload(Booking.sub_request).joinedload(SubRequest.request)
                 .joinedload(ServiceRequest.applicant))
        .order_by(Booking.id)).unique().all()
    sent = 0
    for booking in bookings:
        if not claim("booking_reminder", booking.id, tomorrow.isoformat()):
            db.session.rollback()
            continue
        sub, slot = booking.sub_request, booking.slot
        link = public_url("service_requests.detail", request_id=sub.request_id)
        lab = slot.resource.lab
        tell(applicants(sub.request), "booking_reminder", link, number=sub.number,
             when=to_local(slot.starts_at).strftime("%Y-%m-%d %H:%M"),
             place=f"{lab.name_zh} · {slot.resource.name} · {lab.address}")
        db.session.commit()  # claim and message together, one booking at a time
        sent += 1
    db.session.commit()
    return sent
