"""The audit log page: every event as a sentence, filtered by request number, person,
what happened, record and date."""
import re
from datetime import UTC, datetime, time, timedelta

from flask import render_template, request
from sqlalchemy import false, or_, select
from sqlalchemy.orm import joinedload

from blueprints.admin import audit_trail
from blueprints.admin.forms import AuditFilterForm
from blueprints.admin.labels import AUDIT_RECORD_LABELS
from blueprints.admin.views import bp
from blueprints.audit.models import AuditEvent
from blueprints.auth.models import User
from blueprints.certificates.models import Certificate
from blueprints.scheduling.models import Booking
from blueprints.service_requests.models import Rating, RequestItem, ServiceRequest, SubRequest
from core.i18n import gettext as _
from core.like import ESCAPE, contains
from core.pagination import paginate
from core.permissions import roles_required
from core.roles import Role
from core.timeutil import LOCAL_TZ
from extensions import db

NUMBER = re.compile(r"(QD-\d{4}-\d{6})(?:-(\d{1,3}))?", re.IGNORECASE)


def _events_of_request(number: str):
    """The events of one request (or of one part, "-2"): the request's own, its
    parts', items', ratings', bookings' and certificates'. None when no request has
    the number."""
    found = NUMBER.fullmatch(number.strip())
    req = found and db.session.scalar(select(ServiceRequest).where(
        ServiceRequest.number == found.group(1).upper()))
    if not req:
        return None
    parts = select(SubRequest.id).where(SubRequest.request_id == req.id)
    if found.group(2):
        parts = parts.where(SubRequest.part == int(found.group(2)))
    part_ids = list(db.session.scalars(parts))
    if not part_ids:
        return None

    def ids(model, column):
        return select(model.id).where(column.in_(part_ids))

    by_entity = {
        "sub_requests": part_ids,
        "request_items": ids(RequestItem, RequestItem.sub_request_id),
        "ratings": ids(Rating, Rating.sub_request_id),
        "bookings": ids(Booking, Booking.sub_request_id),
        "certificates": ids(Certificate, Certificate.sub_request_id),
    }
    conditions = [(AuditEvent.entity == entity) & AuditEvent.entity_id.in_(which)
                  for entity, which in by_entity.items()]
    if not found.group(2):
        conditions.append((AuditEvent.entity == "service_requests")
                          & (AuditEvent.entity_id == req.id))
    return or_(*conditions)


def _people(text: str):
    like = contains(text)
    return select(User.id).where(or_(User.name.ilike(like, escape=ESCAPE),
                                     User.email.ilike(like, escape=ESCAPE),
                                     User.phone.ilike(like, escape=ESCAPE)))


def _local_midnight(day) -> datetime:
    """The start of a local day, in UTC as stored (SQLite compares the digits)."""
    return datetime.combine(day, time.min, LOCAL_TZ).astimezone(UTC)


@bp.route("/audit")
@roles_required(Role.admin)
def audit_log():
    form = AuditFilterForm(request.args)
    form.action.choices = [("", _("Any"))] + audit_trail.action_choices()
    form.entity.choices = [("", _("Any"))] + sorted(
        ((k, str(v)) for k, v in AUDIT_RECORD_LABELS.items()), key=lambda c: c[1])
    status, notice = 200, None
    stmt = select(AuditEvent).options(joinedload(AuditEvent.actor))
    if request.args and not form.validate():
        status = 400
        stmt = stmt.where(false())
    else:
        f = form
        if f.number.data:
            of_request = _events_of_request(f.number.data)
            if of_request is None:
                notice = _("No request has the number %(number)s.", number=f.number.data)
                status = 404
                of_request = false()
            stmt = stmt.where(of_request)
        if f.who.data:
            stmt = stmt.where(AuditEvent.actor_id.in_(_people(f.who.data)))
        if f.action.data:
            stmt = stmt.where(AuditEvent.action == f.action.data)
        if f.entity.data:
            stmt = stmt.where(AuditEvent.entity == f.entity.data)
        if f.entity_id.data:
            stmt = stmt.where(AuditEvent.entity_id == f.entity_id.data)
        if f.since.data:
            stmt = stmt.where(AuditEvent.created_at >= _local_midnight(f.since.data))
        if f.until.data:
            stmt = stmt.where(AuditEvent.created_at
                              < _local_midnight(f.until.data + timedelta(days=1)))
    page = paginate(stmt.order_by(AuditEvent.id.desc()), per_page=50)
    events = list(page.items)
    return render_template("admin/audit.html", page=page, form=form, notice=notice,
                           subjects=audit_trail.subjects(events),
                           changes=audit_trail.changes(events),
                           happened=audit_trail.happened), status
