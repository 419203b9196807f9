from dataclasses import replace
from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from blueprints.audit.models import record_change, snapshot
from blueprints.catalogue.forms import ServiceForm
from blueprints.catalogue.kinds import IndustryChain
from blueprints.catalogue.labels import INDUSTRY_LABELS, LIMIT_LABELS, SERVICE_KIND_LABELS
from blueprints.catalogue.method_links import link_services
from blueprints.catalogue.models import Capability, ParametersInUse, Service, ServiceIndustry
from blueprints.catalogue.search import CatalogueFilter, catalogue_query
from blueprints.standards.search import loosens
from core.converters import MAX_ID
from core.forms import render_form, yuan_to_cents
from core.i18n import gettext as _
from core.i18n import localized
from core.pagination import paginate
from core.permissions import get_allowed_or_404, roles_required
from core.roles import Role
from core.signals import collect, parameters_in_use
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
    options = (selectinload(Service.industries),
               selectinload(Service.capabilities).joinedload(Capability.lab))
    page = paginate(catalogue_query(f).options(*options))
    if not page.total and f.q and loosens(f.q):
        f = replace(f, loose=True)
        page = paginate(catalogue_query(f).options(*options))
    return render_template("catalogue/index.html", page=page, f=f)


@bp.route("/services/<code>")
def detail(code: str):
    service = db.session.scalar(
        db.select(Service).filter_by(code=code.upper())
        .options(selectinload(Service.parameters), selectinload(Service.industries),
                 selectinload(Service.method_links)))
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
    """Save the form into the service; raises ParametersInUse (the caller rolls back)."""
    # Always touch the row, so its version moves even when only parameters or
    # chains change (they live in other tables) and a stale form is caught.
    service.updated_at = utcnow()
    for f in SERVICE_FIELDS:
        setattr(service, f, getattr(form, f).data)
    service.price_cents = yuan_to_cents(form.price.data)
    service.industries = [ServiceIndustry(chain=IndustryChain(c)) for c in form.industries.data]
    rows = [row.form for row in form.parameters if not row.form.is_blank]
    in_use = collect(parameters_in_use, parameter_ids=[p.id for p in service.parameters]
                     ).get("in_use", set()) if service.id else set()
    # A row's parameter is one of this service's, or the row is a new one.
    service.update_parameters([(_row_parameter(row), {f: getattr(row, f).data
                                                      for f in PARAMETER_FIELDS})
                               for row in rows], in_use)


def _row_parameter(row) -> int | None:
    raw = (row.parameter_id.data or "").strip()
    return int(raw) if raw.isdigit() and int(raw) <= MAX_ID else None


def _refuse_changes(form: ServiceForm, err: ParametersInUse) -> None:
    rows = [row.form for row in form.parameters if not row.form.is_blank]
    for n, fields in err.changed.items():
        rows[n].name_zh.errors.append(_(
            "Results have been recorded against this parameter, so its %(fields)s stay as "
            "they were. Add a new parameter for the new way of testing.",
            fields="、".join(str(rows[n][f].label.text) for f in fields)))
    for p in err.removed:
        form.form_errors.append(_(
            "%(name)s has recorded results and cannot be removed. To stop offering it, "
            "take the service out of the catalogue or make a new service.",
            name=localized(p, "name")))


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
            for row, parameter in zip(form.parameters, service.parameters, strict=False):
                row.form.parameter_id.data = str(parameter.id)
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
            try:
                _apply(form, service)
            except ParametersInUse as err:
                db.session.rollback()
                _refuse_changes(form, err)
                return render_form("catalogue/edit.html", form, refused=True,
                                   service=service if service.id else None)
            link_services([service])
            db.session.flush()
            record_change(current_user, service, "edited" if before else "created",
                          AUDITED_FIELDS, before, after=_snapshot(service))
            db.session.commit()
            flash(_("Service saved."), "success")
            if service.method_unread:
                flash(_("Not found in the standards catalogue: %(refs)s. The method is "
                        "kept as written; import the standard or correct the number.",
                        refs=service.method_unread), "warning")
            return redirect(url_for("catalogue.detail", code=service.code))
    return render_form("catalogue/edit.html", form, service=service)
