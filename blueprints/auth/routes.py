from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import or_

from blueprints.audit.models import record_event
from blueprints.auth import bp
from blueprints.auth.forms import ChangePasswordForm, CitizenSignupForm, LoginForm
from blueprints.auth.models import User
from blueprints.auth.roles import Role
from core.forms import render_form
from core.i18n import safe_next
from core.templating import home_endpoint
from core.timeutil import utcnow
from core.validators import normalise_mobile
from extensions import db, limiter, login_manager


@login_manager.user_loader
def load_user(user_id: str):
    return db.session.get(User, int(user_id))


login_manager.login_view = "auth.login"
login_manager.login_message = None  # the login page explains itself


def _login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _login_key() -> str:
    # A second limit per account, so a password cannot be guessed from many addresses.
    return "login:" + (request.form.get("login") or "").strip().lower()


def find_by_login(login: str) -> User | None:
    login = login.strip()
    return db.session.scalar(db.select(User).where(
        or_(User.email == login.lower(), User.phone == normalise_mobile(login))))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
@limiter.limit(_login_rate_limit, methods=["POST"], key_func=_login_key)
def login():
    if current_user.is_authenticated:
        return redirect(url_for(home_endpoint(current_user)))
    form = LoginForm()
    if form.validate_on_submit():
        user = find_by_login(form.login.data)
        if user and user.check_password(form.password.data) and user.is_active:
            login_user(user, remember=form.remember.data)
            user.last_login_at = utcnow()
            db.session.commit()
            return redirect(safe_next(request.args.get("next"), url_for(home_endpoint(user))))
        # One message for every failure: it must not tell which accounts exist.
        form.password.errors.append(_("That e-mail or mobile number and password do not match."))
    return render_form("auth/login.html", form)


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("public.home"))


@bp.route("/signup")
def signup():
    return render_template("auth/signup_choice.html")


@bp.route("/signup/citizen", methods=["GET", "POST"])
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
            db.session.commit()
            login_user(user)
            flash(_("Welcome! Your account is ready."), "success")
            return redirect(url_for("auth.account"))
    return render_form("auth/signup_citizen.html", form)


@bp.route("/account")
@login_required
def account():
    return render_template("auth/account.html")


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            form.current.errors.append(_("That is not your current password."))
        else:
            current_user.set_password(form.password.data)
            record_event(current_user, "users", current_user.id, "password_changed")
            db.session.commit()
            flash(_("Your password is changed."), "success")
            return redirect(url_for("auth.account"))
    return render_form("auth/change_password.html", form)
