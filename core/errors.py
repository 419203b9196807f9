"""Friendly error pages (and JSON under /api), never a bare traceback."""
from flask import jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from core.i18n import lazy_gettext as _l
from core.request_guards import Refused, check_request
from extensions import db

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please go back and try again.")),
    403: (_l("Not allowed"), _l("Your account is not allowed to open this page.")),
    404: (_l("Page not found"), _l("There is nothing here. The link may be old, or the item is not yours to see.")),
    405: (_l("Not allowed"), _l("This page cannot be used that way.")),
    409: (_l("Changed by someone else"), _l("Someone else saved a change to this record while you were editing it. Reload the page to see the latest version, then make your change again.")),
    413: (_l("File too large"), _l("The upload is larger than the desk accepts.")),
    429: (_l("Too many attempts"), _l("Too many attempts in a short time. Please wait a minute and try again.")),
    500: (_l("Something went wrong"), _l("The desk could not finish this request. Nothing was saved. Please try again; if it happens again, call the service desk.")),
}


def _render(code: int, message=None):
    title, default = MESSAGES.get(code, MESSAGES[500])
    if request.path.startswith("/api/"):
        return jsonify(error=str(title), message=str(message or default)), code
    return render_template("errors/error.html", code=code, title=title,
                           message=message or default), code


def register(app) -> None:
    app.before_request(check_request)

    @app.errorhandler(Refused)
    def refused(exc: Refused):
        return _render(400, exc.message)
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return _render(exc.code or 500)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return _render(400, _l("The form had expired or was sent from another site. "
                               "Please reload the page and send it again."))

    @app.errorhandler(StaleDataError)
    def stale(exc):
        db.session.rollback()
        return _render(409)

    @app.errorhandler(IntegrityError)
    def conflict(exc):
        # Two people saving the same code or e-mail at the same moment: the
        # database's unique constraint refused the second one.
        db.session.rollback()
        return _render(409, _l("This clashes with a record saved at the same moment (for "
                               "example a code or e-mail now in use). Check and try again."))

    @app.errorhandler(Exception)
    def server_error(exc):
        db.session.rollback()
        app.logger.exception("unhandled error on %s", request.path)
        return _render(500)
