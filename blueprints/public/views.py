from flask import (
    Blueprint,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from sqlalchemy import func, text

from blueprints.catalogue.kinds import ServiceKind
from blueprints.catalogue.models import Service
from blueprints.labs.models import Lab
from core.i18n import referrer_path, safe_next
from extensions import csrf, db, limiter

bp = Blueprint("public", __name__)


@bp.route("/")
def home():
    kinds = dict(db.session.execute(
        db.select(Service.kind, func.count()).where(Service.is_active)
        .group_by(Service.kind)).all())
    labs = db.session.scalar(db.select(func.count()).select_from(Lab).where(Lab.is_active))
    return render_template("public/home.html", kinds=kinds, labs=labs, ServiceKind=ServiceKind)


@bp.route("/lang/<code>")
def set_language(code: str):
    """Switch language; remembered in the session and on the account."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
        if current_user.is_authenticated and current_user.locale != code:
            current_user.set_unversioned(locale=code)
            db.session.commit()
    target = request.args.get("next") or referrer_path()
    return redirect(safe_next(target, url_for("public.home")))


@bp.route("/healthz")
@csrf.exempt
@limiter.exempt
def healthz():
    """For the proxy: 200 when the app can reach its database, 503 when not."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means "not healthy", not a 500
        db.session.rollback()
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
