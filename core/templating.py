"""Filters and globals every template may use."""
from flask import request, url_for
from flask_login import current_user

from blueprints.auth.roles import ROLE_LABELS, Role
from blueprints.catalogue.vocabulary import INDUSTRY_LABELS, KIND_LABELS, LIMIT_LABELS
from blueprints.enterprises.models import SIZE_LABELS, STATUS_LABELS
from blueprints.service_requests.wording import (
    ACTION_LABELS,
    EVENT_LABELS,
    LAB_STATE_LABELS,
    LEVEL_LABELS,
    STATE_LABELS,
    VERDICT_LABELS,
)
from core.i18n import current_language, localized
from core.numbers import money, plain
from core.timeutil import to_local
from core.validators import mask_phone


def localtime(value, fmt: str = "%Y-%m-%d %H:%M") -> str:
    local = to_local(value)
    return local.strftime(fmt) if local else ""


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
    }[user.role]


def _unread() -> int:
    from blueprints.notifications.models import unread_count
    return unread_count(current_user.id) if current_user.is_authenticated else 0


def register(app) -> None:
    # Imported here: the certificates package pulls in the request routes, which
    # import this module.
    from blueprints.certificates.wording import BATCH_STATE_LABELS, CERTIFICATE_STATUS_LABELS
    from blueprints.metrology.wording import KIND_LABELS as SCALE_KIND_LABELS
    from blueprints.metrology.wording import TYPE_LABELS as VERIFICATION_TYPE_LABELS
    from blueprints.metrology.wording import mass
    from blueprints.notifications.wording import message as notification_message

    app.jinja_env.filters.update(money=money, localtime=localtime, number=plain,
                                 mask_phone=mask_phone)
    app.jinja_env.globals.update(
        localized=localized, current_language=current_language, url_with=url_with,
        home_endpoint=home_endpoint, Role=Role,
        ROLE_LABELS=ROLE_LABELS, KIND_LABELS=KIND_LABELS, INDUSTRY_LABELS=INDUSTRY_LABELS,
        LIMIT_LABELS=LIMIT_LABELS, SIZE_LABELS=SIZE_LABELS, STATUS_LABELS=STATUS_LABELS,
        STATE_LABELS=STATE_LABELS, LAB_STATE_LABELS=LAB_STATE_LABELS,
        ACTION_LABELS=ACTION_LABELS, EVENT_LABELS=EVENT_LABELS, VERDICT_LABELS=VERDICT_LABELS,
        LEVEL_LABELS=LEVEL_LABELS, CERTIFICATE_STATUS_LABELS=CERTIFICATE_STATUS_LABELS,
        BATCH_STATE_LABELS=BATCH_STATE_LABELS, SCALE_KIND_LABELS=SCALE_KIND_LABELS,
        VERIFICATION_TYPE_LABELS=VERIFICATION_TYPE_LABELS, mass=mass,
        notification_message=notification_message)

    @app.context_processor
    def user_context():
        return {"me": current_user, "unread_notifications": _unread}
