"""On-site verification days: registering vendors' scales, accepting them, the day's
progress, issuing every certificate at the end, and the summary by market."""
import secrets

from sqlalchemy import case, func, select
from werkzeug.security import generate_password_hash

from blueprints.audit.models import record_event
from blueprints.auth.models import User
from blueprints.certificates import batches
from blueprints.metrology.models import Campaign, Instrument, ScaleVerification
from blueprints.metrology.scales import ScaleEntry, request_verification
from blueprints.service_requests.lifecycle import State
from blueprints.service_requests.models import RequestItem, ServiceRequest, SubRequest
from core.roles import Role
from extensions import db


def parts_of(campaign_id: int):
    """A SELECT of the campaign's parts (one per scale)."""
    return (select(SubRequest).join(SubRequest.request)
            .where(ServiceRequest.campaign_id == campaign_id))


def progress(campaign_id: int) -> dict[str, int]:
    """Registered, verified, passed, failed and issued scales (one query)."""
    row = db.session.execute(
        select(func.count(SubRequest.id),
               func.count(ScaleVerification.id),
               func.sum(case((ScaleVerification.passed.is_(True), 1), else_=0)),
               func.sum(case((ScaleVerification.passed.is_(False), 1), else_=0)),
               func.sum(case((SubRequest.state.in_([State.issued, State.closed]), 1), else_=0)))
        .select_from(SubRequest).join(SubRequest.request)
        .join(RequestItem, RequestItem.sub_request_id == SubRequest.id)
        .outerjoin(ScaleVerification, ScaleVerification.item_id == RequestItem.id)
        .where(ServiceRequest.campaign_id == campaign_id,
               SubRequest.state.not_in([State.cancelled, State.rejected]))).one()
    registered, verified, passed, failed, issued = (int(v or 0) for v in row)
    return {"registered": registered, "verified": verified, "passed": passed,
            "failed": failed, "issued": issued}


def by_market(campaign_id: int) -> list[dict]:
    """Verified scales, passes and the pass rate for each market (one query)."""
    rows = db.session.execute(
        select(Instrument.market, func.count(ScaleVerification.id),
               func.sum(case((ScaleVerification.passed.is_(True), 1), else_=0)))
        .select_from(ScaleVerification)
        .join(RequestItem, RequestItem.id == ScaleVerification.item_id)
        .join(ServiceRequest, ServiceRequest.id == RequestItem.request_id)
        .join(Instrument, Instrument.id == ScaleVerification.instrument_id)
        .where(ServiceRequest.campaign_id == campaign_id)
        .group_by(Instrument.market).order_by(Instrument.market))
    return [{"market": market or "—", "verified": n, "passed": int(p or 0),
             "rate": round(100 * int(p or 0) / n, 1) if n else 0.0} for market, n, p in rows]


def vendor_account(name: str, phone: str) -> User:
    """The citizen with this mobile number, or a new account for them. A new account
    gets a random password: the vendor takes it over with "forgot password"."""
    user = db.session.scalar(select(User).filter_by(phone=phone))
    if user is None:
        user = User(name=name, phone=phone, role=Role.citizen,
                    password_hash=generate_password_hash(secrets.token_urlsafe(24)))
        db.session.add(user)
        db.session.flush()
    return user


def register_on_site(campaign: Campaign, staff, name: str, phone: str,
                     entry: ScaleEntry) -> ServiceRequest:
    """A vendor who turns up on the day: their account, their scale, their request.
    Raises ValueError when the phone belongs to someone who is not a citizen."""
    vendor = vendor_account(name, phone)
    if vendor.role != Role.citizen:
        raise ValueError("not_a_citizen")
    req = request_verification(vendor, [entry], name, phone, campaign.service, campaign,
                               by_owner=False)
    if staff.role == Role.lab_manager:
        for sub in req.sub_requests:
            sub.accept_free(staff)
    return req


def accept_registrations(campaign: Campaign, manager) -> int:
    """Accept every scale registered for the day and not yet accepted (free: no quote)."""
    subs = db.session.scalars(parts_of(campaign.id).where(SubRequest.state == State.submitted))
    n = 0
    for sub in subs:
        sub.accept_free(manager)
        n += 1
    return n


def approve_and_batch(campaign: Campaign, manager) -> tuple[object | None, int]:
    """Approve every verified scale the manager did not verify (four eyes), then queue
    one batch of all the campaign's approved parts. Returns the batch (None when
    nothing is ready) and how many parts were left for another manager to approve."""
    in_review = db.session.scalars(parts_of(campaign.id).where(
        SubRequest.state == State.in_review)).all()
    enterers = SubRequest.result_enterers([s.id for s in in_review])
    left = 0
    for sub in in_review:
        if not sub.can_approve(manager, enterers.get(sub.id, set())):
            left += 1
            continue
        sub.approve(manager, enterers.get(sub.id, set()))
    db.session.flush()
    ready = db.session.scalars(select(SubRequest.id).join(SubRequest.request).where(
        ServiceRequest.campaign_id == campaign.id, SubRequest.state == State.approved)).all()
    if not ready:
        return None, left
    batch = batches.create_batch(campaign.lab_id, manager, list(ready))
    record_event(manager, "campaigns", campaign.id, "campaign_batch",
                 after={"batch": batch.id, "parts": len(ready), "left": left})
    return batch, left
