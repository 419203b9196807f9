"""Submitting a request: route its items, split it per lab, number it.

The database look-ups happen here; the choice itself is routing.route()."""
from collections import defaultdict
from datetime import date

from sqlalchemy import select

from blueprints.audit.models import record_event
from blueprints.catalogue.models import Capability
from blueprints.labs.models import Lab
from blueprints.service_requests.clock import start_answer_clock
from blueprints.service_requests.lifecycle import Action, State, transition
from blueprints.service_requests.models import ServiceRequest, SubRequest, keep_open_work
from blueprints.service_requests.routing import Need, Offer, Placement, route
from core.numbering import next_value
from core.signals import collect, drop_off_days
from core.timeutil import local_today, utcnow
from core.working_calendar import lab_calendars
from extensions import db


class NotReadyToSubmit(Exception):
    """The request cannot be submitted as it is; `reason` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def load_offers(service_ids: set[int], lab_id: int | None = None) -> dict[int, list[Offer]]:
    """Active capabilities of open labs (or of `lab_id` only) for these services, with
    each one's open items (kept on the capability as parts open and close) and first
    free drop-off day (a fixed number of queries whatever the number of labs)."""
    if not service_ids:
        return {}
    offers: dict[int, list[Offer]] = defaultdict(list)
    stmt = (select(Capability, Lab.code).join(Capability.lab)
            .where(Capability.service_id.in_(service_ids), Capability.is_active, Lab.is_active))
    if lab_id is not None:
        stmt = stmt.where(Capability.lab_id == lab_id)
    rows = db.session.execute(stmt).all()
    # Routing counts from the first day each lab can take the samples (its drop-off
    # counter's first free place, from the scheduling area).
    drop_off = collect(drop_off_days, lab_ids={cap.lab_id for cap, _code in rows}, now=utcnow())
    for cap, lab_code in rows:
        offers[cap.service_id].append(Offer(
            lab_id=cap.lab_id, lab_code=lab_code, price_cents=cap.price_cents,
            turnaround_days=cap.turnaround_days, daily_capacity=cap.daily_capacity,
            open_items=cap.open_items,
            first_drop_off=drop_off.get(cap.lab_id)))
    return offers


def preview(request: ServiceRequest, today: date | None = None,
            lab_id: int | None = None) -> list[Placement]:
    """Where each item would go if submitted now (raises routing.NoCapableLab)."""
    return _placements(request, today, lab_id)[0]


def _placements(request, today, lab_id) -> tuple[list[Placement], dict]:
    needs = [Need(item.id, item.service_id) for item in request.items]
    offers = load_offers({n.service_id for n in needs}, lab_id)
    calendars = lab_calendars({o.lab_id for options in offers.values() for o in options})
    return route(needs, offers, today or local_today(), calendars=calendars), calendars


def _reason(placement: Placement) -> dict:
    def plain(c):
        return {"lab": c.lab_code, "ready_by": c.ready_by.isoformat(),
                "queue_days": c.queue_days, "turnaround_days": c.turnaround_days,
                "price_cents": c.price_cents,
                "first_drop_off": c.first_drop_off.isoformat() if c.first_drop_off else None}
    return {"item": placement.key, "chosen": plain(placement.chosen),
            "others": [plain(c) for c in placement.others]}


def submit(request: ServiceRequest, user, today: date | None = None,
           lab_id: int | None = None) -> list[SubRequest]:
    """Submit a draft: one sub-request per lab, numbered QD-<year>-<6 digits>; an item
    that is an instrument gets a part of its own (each instrument its own certificate).
    `lab_id` sends every item to that lab (an on-site campaign's).

    Raises NotReadyToSubmit (no items, enterprise not verified), routing.NoCapableLab,
    or the lifecycle's TransitionError.
    """
    transition(request.state, Action.submit, user.role)
    if not request.items:
        raise NotReadyToSubmit("no_items")
    if request.enterprise is not None and request.enterprise.status.value != "verified":
        raise NotReadyToSubmit("enterprise_not_verified")
    today = today or local_today()
    placements, calendars = _placements(request, today, lab_id)
    by_item = {item.id: item for item in request.items}
    parts: dict[tuple, SubRequest] = {}
    for placement in placements:
        chosen = placement.chosen
        item = by_item[placement.key]
        key = (chosen.lab_id, item.id if item.instrument_id else None)
        sub = parts.get(key)
        if sub is None:
            sub = parts[key] = SubRequest(
                request=request, lab_id=chosen.lab_id, part=len(parts) + 1,
                state=State.submitted, routing_reason=[])
        item.sub_request = sub
        item.price_cents = chosen.price_cents
        item.due_date = chosen.ready_by
        sub.routing_reason = [*sub.routing_reason, _reason(placement)]
        sub.due_date = max(filter(None, [sub.due_date, chosen.ready_by]))
    for sub in parts.values():
        start_answer_clock(sub, calendars.get(sub.lab_id))
    request.number = f"QD-{today.year}-{next_value('request', today.year):06d}"
    request.state = State.submitted
    request.submitted_at = utcnow()
    request.due_date = max(s.due_date for s in parts.values())
    db.session.flush()
    for sub in parts.values():
        keep_open_work(sub, was_open=False)
    record_event(user, "service_requests", request.id, "submitted",
                 before={"state": "draft"},
                 after={"state": "submitted", "number": request.number,
                        "labs": [p.chosen.lab_code for p in placements]})
    for sub in parts.values():
        record_event(None, "sub_requests", sub.id, "routed",  # the desk's own step
                     after={"lab_id": sub.lab_id, "due_date": sub.due_date.isoformat()})
    return list(parts.values())
