from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from blueprints.audit.models import record_change, record_event, snapshot
from blueprints.auth import sessions
from blueprints.auth.models import User
from blueprints.enterprises import uscc
from blueprints.enterprises.forms import (
    AcceptInvitationForm,
    AdminEnterpriseForm,
    EnterpriseEditForm,
    EnterpriseRegistrationForm,
    InviteForm,
    uscc_message,
)
from blueprints.enterprises.labels import (
    AUTHORITY_TYPE_LABELS,
    ENTERPRISE_SIZE_LABELS,
    ENTERPRISE_STATUS_LABELS,
)
from blueprints.enterprises.licence import kept_name, received
from blueprints.enterprises.models import (
    Enterprise,
    EnterpriseStateError,
    EnterpriseStatus,
    Invitation,
)
from blueprints.standards.models import StandardFollow
from core import storage
from core.forms import ConfirmForm, ReasonForm, VersionedForm, render_form
from core.i18n import gettext as _
from core.like import ESCAPE, contains
from core.links import public_url
from core.pagination import paginate
from core.permissions import get_allowed_or_404, roles_required
from core.roles import Role
from core.templating import expose
from core.timeutil import utcnow
from extensions import db, limiter

bp = Blueprint("enterprises", __name__)
expose(bp, ENTERPRISE_STATUS_LABELS=ENTERPRISE_STATUS_LABELS,
       ENTERPRISE_SIZE_LABELS=ENTERPRISE_SIZE_LABELS, kept_licence=kept_name)

PROFILE_FIELDS = ["name", "legal_representative", "address", "industry_chain", "size",
                  "contact_phone"]
DUPLICATE_CODE = lambda: _("This credit code is already registered on the desk. If your "  # noqa: E731
                           "company is registered, ask a colleague who has an account to invite you.")


def _email_taken(email: str) -> bool:
    return db.session.scalar(db.select(User.id).filter_by(email=email.lower())) is not None


def _code_taken(code: str) -> bool:
    return db.session.scalar(db.select(Enterprise.id).filter_by(uscc=code)) is not None


