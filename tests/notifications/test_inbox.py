"""The in-app notifications: new ones are shown as new once, then read; the bell
counts only the unseen."""
from blueprints.notifications.models import Notification, notify
from core.roles import Role
from extensions import db
from tests import factories


def test_opening_the_notifications_marks_them_read(app, client, login):
    user = login(factories.create_user(Role.sme))
    notify([user.id], "request_accepted", link="/requests/1", number="QD-2026-000001-1")
    notify([user.id], "sample_received", link="/requests/1", number="QD-2026-000001-1")
    db.session.commit()
    assert 'id="unread">2<' in client.get("/tasks").get_data(as_text=True)   # the bell
    first = client.get("/notifications").get_data(as_text=True)
    assert first.count("card unread") == 2            # new, shown as new this once
    assert db.session.scalar(db.select(db.func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) == 0
    assert "card unread" not in client.get("/notifications").get_data(as_text=True)
    assert 'id="unread"' not in client.get("/tasks").get_data(as_text=True)
    other = login(factories.create_user(Role.sme))   # nobody else's are touched
    notify([other.id], "request_accepted", number="QD-2026-000002-1")
    db.session.commit()
    login(user)
    client.get("/notifications")
    assert db.session.scalar(db.select(Notification.read_at).filter_by(user_id=other.id)) is None
