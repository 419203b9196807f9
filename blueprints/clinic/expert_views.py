"""The desk keeps the pool of experts: who they are, what they know, whom they work
for, whom they must not advise, and whether they take new cases."""
from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from blueprints.audit.models import record_change, snapshot
from blueprints.auth.models import User
from blueprints.clinic.forms import ExpertForm, ics_choices
from blueprints.clinic.models import EXPERT_ROLES, Expert, ExpertConflict
from blueprints.clinic.queries import pool
from blueprints.clinic.views import bp
from blueprints.enterprises.models import Enterprise
from blueprints.labs.models import Lab
from core.forms import render_form
from core.i18n import gettext as _
from core.permissions import get_allowed_or_404, roles_required
from core.roles import Role
from core.timeutil import local_today
from extensions import db

FIELDS = ["user_id", "title", "employer_lab_id", "employer_enterprise_id", "employer_name",
          "chains", "ics_fields", "skills", "profile", "available", "away_until",
          "max_open_cases"]


@bp.route("/experts")
@roles_required(Role.admin)
def experts():
    return render_template("clinic/experts.html", experts=pool(), today=local_today())


def _accounts(expert: Expert | None) -> list[tuple[int, str]]:
    """Accounts that may be experts: lab staff and outside specialists with no profile
    yet (and the expert's own)."""
    taken = select(Expert.user_id)
    if expert is not None:
        taken = taken.where(Expert.id != expert.id)
    users = db.session.scalars(select(User).where(
        User.role.in_(EXPERT_ROLES), User.active, User.id.not_in(taken))
        .order_by(User.role, User.name)).all()
    return [(u.id, f"{u.name} · {u.login_name}") for u in users]


def _codes(text: str) -> tuple[list[Enterprise], list[str]]:
    """The enterprises named by credit code, one per line, and the codes the desk does
    not know."""
    codes = [c.strip().upper() for c in text.replace("，", "\n").replace(",", "\n").splitlines()
             if c.strip()]
    found = {e.uscc: e for e in db.session.scalars(select(Enterprise).where(
        Enterprise.uscc.in_(codes or [""])))}
    return [found[c] for c in dict.fromkeys(codes) if c in found], \
        [c for c in codes if c not in found]


@bp.route("/experts/new", methods=["GET", "POST"])
@bp.route("/experts/<int:expert_id>/edit", methods=["GET", "POST"])
@roles_required(Role.admin)
def edit_expert(expert_id: int | None = None):
    expert = get_allowed_or_404(Expert, expert_id, "edit") if expert_id else None
    form = ExpertForm(obj=expert)
    form.user_id.choices = _accounts(expert)
    form.employer_lab_id.choices = [(0, _("None"))] + [
        (lab.id, lab.name_zh) for lab in db.session.scalars(select(Lab).order_by(Lab.code))]
    form.ics_fields.choices = ics_choices()
    if not form.is_submitted() and expert is not None:
        form.employer_uscc.data = expert.employer_enterprise.uscc \
            if expert.employer_enterprise else ""
        form.conflicts.data = "\n".join(c.enterprise.uscc for c in expert.conflicts)
        form.employer_lab_id.data = expert.employer_lab_id or 0
    refused = False
    if form.validate_on_submit() and form.check_version(expert):
        employer, unknown = _codes(form.employer_uscc.data)
        conflicts, unknown_conflicts = _codes(form.conflicts.data)
        if unknown:
            form.employer_uscc.errors = [_("No enterprise on the desk has this credit code.")]
        if unknown_conflicts:
            form.conflicts.errors = [_("No enterprise on the desk has these credit codes: "
                                       "%(codes)s", codes="、".join(unknown_conflicts))]
        if unknown or unknown_conflicts:
            refused = True
        else:
            _save(expert, form, employer[0] if employer else None, conflicts)
            db.session.commit()
            flash(_("Expert saved."), "success")
            return redirect(url_for("clinic.experts"))
    return render_form("clinic/edit_expert.html", form, refused, expert=expert)


def _save(expert: Expert | None, form: ExpertForm, employer: Enterprise | None,
          conflicts: list[Enterprise]) -> Expert:
    before = {**snapshot(expert, FIELDS), "conflicts": str(sorted(
        c.enterprise_id for c in expert.conflicts))} if expert else None
    if expert is None:
        expert = Expert()
        db.session.add(expert)
    expert.user_id, expert.title = form.user_id.data, form.title.data
    expert.employer_lab_id = form.employer_lab_id.data or None
    expert.employer_enterprise_id = employer.id if employer else None
    expert.employer_name = form.employer_name.data
    expert.chains, expert.ics_fields = form.chains.data or [], form.ics_fields.data or []
    expert.skills, expert.profile = form.skills.data or [], form.profile.data
    expert.available, expert.away_until = form.available.data, form.away_until.data
    expert.max_open_cases = form.max_open_cases.data
    wanted = {e.id for e in conflicts}
    expert.conflicts = [c for c in expert.conflicts if c.enterprise_id in wanted] + [
        ExpertConflict(enterprise_id=i) for i in sorted(wanted - {
            c.enterprise_id for c in expert.conflicts})]
    db.session.flush()
    record_change(current_user, expert, "expert_saved", FIELDS, before,
                  after={**snapshot(expert, FIELDS), "conflicts": str(sorted(wanted))})
    return expert
