import functools
import secrets

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required, logout_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func, or_
from werkzeug.security import check_password_hash, generate_password_hash

from blueprints.audit.models import record_event
from blueprints.auth import sessions
from blueprints.auth.forms import (
    ChangePasswordForm,
    CitizenSignupForm,
    ForgotPasswordForm,
    LoginForm,
    ResetPasswordForm,
    SignatureForm,
)
from blueprints.auth.models import User
from blueprints.auth.signature import MAX_UPLOAD, SignatureError, normalise_signature
from core.forms import Form, render_form
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.i18n import safe_next
from core.links import public_url
from core.permissions import roles_required
from core.roles import Role
from core.signals import password_reset_requested
from core.templating import home_endpoint
from core.timeutil import utcnow
from core.validators import normalise_mobile
from extensions import db, limiter, login_manager

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(session_id: str):
    """The session and remember-me cookies hold "<user id>:<sign-in key>"; a sign-in
    ended on the server (signing out, everywhere, a new password) opens nothing."""
    return sessions.load(session_id)


login_manager.login_view = "auth.login"
login_manager.login_message = None  # the login page explains itself


def _login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _login_ip_rate_limit() -> str:
    return current_app.config["LOGIN_IP_RATE_LIMIT"]


def _login_key() -> str:
    # A second limit per account, so a password cannot be guessed from many
    # addresses; keyed on the account as it is looked up, so "138-0000-0001" and
    # "+86 13800000001" share one count.
    login = (request.form.get("login") or "").strip()
    return "login:" + (login.lower() if "@" in login else normalise_mobile(login))


@functools.cache
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_hex(16))


def find_by_login(login: str) -> User | None:
    login = login.strip()
    return db.session.scalar(db.select(User).where(
        or_(User.email == login.lower(), User.phone == normalise_mobile(login))))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_ip_rate_limit, methods=["POST"])
@limiter.limit(_login_rate_limit, methods=["POST"], key_func=_login_key)
def login():
    if current_user.is_authenticated:
        return redirect(url_for(home_endpoint(current_user)))
    form = LoginForm()
    if form.validate_on_submit():
        user = find_by_login(form.login.data)
        if user is None:
            # Hash anyway, so the answer takes as long as for a real account and its
            # timing does not tell which accounts exist.
            check_password_hash(_dummy_hash(), form.password.data)
        elif user.check_password(form.password.data) and user.is_active:
            sessions.sign_in(user, remember=form.remember.data,
                             user_agent=request.headers.get("User-Agent", ""))
            user.set_unversioned(last_login_at=utcnow())
            db.session.commit()
            return redirect(safe_next(request.args.get("next"), url_for(home_endpoint(user))))
        # One message for every failure: it must not tell which accounts exist.
        form.password.errors.append(_("That e-mail or mobile number and password do not match."))
    return render_form("auth/login.html", form)


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        sessions.sign_out(current_user)
        db.session.commit()
    else:
        logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("public.home"))


@bp.route("/signup")
def signup():
    return render_template("auth/signup_choice.html")


