"""Registering instruments once, and asking for their verification: one request,
one part (and so one certificate) per instrument."""
from dataclasses import dataclass
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from blueprints.audit.models import record_event
from blueprints.catalogue.models import Service
from blueprints.metrology.labels import KIND_DOCUMENT_NAMES, mass
from blueprints.metrology.models import Instrument, InstrumentKind
from blueprints.service_requests.lifecycle import State
from blueprints.service_requests.models import RequestItem, ServiceRequest
from blueprints.service_requests.submission import submit
from core.roles import Role
from extensions import db


@dataclass(frozen=True)
class ScaleEntry:
    kind: InstrumentKind
    make: str
    model: str
    serial: str
    max_capacity: Decimal   # grams
    e: Decimal              # grams
    accuracy_class: str
    market: str
    stall: str


def own_instruments(user):
    """A SELECT of the user's instruments (their enterprise's, for enterprise users)."""
    if user.role == Role.sme:
        return select(Instrument).where(Instrument.enterprise_id == user.enterprise_id)
    return select(Instrument).where(Instrument.owner_id == user.id,
                                    Instrument.enterprise_id.is_(None))


def find_by_serial(user, serial: str) -> Instrument | None:
    return db.session.scalars(own_instruments(user).where(Instrument.serial == serial)
                              .order_by(Instrument.id).limit(1)).first()


def register(user, entry: ScaleEntry, update: bool = True) -> Instrument:
    """The user's instrument with this serial, created, or brought up to date when
    `update` (owners update their own; the lab registering on site does not)."""
    instrument = find_by_serial(user, entry.serial)
    if instrument is not None and not update:
        return instrument
    if instrument is None:
        instrument = Instrument(serial=entry.serial, owner_id=user.id,
                                enterprise_id=user.enterprise_id if user.role == Role.sme
                                else None)
        db.session.add(instrument)
    for name in ("kind", "make", "model", "max_capacity", "e", "accuracy_class", "market",
                 "stall"):
        setattr(instrument, name, getattr(entry, name))
    return instrument


def scale_service() -> Service | None:
    """The catalogue service under which trade scales are verified (JJG 539)."""
    return db.session.scalar(select(Service).filter_by(
        code=current_app.config["SCALE_SERVICE_CODE"], is_active=True))


def describe(instrument: Instrument) -> str:
    """The line a certificate prints for the instrument (both languages)."""
    parts = [KIND_DOCUMENT_NAMES[instrument.kind], instrument.make, instrument.model,
             f"S/N {instrument.serial}"]
    if instrument.max_capacity is not None:
        parts.append(f"Max {mass(instrument.max_capacity)}, e = {mass(instrument.e)}, "
                     f"{instrument.accuracy_class}")
    return " ".join(p for p in parts if p)


def request_verification(user, entries: list[ScaleEntry], contact_name: str,
                         contact_phone: str, service: Service, campaign=None,
                         by_owner: bool = True) -> ServiceRequest:
    """A submitted request with one item and one part per scale, free of charge, at
    the campaign's lab when one is chosen. Only the owner's own request updates a
    scale already on record (`by_owner`). Raises what submission.submit raises."""
    req = ServiceRequest(applicant_id=user.id, state=State.draft,
                         enterprise_id=user.enterprise_id if user.role == Role.sme else None,
                         title=f"{service.name_zh} × {len(entries)}", contact_name=contact_name,
                         contact_phone=contact_phone,
                         campaign_id=campaign.id if campaign else None)
    db.session.add(req)
    for position, entry in enumerate(entries, start=1):
        instrument = register(user, entry, update=by_owner)
        req.items.append(RequestItem(position=position, service_id=service.id,
                                     instrument=instrument, price_cents=0,
                                     sample_description=describe(instrument)))
    db.session.flush()
    record_event(user, "service_requests", req.id, "draft_saved",
                 after={"items": len(entries), "campaign": req.campaign_id})
    submit(req, user, lab_id=campaign.lab_id if campaign else None)
    return req
