from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from blueprints.audit.models import record_change, snapshot
from blueprints.catalogue.forms import ServiceForm
from blueprints.catalogue.kinds import IndustryChain
from blueprints.catalogue.labels import INDUSTRY_LABELS, LIMIT_LABELS, SERVICE_KIND_LABELS
from blueprints.catalogue.models import Capability, Service, ServiceIndustry, ServiceParameter
from blueprints.catalogue.search import CatalogueFilter, catalogue_query
from core.forms import render_form, yuan_to_cents
from core.i18n import gettext as _
from core.pagination import paginate
from core.permissions import get_allowed_or_404, roles_required
from core.roles import Role
from core.templating import expose
from core.timeutil import utcnow
from extensions import db

bp = Blueprint("catalogue", __name__)
expose(bp, SERVICE_KIND_LABELS=SERVICE_KIND_LABELS, INDUSTRY_LABELS=INDUSTRY_LABELS,
       LIMIT_LABELS=LIMIT_LABELS)

SERVICE_FIELDS = ["code", "kind", "name_zh", "name_en", "method_standard", "description_zh",
                  "description_en", "sample_requirements_zh", "sample_requirements_en",
                  "turnaround_days", "is_active"]
AUDITED_FIELDS = SERVICE_FIELDS + ["price_cents"]
PARAMETER_FIELDS = ["name_zh", "name_en", "unit", "limit_kind", "limit_min", "limit_max",
                    "limit_text", "has_uncertainty", "detection_limit", "grade_scale"]


def _is_admin() -> bool:
    return current_user.is_authenticated and current_user.role == Role.admin


@bp.route("/services")
def index():
    f = CatalogueFilter.from_args(request.args, include_inactive=_is_admin())
    # Industries and offering labs come in two more queries for the whole page.
    page = paginate(catalogue_query(f).options(
        selectinload(Service.industries),
        selectinload(Service.capabilities).joinedload(Capability.lab)))
    return render_template("catalogue/index.html", page=page, f=f)


@bp.route("/services/<code>")
def detail(code: str):
    service = db.session.scalar(
        db.select(Service).filter_by(code=code.upper())
        .options(selectinload(Service.parameters), selectinload(Service.industries)))
    if service is None or not (service.is_active or _is_admin()):
        abort(404)
    offers = db.session.scalars(
        db.select(Capability).options(joinedload(Capability.lab))
        .where(Capability.service_id == service.id, Capability.is_active,
               Capability.lab.has(is_active=True))
        .order_by(Capability.turnaround_days, Capability.price_cents)).all()
    return render_template("catalogue/detail.html", service=service, offers=offers)


def _snapshot(service: Service) -> dict:
    """What the audit log keeps of a service: its fields, chains and parameters."""
    data = snapshot(service, AUDITED_FIELDS)
    data["industries"] = sorted(c.value for c in service.chains)
    data["parameters"] = [snapshot(p, PARAMETER_FIELDS) for p in service.parameters]
    return data


def _apply(form: ServiceForm, service: Service) -> None:
    # Always touch the row, so its version moves even when only parameters or
    # chains change (they live in other tables) and a stale form is caught.
    service.updated_at = utcnow()
    for f in SERVICE_FIELDS:
        setattr(service, f, getattr(form, f).data)
    service.price_cents = yuan_to_cents(form.price.data)
    service.industries = [ServiceIndustry(chain=IndustryChain(c)) for c in form.industries.data]
    rows = [row for row in form.parameters if not row.form.is_blank]
    # Parameters are rewritten as a whole: flush the removals first, so the new rows'
    # (service, position) never collide with the old ones.
    service.parameters = []
    db.session.flush()
    for position, row in enumerate(rows, start=1):
        p = ServiceParameter(position=position)
        for f in PARAMETER_FIELDS:
            setattr(p, f, getattr(row.form, f).data)
        service.parameters.append(p)


@bp.route("/admin/services/new", methods=["GET", "POST"])
@bp.route("/admin/services/<int:service_id>/edit", methods=["GET", "POST"])
@roles_required(Role.admin)
def edit(service_id: int | None = None):
    service = get_allowed_or_404(Service, service_id, "edit") if service_id else None
    form = ServiceForm(obj=service)
    if not form.is_submitted():
        if service is not None:
            form.price.data = Decimal(service.price_cents) / 100
            form.industries.data = [c.value for c in service.chains]
        # Three empty rows to add parameters without any script.
        for _i in range(3):
            form.parameters.append_entry()
    if form.validate_on_submit() and form.check_version(service):
        taken = db.session.scalar(db.select(Service.id).filter_by(code=form.code.data))
        if taken and (service is None or taken != service.id):
            form.code.errors.append(_("Another service has this code."))
        else:
            before = _snapshot(service) if service else None
            service = service or Service()
            db.session.add(service)
            _apply(form, service)
            db.session.flush()
            record_change(current_user, service, "edited" if before else "created",
                          AUDITED_FIELDS, before, after=_snapshot(service))
            db.session.commit()
            flash(_("Service saved."), "success")
            return redirect(url_for("catalogue.detail", code=service.code))
    return render_form("catalogue/edit.html", form, service=service)
