"""The public look-up of standards (no sign-in): search with facets, a page per
standard with its status, history and the county's services and labs that test to it;
enterprises follow standards from here, administrators record a withdrawal."""
from dataclasses import replace

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from blueprints.audit.models import record_change, record_event, snapshot
from blueprints.catalogue.forms import StandardStatusForm
from blueprints.catalogue.method_links import unread_services
from blueprints.catalogue.models import Capability, Service, ServiceStandard
from blueprints.catalogue.standard_watch import STATUS_FIELDS
from blueprints.catalogue.views import bp
from blueprints.standards import ics
from blueprints.standards.labels import ADOPTION_LABELS, STANDARD_STATUS_LABELS
from blueprints.standards.lookup import LookupFilter, facets, look_up, lookup_query, marks
from blueprints.standards.models import Standard, StandardFollow, StandardStatus
from blueprints.standards.references import parse_one
from blueprints.standards.search import loosens
from core.forms import Form, render_form
from core.i18n import gettext as _
from core.pagination import paginate
from core.permissions import roles_required
from core.roles import Role
from core.templating import expose
from extensions import db, limiter

expose(bp, STANDARD_STATUS_LABELS=STANDARD_STATUS_LABELS, ADOPTION_LABELS=ADOPTION_LABELS,
       ics_title=ics.title, marks=marks)

@bp.route("/standards/")
@limiter.limit("60 per minute")
def standards():
    f = LookupFilter.from_args(request.args)
    page, counts = None, None
    if f.narrowed:
        page, counts = _results(f)
        if not page.total and f.q and loosens(f.q):
            f = replace(f, loose=True)
            page, counts = _results(f)
    return render_template("catalogue/standards.html", f=f, page=page, counts=counts,
                           fields=ics.fields())


def _results(f: LookupFilter):
    """Words: matches counted once by their facets, the page ranked (two statements);
    filters alone: paged and counted by the database."""
    if f.q:
        return look_up(f, request.args.get("page", 1, type=int) or 1)
    return paginate(lookup_query(f), per_page=20), facets(f)


def _standard(standard_id: int) -> Standard:
    standard = db.session.scalar(select(Standard).where(Standard.id == standard_id)
                                 .options(joinedload(Standard.replaced_by)))
    if standard is None:
        abort(404)
    return standard


def _following(standard: Standard) -> bool | None:
    """Whether the signed-in enterprise follows it; None for anyone who cannot."""
    if not (current_user.is_authenticated and current_user.role == Role.sme
            and current_user.enterprise_id):
        return None
    return db.session.scalar(select(StandardFollow.id).where(
        StandardFollow.enterprise_id == current_user.enterprise_id,
        StandardFollow.standard_id == standard.id)) is not None


@bp.route("/standards/<int:standard_id>")
@limiter.limit("60 per minute")
def standard(standard_id: int):
    standard = _standard(standard_id)
    editions = db.session.scalars(select(Standard).where(Standard.key == standard.key)
                                  .order_by(Standard.year.desc().nulls_last())).all()
    replaces = db.session.scalars(select(Standard).where(Standard.replaced_by_id == standard.id)
                                  .order_by(Standard.code)).all()
    # The county's active services whose method cites this edition, with the labs that
    # hold them in their accredited scope.
    services = db.session.scalars(
        select(Service).join(ServiceStandard).where(ServiceStandard.standard_id == standard.id,
                                                    Service.is_active)
        .options(selectinload(Service.capabilities).joinedload(Capability.lab))
        .order_by(Service.code).distinct()).all()
    form = StandardStatusForm(status_was=standard.status.value) \
        if standard.can_change_status(current_user) else None
    return render_template("catalogue/standard.html", standard=standard, editions=editions,
                           replaces=replaces, services=services, following=_following(standard),
                           follow_form=Form(), status_form=form)


@bp.route("/standards/<int:standard_id>/follow", methods=["POST"])
@roles_required(Role.sme)
def follow_standard(standard_id: int):
    standard = _standard(standard_id)
    if not current_user.enterprise_id or not Form().validate_on_submit():
        abort(400)
    existing = db.session.scalar(select(StandardFollow).where(
        StandardFollow.enterprise_id == current_user.enterprise_id,
        StandardFollow.standard_id == standard.id))
    record_event(current_user, "standards", standard.id,
                 "unfollowed" if existing else "followed",
                 after={"enterprise_id": current_user.enterprise_id})
    if existing:
        db.session.delete(existing)
        flash(_("You no longer follow %(code)s.", code=standard.code), "success")
    else:
        db.session.add(StandardFollow(enterprise_id=current_user.enterprise_id,
                                      standard_id=standard.id, status_seen=standard.status))
        flash(_("You follow %(code)s: you are told when its status changes.",
                code=standard.code), "success")
    db.session.commit()
    return redirect(url_for("catalogue.standard", standard_id=standard.id))


@bp.route("/standards/<int:standard_id>/status", methods=["POST"])
@roles_required(Role.admin)
def change_standard_status(standard_id: int):
    standard = _standard(standard_id)
    form = StandardStatusForm()
    if form.validate_on_submit():
        if form.status_was.data != standard.status.value:
            form.stale = True
            form.status_was.data = standard.status.value
            form.form_errors.append(_("Someone changed this standard's status meanwhile; "
                                      "it is now: %(status)s. Check, then save again.",
                                      status=STANDARD_STATUS_LABELS[standard.status]))
            return render_form("catalogue/standard_status.html", form, standard=standard)
        before = snapshot(standard, STATUS_FIELDS)
        if form.status.data == StandardStatus.current:
            standard.reinstate()
        elif form.status.data == StandardStatus.withdrawn:
            standard.withdraw(form.on.data)
        else:
            successor = db.session.scalar(select(Standard).where(
                Standard.code == str(parse_one(form.successor.data))))
            if successor is None or successor.id == standard.id:
                form.successor.errors.append(
                    _("This standard is not in the catalogue: import it first."))
            else:
                standard.replace_with(successor, form.on.data)
        if not form.errors:
            record_change(current_user, standard, "status_changed", STATUS_FIELDS, before)
            db.session.commit()
            flash(_("%(code)s is now: %(status)s.", code=standard.code,
                    status=STANDARD_STATUS_LABELS[standard.status]), "success")
            return redirect(url_for("catalogue.standard", standard_id=standard.id))
        db.session.rollback()
    return render_form("catalogue/standard_status.html", form, standard=standard,
                       refused=True)


@bp.route("/admin/services/unread-methods")
@roles_required(Role.admin)
def unread_methods():
    return render_template("catalogue/unread_methods.html", services=unread_services())
