"""Re-verification reminders: owners hear once per due date, however often the job
runs; enterprises' users all hear; the notification reads in each user's language."""
from datetime import date, timedelta

from blueprints.metrology.models import Instrument, InstrumentKind
from blueprints.metrology.reminders import send_due_reminders
from blueprints.notifications.models import Notification
from core.roles import Role
from extensions import db
from tests import factories

TODAY = date(2026, 11, 23)


def scale(owner=None, enterprise=None, due=None, serial="YS-1") -> Instrument:
    instrument = Instrument(owner_id=owner.id if owner else None, enterprise=enterprise,
                            kind=InstrumentKind.price_computing_scale, serial=serial,
                            max_capacity=15000, e=5, accuracy_class="III", market="青阳农贸市场",
                            next_due=due)
    db.session.add(instrument)
    db.session.commit()
    return instrument


def notes(user) -> list[Notification]:
    return list(db.session.scalars(db.select(Notification).filter_by(user_id=user.id)))


def test_an_owner_is_reminded_once_per_due_date(app, client, login):
    citizen = factories.create_user(Role.citizen)
    due_soon = scale(citizen, due=TODAY + timedelta(days=20), serial="SOON")
    scale(citizen, due=TODAY + timedelta(days=40), serial="LATER")
    scale(citizen, due=None, serial="NEVER")
    with app.test_request_context():
        assert send_due_reminders(TODAY) == 1
        assert send_due_reminders(TODAY) == 0           # idempotent
        assert send_due_reminders(TODAY + timedelta(days=5)) == 0
    [note] = notes(citizen)
    assert note.params["serial"] == "SOON" and note.link.endswith(f"instrument={due_soon.id}")
    # Verified again: the new due date is reminded when it comes near.
    due_soon.next_due = TODAY + timedelta(days=380)
    db.session.commit()
    with app.test_request_context():
        assert send_due_reminders(TODAY + timedelta(days=360)) == 2   # and LATER, by then
    assert len(notes(citizen)) == 3


def test_every_user_of_an_enterprise_hears_and_reads_it_in_their_language(app, client,
                                                                          login):
    enterprise = factories.create_enterprise()
    staff = [factories.create_user(Role.sme, enterprise=enterprise) for _ in range(2)]
    scale(enterprise=enterprise, due=TODAY - timedelta(days=1), serial="OVERDUE")
    with app.test_request_context():
        assert send_due_reminders(TODAY) == 1
    assert all(len(notes(u)) == 1 for u in staff)
    login(staff[0])
    page = client.get("/notifications").get_data(as_text=True)
    assert "OVERDUE" in page and "到期" in page
    assert 'id="unread">1<' in page
    client.post("/notifications/read")
    assert 'id="unread"' not in client.get("/notifications").get_data(as_text=True)
    # Nobody else sees them.
    login(factories.create_user(Role.sme))
    assert "OVERDUE" not in client.get("/notifications").get_data(as_text=True)
