"""Reads that several pages share: a request's timeline, a part as the lab's pages
load it, the parts past a deadline."""
from flask import abort
from flask_login import current_user
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload, selectinload

from blueprints.audit.models import AuditEvent
from blueprints.service_requests.lifecycle import AWAITING_ANSWER, CLOCK_PAUSED, CLOCK_RUNNING
from blueprints.service_requests.models import ServiceRequest, SubRequest, item_loading
from core.permissions import get_allowed_or_404
from core.roles import LAB_ROLES
from extensions import db

PUBLIC_EVENTS = {"draft_saved", "submitted", "routed", "quoted", "accepted", "returned",
                 "rejected", "resubmitted", "cancelled", "quote_accepted", "sample_received",
                 "work_started", "approved", "issued", "closed", "rated",
                 "reopened_for_amendment"}


def timeline(req: ServiceRequest, for_applicant: bool,
             only_part: SubRequest | None = None) -> list[AuditEvent]:
    """The request's events in order: the applicant sees the public steps of every
    part; a lab sees everything of its own part and nothing of the others'.

    Read by (entity, entity_id) alone and sifted here: a request has some tens of
    events, while a step's name in the WHERE clause tempts the planners to read every
    event of that step the desk ever wrote (the audit log's largest index)."""
    sub_ids = [only_part.id] if only_part else [s.id for s in req.sub_requests]
    events = db.session.scalars(
        select(AuditEvent).options(selectinload(AuditEvent.actor))
        .where(or_((AuditEvent.entity == "service_requests") & (AuditEvent.entity_id == req.id),
                   (AuditEvent.entity == "sub_requests") & AuditEvent.entity_id.in_(sub_ids)))
        .order_by(AuditEvent.id)).all()
    return [e for e in events if e.action in PUBLIC_EVENTS] if for_applicant else events


def load_part(sub_id: int, action: str = "view") -> SubRequest:
    sub = get_allowed_or_404(SubRequest, sub_id, action)
    if current_user.role not in LAB_ROLES:
        abort(404)
    return db.session.scalars(
        select(SubRequest).where(SubRequest.id == sub.id)
        .options(selectinload(SubRequest.items).options(*item_loading()),
                 joinedload(SubRequest.request).options(
                     joinedload(ServiceRequest.applicant), joinedload(ServiceRequest.enterprise),
                     selectinload(ServiceRequest.attachments),
                     selectinload(ServiceRequest.sub_requests)))
        .execution_options(populate_existing=True)).one()


def overdue_clause(today, now):
    """SQL for parts past a deadline: an answer past the response deadline, work past
    its due date, or a paused part that was already late when it stopped."""
    # A clock paused on or before today: "due_date < today" follows from being late when
    # it stopped, and lets the index read only the late ones among the paused parts.
    return or_(and_(SubRequest.state.in_(AWAITING_ANSWER), SubRequest.answer_by < now),
               and_(SubRequest.state.in_(CLOCK_RUNNING), SubRequest.due_date < today),
               and_(SubRequest.state.in_(CLOCK_PAUSED), SubRequest.due_date < today,
                    SubRequest.due_date < SubRequest.clock_paused_on))
