from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_
from sqlalchemy.orm import joinedload
from wtforms import SelectChoice

from blueprints.admin.forms import STAFF_ROLES, StaffAccountForm
from blueprints.admin.labels import JOB_NAMES, job_summary, mail_problem
from blueprints.audit.models import record_change, record_event, snapshot
from blueprints.auth.models import User
from blueprints.catalogue.models import Service
from blueprints.enterprises.models import Enterprise, EnterpriseStatus
from blueprints.labs.models import Lab
from blueprints.notifications.mail import MailState, OutgoingMail
from core.forms import Form, render_form
from core.i18n import gettext as _
from core.i18n import localized
from core.job_state import JobState
from core.like import ESCAPE, contains
from core.pagination import paginate
from core.permissions import get_allowed_or_404, roles_required
from core.roles import LAB_ROLES, Role
from core.templating import expose
from core.timeutil import utcnow
from extensions import db

bp = Blueprint("admin", __name__)
expose(bp, JOB_NAMES=JOB_NAMES, job_summary=job_summary, mail_problem=mail_problem)

USER_FIELDS = ["name", "email", "role", "lab_id", "job_title", "active"]


@bp.route("/")
@roles_required(Role.admin)
def dashboard():
    def count(stmt):
        return db.session.scalar(stmt)
    figures = {
        "pending": count(db.select(func.count()).select_from(Enterprise)
                         .where(Enterprise.status == EnterpriseStatus.pending)),
        "enterprises": count(db.select(func.count()).select_from(Enterprise)),
        "labs": count(db.select(func.count()).select_from(Lab)),
        "services": count(db.select(func.count()).select_from(Service)),
        "users": count(db.select(func.count()).select_from(User)),
    }
    return render_template("admin/dashboard.html", figures=figures)


@bp.route("/users")
@roles_required(Role.admin)
def users():
    role = request.args.get("role", "")
    q = (request.args.get("q") or "").strip()
    stmt = db.select(User).options(joinedload(User.lab), joinedload(User.enterprise))
    if role in Role.__members__:
        stmt = stmt.where(User.role == Role(role))
    if q:
        like = contains(q)
        stmt = stmt.where(or_(User.name.ilike(like, escape=ESCAPE),
                              User.email.ilike(like, escape=ESCAPE),
                              User.phone.ilike(like, escape=ESCAPE)))
    page = paginate(stmt.order_by(User.id.desc()))
    return render_template("admin/users.html", page=page, role=role, q=q)


@bp.route("/users/new", methods=["GET", "POST"])
@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@roles_required(Role.admin)
def edit_user(user_id: int | None = None):
    user = get_allowed_or_404(User, user_id, "edit") if user_id else None
    if user is not None and user.role not in STAFF_ROLES:
        abort(404)  # enterprise and citizen accounts are their owners' to manage
    form = StaffAccountForm(obj=user)
    form.lab_id.choices = [SelectChoice(0, "—")] + [
        SelectChoice(lab.id, f"{lab.code} · {localized(lab, 'name')}")
        for lab in db.session.scalars(db.select(Lab).order_by(Lab.code))]
    if form.validate_on_submit() and form.check_version(user):
        taken = db.session.scalar(db.select(User.id).filter_by(email=form.email.data))
        if taken and (user is None or taken != user.id):
            form.email.errors.append(_("Another account uses this e-mail."))
        elif user is None and not form.password.data:
            form.password.errors.append(_("Set an initial password for the new account."))
        elif user is not None and user.id == current_user.id and (
                form.role.data != Role.admin or not form.active.data):
            form.role.errors.append(_("You cannot take away your own administrator access."))
        else:
            before = snapshot(user, USER_FIELDS) if user else None
            user = user or User()
            user.name = form.name.data.strip()
            user.email = form.email.data
            user.role = form.role.data
            user.lab_id = form.lab_id.data if user.role in LAB_ROLES and form.lab_id.data else None
            user.job_title = form.job_title.data.strip()
            user.active = form.active.data
            if form.password.data:
                user.set_password(form.password.data)
            db.session.add(user)
            record_change(current_user, user, "edited" if before else "created", USER_FIELDS, before)
            if before is not None and form.password.data:
                record_event(current_user, "users", user.id, "password_reset")
            db.session.commit()
            flash(_("Account saved."), "success")
            return redirect(url_for("admin.users"))
    if user is not None and not form.is_submitted():
        form.lab_id.data = user.lab_id or 0
    elif user is None and not form.is_submitted() and request.args.get("role") in STAFF_ROLES:
        form.role.data = Role(request.args["role"])
    return render_form("admin/edit_user.html", form, user=user)


@bp.route("/jobs")
@roles_required(Role.admin)
def jobs():
    """The background jobs, their schedule and their last run."""
    states = {s.job: s for s in db.session.scalars(db.select(JobState))}
    return render_template("admin/jobs.html", jobs=current_app.extensions["qidesk.jobs"],
                           states=states)


@bp.route("/mail")
@roles_required(Role.admin)
def mail():
    """The outbox: what failed (and to whom), what waits, what went."""
    state = request.args.get("state", "failed")
    if state not in MailState.__members__:
        state = "failed"
    page = paginate(db.select(OutgoingMail).where(OutgoingMail.state == MailState(state))
                    .order_by(OutgoingMail.id.desc()))
    return render_template("admin/mail.html", page=page, state=state, form=Form())


@bp.route("/mail/<int:mail_id>/retry", methods=["POST"])
@roles_required(Role.admin)
def retry_mail(mail_id: int):
    outgoing = db.session.get(OutgoingMail, mail_id)
    if outgoing is None:
        abort(404)
    if Form().validate_on_submit() and outgoing.state == MailState.failed:
        outgoing.state, outgoing.attempts, outgoing.next_attempt_at = (
            MailState.pending, 0, utcnow())
        record_event(current_user, "outgoing_mail", outgoing.id, "mail_retried")
        db.session.commit()
        flash(_("The mail is queued again."), "success")
    return redirect(url_for("admin.mail"))
