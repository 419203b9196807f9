"""Filters and globals every template may use."""
from babel.dates import format_skeleton
from flask import request, url_for
from flask_babel import get_locale
from flask_login import current_user

from core.i18n import current_language, localized
from core.labels import ROLE_LABELS
from core.links import public_url
from core.numbers import money, plain
from core.roles import Role
from core.timeutil import to_local
from core.validators import mask_phone


def localtime(value, fmt: str = "%Y-%m-%d %H:%M") -> str:
    local = to_local(value)
    return local.strftime(fmt) if local else ""


def day_name(value) -> str:
    """A day as people say it, with its weekday: 12月5日周六, or Sat, Dec 5."""
    return format_skeleton("MMMEd", value, locale=str(get_locale() or "zh"))


def url_with(**changes) -> str:
    """The current URL with some query arguments changed (for filters and pages)."""
    args = request.args.to_dict()
    args.update({k: v for k, v in changes.items() if v is not None})
    for k in [k for k, v in changes.items() if v is None]:
        args.pop(k, None)
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def home_endpoint(user) -> str:
    """Where each role's work starts."""
    if not user.is_authenticated:
        return "public.home"
    return {
        Role.admin: "admin.dashboard",
        Role.lab_staff: "service_requests.queue",
        Role.lab_manager: "service_requests.queue",
        Role.sme: "service_requests.index",
        Role.citizen: "auth.account",
        Role.expert: "clinic.index",
    }[user.role]


def expose(bp, **values) -> None:
    """Make an area's words and helpers available to every template. Each area's
    views module calls this for its own labels, so core names no area."""
    bp.record_once(lambda state: state.app.jinja_env.globals.update(values))


def register(app) -> None:
    app.jinja_env.filters.update(money=money, localtime=localtime, number=plain,
                                 mask_phone=mask_phone, day_name=day_name)
    app.jinja_env.globals.update(
        localized=localized, current_language=current_language, url_with=url_with,
        home_endpoint=home_endpoint, Role=Role, ROLE_LABELS=ROLE_LABELS, public_url=public_url)

    @app.context_processor
    def user_context():
        return {"me": current_user}
