"""On-site verification days: registering vendors' scales, accepting them, the day's
progress, issuing every certificate at the end, and the summary by market."""
import secrets
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload
from werkzeug.security import generate_password_hash

from blueprints.audit.models import record_event
from blueprints.auth.models import User
from blueprints.certificates import batches
from blueprints.labs.four_eyes import gap
from blueprints.labs.models import team_of
from blueprints.metrology.models import Campaign, CampaignState, Instrument, ScaleVerification
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


def may_move(req: ServiceRequest) -> bool:
    """A vendor may move to another day until a scale of theirs is verified."""
    live = [s for s in req.sub_requests if not s.is_final]
    return bool(live) and all(s.is_bookable and all(i.scale_verification is None
                                                    for i in s.items) for s in live)


def other_days(req: ServiceRequest, today) -> list[Campaign]:
    """The coming days of the same lab and service a vendor's request could move to."""
    campaign = req.campaign
    return list(db.session.scalars(select(Campaign).where(
        Campaign.lab_id == campaign.lab_id, Campaign.service_id == campaign.service_id,
        Campaign.state == CampaignState.planned, Campaign.day >= today,
        Campaign.id != campaign.id).order_by(Campaign.day, Campaign.id).limit(20)))


def move_to_day(req: ServiceRequest, campaign: Campaign, user, today) -> None:
    """Move a vendor's registration to another coming day. Raises ValueError("gone")
    for a day that is not one of other_days, ("verified") once a scale is verified."""
    if not may_move(req):
        raise ValueError("verified")
    if campaign.id not in {c.id for c in other_days(req, today)}:
        raise ValueError("gone")
    before = req.campaign
    req.campaign = campaign
    record_event(user, "service_requests", req.id, "campaign_day_moved",
                 before={"campaign_id": before.id, "day": before.day.isoformat()},
                 after={"campaign_id": campaign.id, "day": campaign.day.isoformat()})


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


@dataclass
class DayEnd:
    """What "approve and issue all" did: the batch (None when nothing could be issued),
    how many scales wait for another signatory, and what the lab lacks when nobody
    else can take them (a four_eyes.Gap)."""
    batch: object | None = None
    left: int = 0
    gap: object | None = None


def approve_and_batch(campaign: Campaign, manager) -> DayEnd:
    """Approve every verified scale the manager may review, then queue one batch of the
    campaign's approved parts the manager may sign (the four-eyes rule of the part page:
    whoever verified a scale neither reviews nor signs it)."""
    in_review = db.session.scalars(parts_of(campaign.id).where(
        SubRequest.state == State.in_review)
        .options(selectinload(SubRequest.items).selectinload(RequestItem.service))).all()
    team = team_of(campaign.lab_id)
    enterers = SubRequest.result_enterers([s.id for s in in_review])
    end = DayEnd()
    for sub in in_review:
        mine = enterers.get(sub.id, set())
        check = sub.signoff(manager, team, mine)
        if check.may_review:
            sub.approve(manager, team, mine)
        else:
            end.gap = end.gap or check.gap
    db.session.flush()
    ready = db.session.scalars(select(SubRequest.id).join(SubRequest.request).where(
        ServiceRequest.campaign_id == campaign.id, SubRequest.state == State.approved,
        SubRequest.id.not_in(batches.in_live_batches()))).all()
    left_out = 0
    if ready:
        try:
            end.batch, left_out = batches.create_batch(campaign.lab_id, manager, list(ready))
        except batches.BatchError:
            left_out = len(ready)
    end.left = len(in_review) - sum(1 for s in in_review if s.state == State.approved) + left_out
    if end.left and end.gap is None:
        end.gap = _gap_of_approved(campaign, team)
    if end.batch is not None:
        record_event(manager, "campaigns", campaign.id, "campaign_batch",
                     after={"batch": end.batch.id, "parts": end.batch.total, "left": end.left})
    return end


def _gap_of_approved(campaign: Campaign, team):
    """What the lab lacks to sign the day's approved scales nobody has issued (or None)."""
    approved = db.session.scalars(parts_of(campaign.id).where(
        SubRequest.state == State.approved)
        .options(selectinload(SubRequest.items).selectinload(RequestItem.service))).all()
    enterers = SubRequest.result_enterers([s.id for s in approved])
    for sub in approved:
        missing = gap(team, enterers.get(sub.id, set()), sub.kinds, reviewed=True)
        if missing is not None:
            return missing
    return None
