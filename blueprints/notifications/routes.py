from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select, update

from blueprints.notifications import bp
from blueprints.notifications.models import Notification
from core.forms import Form
from core.i18n import gettext as _
from core.pagination import paginate
from core.timeutil import utcnow
from extensions import db


@bp.route("/notifications")
@login_required
def index():
    page = paginate(select(Notification).where(Notification.user_id == current_user.id)
                    .order_by(Notification.id.desc()))
    return render_template("notifications/index.html", page=page, form=Form())


@bp.route("/notifications/read", methods=["POST"])
@login_required
def mark_read():
    if Form().validate_on_submit():
        db.session.execute(update(Notification).where(
            Notification.user_id == current_user.id, Notification.read_at.is_(None))
            .values(read_at=utcnow()))
        db.session.commit()
        flash(_("All notifications marked as read."), "success")
    return redirect(url_for("notifications.index"))