@bp.route("/enterprises/register", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGNUP_RATE_LIMIT"], methods=["POST"])
def register():
    if current_user.is_authenticated:
        flash(_("You are already signed in. Sign out first to register another enterprise."), "info")
        return redirect(url_for("public.home"))
    form = EnterpriseRegistrationForm()
    ok = form.validate_on_submit()
    licence = received(form) if form.is_submitted() else None
    if form.is_submitted() and licence is None and not form.licence.errors:
        form.licence.errors.append(_("Upload a photo or scan of the business licence."))
    if ok and licence is not None:
        if _code_taken(form.uscc.data):
            form.uscc.errors.append(DUPLICATE_CODE())
        elif _email_taken(form.email.data):
            form.email.errors.append(_("An account with this e-mail exists. Sign in instead."))
        else:
            ent = Enterprise(uscc=form.uscc.data, status=EnterpriseStatus.pending)
            for f in PROFILE_FIELDS:
                setattr(ent, f, getattr(form, f).data)
            ent.take_licence(*licence, by_admin=False)
            user = User(name=form.contact_name.data.strip(), email=form.email.data.lower(),
                        role=Role.sme, enterprise=ent, is_enterprise_admin=True)
            user.set_password(form.password.data)
            db.session.add_all([ent, user])
            try:
                db.session.flush()
            except IntegrityError:  # a concurrent registration took the code or e-mail
                db.session.rollback()
                form.uscc.errors.append(DUPLICATE_CODE())
                return render_template("enterprises/register.html", form=form), 409
            record_event(user, "enterprises", ent.id, "registered",
                         after=snapshot(ent, ["uscc", "status", "licence_name"] + PROFILE_FIELDS))
            sessions.sign_in(user, user_agent=request.headers.get("User-Agent", ""))
            db.session.commit()
            flash(_("Your enterprise is registered. The desk will verify it, usually within one "
                    "working day; until then you can browse the catalogue."), "success")
            return redirect(url_for("enterprises.detail", enterprise_id=ent.id))
    return render_form("enterprises/register.html", form)


@bp.route("/enterprises/mine")
@roles_required(Role.sme)
def mine():
    if current_user.enterprise_id is None:
        abort(404)
    return redirect(url_for("enterprises.detail", enterprise_id=current_user.enterprise_id))


@bp.route("/enterprises/<int:enterprise_id>")
@login_required
def detail(enterprise_id: int):
    ent = get_allowed_or_404(Enterprise, enterprise_id)
    problem = uscc.problem(ent.uscc)
    follows = db.session.scalars(
        select(StandardFollow).where(StandardFollow.enterprise_id == ent.id)
        .options(joinedload(StandardFollow.standard))
        .order_by(StandardFollow.created_at.desc()).limit(50)).all()
    return render_template("enterprises/detail.html", ent=ent, confirm=ConfirmForm(),
                           follows=follows,
                           reason_form=ReasonForm(), code_parts=uscc.parts(ent.uscc),
                           code_problem=uscc_message(problem) if problem else None,
                           authority=AUTHORITY_TYPE_LABELS.get(ent.uscc[:2]))


@bp.route("/enterprises/<int:enterprise_id>/licence")
@login_required
def licence(enterprise_id: int):
    """The licence as sent, to the enterprise's members and the desk's administrators;
    shown in the page (an image) or opened (a PDF), never run as anything else."""
    ent = get_allowed_or_404(Enterprise, enterprise_id)
    if not ent.has_licence:
        abort(404)
    resp = storage.serve(ent.licence_key, ent.licence_type, ent.licence_name,
                         sha256=ent.licence_sha256, as_attachment=False)
    resp.headers["Content-Security-Policy"] = "sandbox"
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


@bp.route("/enterprises/<int:enterprise_id>/edit", methods=["GET", "POST"])
@login_required
def edit(enterprise_id: int):
    ent = get_allowed_or_404(Enterprise, enterprise_id, "edit")
    form = EnterpriseEditForm(obj=ent)
    ok = form.validate_on_submit()
    licence = received(form) if form.is_submitted() else None
    if ok and not form.licence.errors and form.check_version(ent):
        before = snapshot(ent, PROFILE_FIELDS + ["status", "licence_name"])
        by_admin = current_user.role == Role.admin
        requeued = ent.update_profile({f: getattr(form, f).data for f in PROFILE_FIELDS},
                                      by_admin=by_admin)
        if licence is not None:
            requeued = ent.take_licence(*licence, by_admin=by_admin) or requeued
        record_change(current_user, ent, "profile_edited",
                      PROFILE_FIELDS + ["status", "licence_name"], before)
        db.session.commit()
        if requeued:
            flash(_("Saved. The desk will verify the changed registration again; until then "
                    "new requests wait."), "info")
        else:
            flash(_("Saved."), "success")
        return redirect(url_for("enterprises.detail", enterprise_id=ent.id))
    return render_form("enterprises/edit.html", form, ent=ent)


@bp.route("/enterprises/<int:enterprise_id>/colleagues", methods=["GET", "POST"])
@login_required
def colleagues(enterprise_id: int):
    ent = get_allowed_or_404(Enterprise, enterprise_id)
    form = InviteForm()
    link = None
    if form.validate_on_submit():
        if not ent.allows(current_user, "invite"):
            abort(403)
        if _email_taken(form.email.data):
            form.email.errors.append(_("This e-mail already has an account on the desk."))
        else:
            inv, token = Invitation.issue(ent, form.email.data, current_user)
            db.session.add(inv)
            db.session.flush()
            record_event(current_user, "invitations", inv.id, "invited",
                         after={"enterprise_id": ent.id, "email": inv.email})
            db.session.commit()
            link = public_url("enterprises.accept_invitation", token=token)
            flash(_("Invitation created. Send the link below to your colleague; it works once, "
                    "for 7 days."), "success")
            form = InviteForm(formdata=None)
    invitations = db.session.scalars(
        db.select(Invitation).filter_by(enterprise_id=ent.id, accepted_at=None, revoked_at=None)
        .order_by(Invitation.id.desc())).all()
    return render_form("enterprises/colleagues.html", form, ent=ent, link=link,
                           invitations=invitations, confirm=ConfirmForm())


@bp.route("/enterprises/<int:enterprise_id>/invitations/<int:invitation_id>/revoke",
          methods=["POST"])
@login_required
def revoke_invitation(enterprise_id: int, invitation_id: int):
    ent = get_allowed_or_404(Enterprise, enterprise_id, "invite")
    inv = db.session.get(Invitation, invitation_id)
    if inv is None or inv.enterprise_id != ent.id or not ConfirmForm().validate_on_submit():
        abort(404)
    if inv.revoked_at is None and inv.accepted_at is None:
        inv.revoked_at = utcnow()
        record_event(current_user, "invitations", inv.id, "revoked")
        db.session.commit()
        flash(_("Invitation withdrawn."), "info")
    return redirect(url_for("enterprises.colleagues", enterprise_id=ent.id))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    inv = Invitation.find_open(token)
    if inv is None:
        return render_template("enterprises/invitation_invalid.html"), 404
    if current_user.is_authenticated:
        flash(_("Sign out first: the invitation creates a new account."), "info")
        return redirect(url_for("public.home"))
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        if _email_taken(inv.email):
            flash(_("This e-mail already has an account. Sign in instead."), "error")
            return redirect(url_for("auth.login"))
        user = User(name=form.name.data.strip(), email=inv.email, role=Role.sme,
                    enterprise_id=inv.enterprise_id,
                    # The first user of an enterprise an admin registered becomes its admin.
                    is_enterprise_admin=not inv.enterprise.members)
        user.set_password(form.password.data)
        inv.accepted_at = utcnow()
        db.session.add(user)
        db.session.flush()
        record_event(user, "invitations", inv.id, "accepted", after={"user_id": user.id})
        sessions.sign_in(user, user_agent=request.headers.get("User-Agent", ""))
        db.session.commit()
        flash(_("Welcome to %(name)s on QI Desk.", name=inv.enterprise.name), "success")
        return redirect(url_for("enterprises.detail", enterprise_id=inv.enterprise_id))
    return render_form("enterprises/accept_invitation.html", form, inv=inv)


# --- platform admin: the verification queue -------------------------------------------

@bp.route("/admin/enterprises")
@roles_required(Role.admin)
def queue():
    status = request.args.get("status", "pending")
    q = (request.args.get("q") or "").strip()
    stmt = db.select(Enterprise)
    if status in EnterpriseStatus.__members__:
        stmt = stmt.where(Enterprise.status == EnterpriseStatus(status))
    if q:
        like = contains(q)
        stmt = stmt.where(or_(Enterprise.name.ilike(like, escape=ESCAPE),
                              Enterprise.uscc.ilike(like, escape=ESCAPE)))
    # Oldest first: the queue is worked in the order people asked.
    page = paginate(stmt.order_by(Enterprise.created_at, Enterprise.id))
    counts = dict(db.session.execute(
        db.select(Enterprise.status, func.count()).group_by(Enterprise.status)).all())
    return render_template("enterprises/queue.html", page=page, status=status, q=q,
                           counts=counts)


def _decide(enterprise_id: int, action: str):
    """Verify or reject a registration, from the enterprise's page: the verify form
    carries the version the administrator looked at (its licence, its code), and a
    registration changed since is not verified unseen."""
    ent = get_allowed_or_404(Enterprise, enterprise_id, "verify")
    back = redirect(url_for("enterprises.detail", enterprise_id=ent.id))
    form = ReasonForm() if action == "rejected" else VersionedForm()
    if not form.validate_on_submit():
        flash(_("Give a reason for rejecting the registration."), "error")
        return back
    if action == "verified" and not form.version.data:
        flash(_("Open the enterprise's page, compare its licence with its name and code, "
                "then verify it there."), "error")
        return back
    if action == "verified" and not form.check_version(ent):
        flash(_("The registration changed while you were looking at it. Check it again, "
                "then verify."), "error")
        return back
    before = snapshot(ent, ["status"])
    try:
        if action == "verified":
            ent.verify()
        else:
            ent.reject(form.reason.data.strip())
    except EnterpriseStateError as err:
        flash(_("No business licence is on file. Ask the enterprise to upload it on its "
                "profile page, then verify.") if str(err) == "no licence" else
              _("This enterprise is already: %(status)s.",
                status=ENTERPRISE_STATUS_LABELS[ent.status]), "error")
        return back
    record_change(current_user, ent, action, ["status"], before,
                  reason=getattr(form, "reason", None) and form.reason.data or "")
    db.session.commit()
    flash(_("%(name)s: %(status)s.", name=ent.name, status=ENTERPRISE_STATUS_LABELS[ent.status]), "success")
    return redirect(url_for("enterprises.queue"))


@bp.route("/admin/enterprises/<int:enterprise_id>/verify", methods=["POST"])
@roles_required(Role.admin)
def verify(enterprise_id: int):
    return _decide(enterprise_id, "verified")


@bp.route("/admin/enterprises/<int:enterprise_id>/reject", methods=["POST"])
@roles_required(Role.admin)
def reject(enterprise_id: int):
    return _decide(enterprise_id, "rejected")


@bp.route("/admin/enterprises/new", methods=["GET", "POST"])
@roles_required(Role.admin)
def admin_register():
    form = AdminEnterpriseForm()
    link = None
    ok = form.validate_on_submit()
    licence = received(form) if form.is_submitted() else None
    if ok and not form.licence.errors:
        if _code_taken(form.uscc.data):
            form.uscc.errors.append(DUPLICATE_CODE())
        elif _email_taken(form.first_user_email.data):
            form.first_user_email.errors.append(_("This e-mail already has an account on the desk."))
        else:
            ent = Enterprise(uscc=form.uscc.data,
                             uscc_override=getattr(form.uscc, "fails_checksum", False))
            for f in PROFILE_FIELDS:
                setattr(ent, f, getattr(form, f).data)
            if licence is not None:
                ent.take_licence(*licence, by_admin=True)
            ent.verify(papers_seen=True)  # the administrator registers it from the papers
            inv, token = Invitation.issue(ent, form.first_user_email.data, current_user)
            db.session.add_all([ent, inv])
            db.session.flush()
            record_event(current_user, "enterprises", ent.id,
                         "registered_with_override" if ent.uscc_override else "registered_by_admin",
                         after=snapshot(ent, ["uscc", "uscc_override", "status"] + PROFILE_FIELDS),
                         reason=(form.override_reason.data or "").strip())
            db.session.commit()
            link = public_url("enterprises.accept_invitation", token=token)
            flash(_("Enterprise registered and verified. Send the link below to its first user."),
                  "success")
    return render_form("enterprises/admin_register.html", form, link=link)
