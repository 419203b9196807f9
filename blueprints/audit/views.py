from flask import Blueprint, render_template, request
from sqlalchemy.orm import joinedload

from blueprints.audit.models import AuditEvent
from core.converters import MAX_ID
from core.pagination import paginate
from core.permissions import roles_required
from core.roles import Role
from extensions import db

bp = Blueprint("audit", __name__)


@bp.route("/admin/audit")
@roles_required(Role.admin)
def index():
    entity = (request.args.get("entity") or "").strip()
    entity_id = request.args.get("entity_id", type=int)
    if entity_id is not None and not 0 < entity_id <= MAX_ID:
        entity_id = None
    stmt = db.select(AuditEvent).options(joinedload(AuditEvent.actor))
    if entity:
        stmt = stmt.where(AuditEvent.entity == entity)
    if entity_id:
        stmt = stmt.where(AuditEvent.entity_id == entity_id)
    page = paginate(stmt.order_by(AuditEvent.id.desc()), per_page=50)
    return render_template("audit/index.html", page=page, entity=entity, entity_id=entity_id)
