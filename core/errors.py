"""Friendly error pages (and JSON under /api), never a bare traceback."""
from flask import jsonify, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from core import storage
from core.i18n import lazy_gettext as _l
from core.request_guards import Refused, check_request
from core.signals import document_altered
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


def _render(code: int, message=None, title=None):
    default_title, default_message = MESSAGES.get(code, MESSAGES[500])
    title, message = title or default_title, message or default_message
    if request.path.startswith("/api/"):
        return jsonify(error=str(title), message=str(message)), code
    return render_template("errors/error.html", code=code, title=title,
                           message=message), code


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

    @app.errorhandler(storage.NotFound)
    def document_missing(exc: storage.NotFound):
        # A record whose file is gone: the record says it exists, so this is worth a line.
        app.logger.warning("%s (asked for on %s)", exc, request.path)
        return _render(404)

    @app.errorhandler(storage.Altered)
    def document_withheld(exc: storage.Altered):
        # core.storage logged it; the audit log keeps it for the desk's administrators.
        db.session.rollback()
        document_altered.send(exc.key, expected=exc.expected, found=exc.found,
                              page=request.path,
                              user=current_user if current_user.is_authenticated else None)
        db.session.commit()
        return _render(500, _l("The stored copy of this document is not the one the desk "
                               "made: its fingerprint (SHA-256) no longer matches the one "
                               "recorded then, so the desk does not hand it out. The desk's "
                               "administrators have been told; please call the service desk."),
                       title=_l("Document withheld"))

    @app.errorhandler(Exception)
    def server_error(exc):
        db.session.rollback()
        app.logger.exception("unhandled error on %s", request.path)
        return _render(500)
