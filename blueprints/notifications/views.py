from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select, update

from blueprints.audit.models import record_event
from blueprints.notifications.forms import MailPreferencesForm
from blueprints.notifications.labels import MAIL_KINDS, OPTIONAL_MAIL
from blueprints.notifications.labels import message as notification_message
from blueprints.notifications.models import Notification, unread_count
from core.forms import Form, render_form
from core.i18n import gettext as _
from core.pagination import paginate
from core.templating import expose
from core.timeutil import utcnow
from extensions import db

bp = Blueprint("notifications", __name__)
expose(bp, notification_message=notification_message)


@bp.route("/notifications")
@login_required
def index():
    page = paginate(select(Notification).where(Notification.user_id == current_user.id)
                    .order_by(Notification.id.desc()))
    html = render_template("notifications/index.html", page=page, form=Form())
    # Seen now: shown as new this once, then read (the bell counts only the unseen).
    unseen = [n.id for n in page.items if n.read_at is None]
    if unseen:
        db.session.execute(update(Notification).where(Notification.id.in_(unseen))
                           .values(read_at=utcnow()))
        db.session.commit()
    return html


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


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def mail_preferences():
    """Which e-mails to get (in-app notifications always come)."""
    form = MailPreferencesForm()
    if form.validate_on_submit():
        wanted = set(request.form.getlist("kind"))
        opt_out = sorted(k for k in OPTIONAL_MAIL if k not in wanted)
        current_user.set_unversioned(mail_opt_out=opt_out)
        record_event(current_user, "users", current_user.id, "mail_preferences",
                     after={"opt_out": opt_out})
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("notifications.mail_preferences"))
    return render_form("notifications/mail_preferences.html", form, kinds=OPTIONAL_MAIL,
                       labels=MAIL_KINDS, opt_out=set(current_user.mail_opt_out or []))


@bp.app_context_processor
def unread_notifications():
    """The bell's count, asked for only by pages that show it."""
    def count() -> int:
        return unread_count(current_user.id) if current_user.is_authenticated else 0
    return {"unread_notifications": count}