@bp.route("/signup/citizen", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGNUP_RATE_LIMIT"], methods=["POST"])
def signup_citizen():
    form = CitizenSignupForm()
    if form.validate_on_submit():
        if db.session.scalar(db.select(User.id).filter_by(phone=form.phone.data)):
            form.phone.errors.append(_("This mobile number already has an account. Sign in instead."))
        else:
            user = User(name=form.name.data.strip(), phone=form.phone.data, role=Role.citizen)
            user.set_password(form.password.data)
            db.session.add(user)
            db.session.flush()
            record_event(user, "users", user.id, "signed_up", after={"role": "citizen"})
            sessions.sign_in(user, user_agent=request.headers.get("User-Agent", ""))
            db.session.commit()
            flash(_("Welcome! Your account is ready."), "success")
            return redirect(url_for("auth.account"))
    return render_form("auth/signup_citizen.html", form)


@bp.route("/account")
@login_required
def account():
    return render_template("auth/account.html", form=Form(),
                           sign_ins=sessions.live_sign_ins(current_user.id),
                           current_key=sessions.digest(current_user.sign_in_key or ""))


@bp.route("/account/sign-out-everywhere", methods=["POST"])
@login_required
def sign_out_everywhere():
    """End every other browser's sign-in (a lost phone, a shared computer)."""
    if not Form().validate_on_submit():
        abort(400)
    ended = sessions.sign_out_everywhere(current_user.id, keep=current_user.sign_in_key)
    record_event(current_user, "users", current_user.id, "signed_out_everywhere",
                 after={"ended": ended})
    db.session.commit()
    flash(_("Signed out on every other device (%(n)s).", n=ended), "success")
    return redirect(url_for("auth.account"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            form.current.errors.append(_("That is not your current password."))
        else:
            current_user.set_password(form.password.data)
            # Every other browser is signed out; this one stays.
            sessions.sign_out_everywhere(current_user.id, keep=current_user.sign_in_key)
            record_event(current_user, "users", current_user.id, "password_changed")
            db.session.commit()
            flash(_("Your password is changed."), "success")
            return redirect(url_for("auth.account"))
    return render_form("auth/change_password.html", form)


SIGNATURE_ERRORS = {
    "too_large": _l("The image is larger than 2 MB."),
    "not_image": _l("This is not a PNG or JPEG image (the file's content was checked, "
                    "not its name)."),
    "too_many_pixels": _l("The image has too many pixels; scan it at a lower resolution."),
}


@bp.route("/account/signature", methods=["GET", "POST"])
@roles_required(Role.lab_manager)
def signature():
    """Authorising persons upload the signature printed on what they issue."""
    form = SignatureForm()
    if form.validate_on_submit():
        try:
            png = normalise_signature(form.image.data.read(MAX_UPLOAD + 1))
        except SignatureError as err:
            form.image.errors.append(SIGNATURE_ERRORS[err.code])
        else:
            current_user.set_unversioned(signature_png=png)
            record_event(current_user, "users", current_user.id, "signature_changed")
            db.session.commit()
            flash(_("Your signature is saved; it is printed on what you issue from now on."),
                  "success")
            return redirect(url_for("auth.account"))
    return render_form("auth/signature.html", form)


@bp.route("/account/signature.png")
@roles_required(Role.lab_manager)
def signature_image():
    if not current_user.signature_png:
        abort(404)
    return Response(current_user.signature_png, mimetype="image/png",
                    headers={"Cache-Control": "private, no-store"})


RESET_SALT, RESET_SECONDS = "password-reset", 3600


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit("5 per minute; 30 per hour", methods=["POST"])
def forgot_password():
    """A single-use link by e-mail, valid for an hour. The answer is the same whether
    or not the address has an account, so it tells nobody who is registered."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = db.session.scalar(db.select(User).filter(
            func.lower(User.email) == form.email.data.lower(), User.active))
        if user is not None:
            # The token carries the session token, which a new password rotates: so the
            # link works once (and no more after any password change).
            token = _reset_serializer().dumps({"u": user.id, "t": user.session_token})
            password_reset_requested.send(
                user, link=public_url("auth.reset_password", token=token))
            record_event(None, "users", user.id, "password_reset_requested")
            db.session.commit()
        flash(_("If an account has this address, a link to choose a new password is on its "
                "way. It works once, for one hour."), "success")
        return redirect(url_for("auth.login"))
    return render_form("auth/forgot_password.html", form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        data = _reset_serializer().loads(token[:500], max_age=RESET_SECONDS)
        user = db.session.get(User, int(data["u"]))
    except (BadSignature, KeyError, TypeError, ValueError):
        user, data = None, {}
    if user is None or not user.active or data.get("t") != user.session_token:
        flash(_("This link is no longer valid: it was used already, or it is more than an "
                "hour old. Ask for a new one."), "error")
        return redirect(url_for("auth.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        user.set_password(form.password.data)
        sessions.sign_out_everywhere(user.id)  # whoever held the old password is out
        record_event(user, "users", user.id, "password_reset")
        db.session.commit()
        flash(_("Your new password is set. Sign in with it."), "success")
        return redirect(url_for("auth.login"))
    return render_form("auth/reset_password.html", form)
