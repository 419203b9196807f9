from decimal import Decimal

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from wtforms import SelectChoice

from blueprints.audit.models import record_change, snapshot
from blueprints.auth.models import User
from blueprints.catalogue.models import Capability, Service
from blueprints.labs.forms import CapabilityForm, LabForm
from blueprints.labs.labels import GAP_LABELS, REFUSAL_LABELS
from blueprints.labs.models import Lab
from core.forms import render_form, yuan_to_cents
from core.i18n import gettext as _
from core.i18n import localized
from core.permissions import get_allowed_or_404, roles_required
from core.roles import LAB_ROLES, Role
from core.templating import expose
from extensions import db

bp = Blueprint("labs", __name__)


def lab_name(code: str) -> str:
    """A lab's name in the reader's language, from its code (the routing record keeps
    codes): people read names, not codes. All labs are read once per request."""
    if "lab_names" not in g:
        g.lab_names = {lab.code: lab for lab in db.session.scalars(db.select(Lab))}
    lab = g.lab_names.get(code)
    return localized(lab, "name") if lab else code


expose(bp, REFUSAL_LABELS=REFUSAL_LABELS, GAP_LABELS=GAP_LABELS, lab_name=lab_name)

LAB_FIELDS = ["code", "name_zh", "name_en", "cma_number", "cnas_number", "address", "phone",
              "opening_hours", "description_zh", "description_en", "daily_capacity", "is_active"]
CAPABILITY_FIELDS = ["service_id", "price_cents", "turnaround_days", "daily_capacity",
                     "cma_accredited", "cnas_accredited", "traceability", "is_active"]


def _capabilities_of(lab_id: int, only_active: bool):
    stmt = (db.select(Capability).options(joinedload(Capability.service)
                                          .selectinload(Service.method_links))
            .join(Capability.service).where(Capability.lab_id == lab_id)
            .order_by(Service.kind, Service.code))
    if only_active:
        stmt = stmt.where(Capability.is_active, Service.is_active)
    return db.session.scalars(stmt).all()


@bp.route("/labs")
def index():
    service_counts = (db.select(Capability.lab_id, func.count().label("n"))
                      .where(Capability.is_active).group_by(Capability.lab_id).subquery())
    rows = db.session.execute(
        db.select(Lab, func.coalesce(service_counts.c.n, 0))
        .outerjoin(service_counts, service_counts.c.lab_id == Lab.id)
        .where(Lab.is_active).order_by(Lab.code)).all()
    return render_template("labs/index.html", rows=rows)


@bp.route("/labs/<code>")
def detail(code: str):
    lab = db.session.scalar(db.select(Lab).filter_by(code=code.upper()))
    if lab is None or not (lab.is_active or lab.allows(current_user, "edit")):
        abort(404)
    return render_template("labs/detail.html", lab=lab,
                           capabilities=_capabilities_of(lab.id, only_active=True))


@bp.route("/lab")
@roles_required(*LAB_ROLES)
def desk():
    """The lab's own space: its scope and its people (the queue arrives with requests)."""
    if current_user.lab_id is None:
        return render_template("labs/no_lab.html")
    lab = get_allowed_or_404(Lab, current_user.lab_id, "work")
    staff = db.session.scalars(db.select(User).filter_by(lab_id=lab.id, active=True)
                               .order_by(User.role, User.name)).all()
    return render_template("labs/desk.html", lab=lab, staff=staff,
                           capabilities=_capabilities_of(lab.id, only_active=False))


# --- platform admin ------------------------------------------------------------------

@bp.route("/admin/labs")
@roles_required(Role.admin)
def admin_index():
    labs = db.session.scalars(db.select(Lab).order_by(Lab.code)).all()
    return render_template("labs/admin_index.html", labs=labs)


@bp.route("/admin/labs/new", methods=["GET", "POST"])
@bp.route("/admin/labs/<int:lab_id>/edit", methods=["GET", "POST"])
@roles_required(Role.admin)
def edit(lab_id: int | None = None):
    lab = get_allowed_or_404(Lab, lab_id, "edit") if lab_id else None
    form = LabForm(obj=lab)
    if form.validate_on_submit() and form.check_version(lab):
        taken = db.session.scalar(db.select(Lab.id).filter_by(code=form.code.data))
        if taken and (lab is None or taken != lab.id):
            form.code.errors.append(_("Another lab has this code."))
        else:
            before = snapshot(lab, LAB_FIELDS) if lab else None
            lab = lab or Lab()
            for f in LAB_FIELDS:
                setattr(lab, f, getattr(form, f).data)
            db.session.add(lab)
            record_change(current_user, lab, "edited" if before else "created", LAB_FIELDS, before)
            db.session.commit()
            flash(_("Lab saved."), "success")
            return redirect(url_for("labs.admin_capabilities", lab_id=lab.id))
    return render_form("labs/edit.html", form, lab=lab)


@bp.route("/admin/labs/<int:lab_id>/capabilities")
@roles_required(Role.admin)
def admin_capabilities(lab_id: int):
    lab = get_allowed_or_404(Lab, lab_id, "edit")
    return render_template("labs/admin_capabilities.html", lab=lab,
                           capabilities=_capabilities_of(lab.id, only_active=False))


def _service_choices(lab: Lab, keep: int | None):
    offered = {c.service_id for c in lab.capabilities} - {keep}
    services = db.session.scalars(db.select(Service).order_by(Service.code)).all()
    return [SelectChoice(s.id, f"{s.code} · {localized(s, 'name')} ({s.method_standard})")
            for s in services if s.id not in offered]


@bp.route("/admin/labs/<int:lab_id>/capabilities/new", methods=["GET", "POST"])
@bp.route("/admin/labs/<int:lab_id>/capabilities/<int:capability_id>", methods=["GET", "POST"])
@roles_required(Role.admin)
def edit_capability(lab_id: int, capability_id: int | None = None):
    lab = get_allowed_or_404(Lab, lab_id, "edit")
    cap = None
    if capability_id is not None:
        cap = db.session.get(Capability, capability_id)
        if cap is None or cap.lab_id != lab.id:
            abort(404)
    form = CapabilityForm(obj=cap)
    form.service_id.choices = _service_choices(lab, cap.service_id if cap else None)
    if cap is not None and not form.is_submitted():
        form.price.data = Decimal(cap.price_cents) / 100
    if form.validate_on_submit() and form.check_version(cap):
        before = snapshot(cap, CAPABILITY_FIELDS) if cap else None
        cap = cap or Capability(lab=lab)
        for f in CAPABILITY_FIELDS:
            if f != "price_cents":
                setattr(cap, f, getattr(form, f).data)
        cap.price_cents = yuan_to_cents(form.price.data)
        db.session.add(cap)
        try:
            record_change(current_user, cap, "edited" if before else "created",
                          CAPABILITY_FIELDS, before)
        except IntegrityError:
            db.session.rollback()
            flash(_("This lab already offers that service."), "error")
            return redirect(url_for("labs.admin_capabilities", lab_id=lab.id))
        db.session.commit()
        flash(_("Scope saved."), "success")
        return redirect(url_for("labs.admin_capabilities", lab_id=lab.id))
    return render_form("labs/edit_capability.html", form, lab=lab, cap=cap)
