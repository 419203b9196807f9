"""The one permission check: roles on routes, `allows()` on every object fetched
by id. Objects a user may not see answer 404, so ids do not leak existence."""
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from core.converters import MAX_ID
from extensions import db


def roles_required(*roles):
    """Route decorator: signed in, and one of `roles`; otherwise 403."""
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


def get_allowed_or_404(model, ident, action: str = "view"):
    """Fetch `model` by primary key and check `obj.allows(current_user, action)`.
    Missing or not visible: 404. Visible but not changeable: 403."""
    if not isinstance(ident, int) or not 0 < ident <= MAX_ID:
        abort(404)
    obj = db.session.get(model, ident)
    if obj is None or not obj.allows(current_user, "view"):
        abort(404)
    if action != "view" and not obj.allows(current_user, action):
        abort(403)
    return obj


def own_lab_id() -> int:
    """The signed-in lab member's lab; 403 for an account bound to no lab."""
    if current_user.lab_id is None:
        abort(403)
    return current_user.lab_id
