"""A lab's authorised signatories (授权签字人): the manager names them with their scope,
changes the scope and revokes them; the lab's staff see who signs what."""
from flask import abort, flash, redirect, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, load_only
from wtforms import SelectChoice

from blueprints.auth.models import User
from blueprints.labs.forms import SignatoryForm
from blueprints.labs.models import Signatory
from blueprints.labs.views import bp
from core.forms import Form, render_form
from core.i18n import gettext as _
from core.permissions import get_allowed_or_404, own_lab_id, roles_required
from core.roles import LAB_ROLES, Role
from core.timeutil import local_today
from extensions import db


def _signatories(lab_id: int) -> list[Signatory]:
    return db.session.scalars(
        select(Signatory).where(Signatory.lab_id == lab_id)
        .options(joinedload(Signatory.user).load_only(User.name, User.role, User.job_title,
                                                      User.signature_png))
        .order_by(Signatory.revoked_at.is_not(None), Signatory.since)).all()


def _staff_choices(lab_id: int, named: list[Signatory]) -> list[SelectChoice]:
    """The lab's active staff who are not signatories now."""
    taken = {s.user_id for s in named if s.is_active}
    staff = db.session.scalars(
        select(User).where(User.lab_id == lab_id, User.active, User.role.in_(LAB_ROLES))
        .options(load_only(User.name, User.role)).order_by(User.name)).all()
    return [SelectChoice(u.id, u.name) for u in staff if u.id not in taken]


@bp.route("/lab/signatories", methods=["GET", "POST"])
@roles_required(*LAB_ROLES)
def signatories():
    lab_id = own_lab_id()
    named = _signatories(lab_id)
    form = SignatoryForm()
    form.user_id.choices = _staff_choices(lab_id, named)
    if form.since.data is None and not form.is_submitted():
        form.since.data = local_today()
    may_edit = current_user.role == Role.lab_manager
    if form.is_submitted() and not may_edit:
        abort(403)
    if form.validate_on_submit():
        user = db.session.get(User, form.user_id.data)
        Signatory.name(lab_id, user, current_user, form.kinds.data, form.scope.data.strip(),
                       form.since.data)
        db.session.commit()
        flash(_("%(name)s is now an authorised signatory of the lab.", name=user.name), "success")
        return redirect(url_for("labs.signatories"))
    return render_form("labs/signatories.html", form, signatories=named, may_edit=may_edit,
                       action_form=Form())


@bp.route("/lab/signatories/<int:signatory_id>", methods=["GET", "POST"])
@roles_required(Role.lab_manager)
def edit_signatory(signatory_id: int):
    sig = get_allowed_or_404(Signatory, signatory_id, "edit")
    form = SignatoryForm(obj=sig)
    del form.user_id, form.since
    if not form.is_submitted():
        form.kinds.data = sorted(sig.kind_set)
    if form.validate_on_submit() and form.check_version(sig):
        sig.change(current_user, form.kinds.data, form.scope.data.strip())
        db.session.commit()
        flash(_("The authorisation of %(name)s is saved.", name=sig.user.name), "success")
        return redirect(url_for("labs.signatories"))
    return render_form("labs/signatory_edit.html", form, sig=sig, action_form=Form())


@bp.route("/lab/signatories/<int:signatory_id>/revoke", methods=["POST"])
@roles_required(Role.lab_manager)
def revoke_signatory(signatory_id: int):
    sig = get_allowed_or_404(Signatory, signatory_id, "edit")
    if Form().validate_on_submit() and sig.is_active:
        sig.revoke(current_user)
        db.session.commit()
        flash(_("%(name)s no longer signs for the lab; reports already signed keep their "
                "signature.", name=sig.user.name), "success")
    return redirect(url_for("labs.signatories"))
