"""On-site visits: the lab's manager books its team for a part, the applicant is told
and sees it; staff, applicants and other labs cannot book; a full slot is refused."""
from datetime import timedelta

import pytest

from blueprints.audit.models import AuditEvent
from blueprints.notifications.models import Notification
from blueprints.scheduling.kinds import BookingState
from blueprints.scheduling.models import Booking, Slot
from blueprints.scheduling.slots import open_slots
from core.roles import Role
from core.timeutil import local_today, utcnow
from extensions import db
from tests import factories
from tests.journeys import make_draft, submitted


@pytest.fixture
def team(app, two_labs):
    resource = factories.create_resource(
        two_labs["fabric_lab"].id, kind="onsite_team", name="现场服务一组", opens=(9, 0),
        closes=(17, 0), weekdays="01234", slot_minutes=240, capacity=1)
    return resource


def test_the_manager_books_the_team_and_the_applicant_is_told(client, users, login, two_labs,
                                                               team):
    req, parts = submitted(client, login, users, two_labs)
    sub = parts["NTC1"]
    login(two_labs["ntc_manager"])
    assert "预约上门服务" in client.get(f"/lab/requests/{sub.id}").get_data(as_text=True)
    page = client.get(f"/lab/requests/{sub.id}/visit")
    assert page.status_code == 200 and "现场服务一组" in page.get_data(as_text=True)
    slot = db.session.scalars(db.select(Slot).where(Slot.resource_id == team.id,
                                                    Slot.starts_at > utcnow())
                              .order_by(Slot.starts_at)).first()
    resp = client.post(f"/lab/requests/{sub.id}/visit", data={"slot_id": str(slot.id)})
    assert resp.status_code == 302
    booking = db.session.scalars(db.select(Booking)).one()
    assert (booking.slot_id, booking.sub_request_id, booking.booked_by_id) == (
        slot.id, sub.id, two_labs["ntc_manager"].id)
    assert db.session.scalar(db.select(AuditEvent).where(
        AuditEvent.action == "visit_booked", AuditEvent.entity_id == sub.id)) is not None
    [told] = db.session.scalars(db.select(Notification).where(
        Notification.user_id == users[Role.sme].id, Notification.kind == "visit_booked")).all()
    assert told.params["number"] == sub.number
    login(users[Role.sme])
    assert "已预约上门服务" in client.get(f"/requests/{req.id}").get_data(as_text=True)

    # The slot holds one visit: the next part cannot have it.
    other = submitted(client, login, users, two_labs)[1]["NTC1"]
    login(two_labs["ntc_manager"])
    full = client.post(f"/lab/requests/{other.id}/visit", data={"slot_id": str(slot.id)})
    assert full.status_code == 409
    assert db.session.scalar(db.select(db.func.count(Booking.id))) == 1

    # Cancelled, the place is free again.
    client.post(f"/lab/requests/{sub.id}/visit", data={"cancel": "1"})
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).state == BookingState.cancelled
    assert db.session.get(Slot, slot.id).booked == 0


def test_only_the_labs_manager_books_visits(client, users, login, two_labs, team):
    _req, parts = submitted(client, login, users, two_labs)
    sub = parts["NTC1"]
    login(two_labs["ntc_manager"])
    client.get(f"/lab/requests/{sub.id}/visit")  # makes the slots
    slot = db.session.scalars(db.select(Slot).where(Slot.resource_id == team.id,
                                                    Slot.starts_at > utcnow())).first()
    for who, status in ((two_labs["ntc_analyst"], 403), (users[Role.sme], 403),
                        (two_labs["ftc_manager"], 404)):
        login(who)
        assert client.post(f"/lab/requests/{sub.id}/visit",
                           data={"slot_id": str(slot.id)}).status_code == status
    login(two_labs["ntc_manager"])
    # A drop-off counter's slot, or nonsense, is not a visit.
    counter = factories.create_resource(sub.lab_id)
    counter_slot = open_slots(counter, local_today() + timedelta(days=1), 1)[0]
    db.session.commit()
    for bad in ("abc", "99999999999", "0", str(counter_slot.id)):
        assert client.post(f"/lab/requests/{sub.id}/visit",
                           data={"slot_id": bad}).status_code == 400
    assert db.session.scalar(db.select(db.func.count(Booking.id))) == 0


def test_a_visit_and_a_drop_off_do_not_undo_each_other(client, users, login, two_labs, team):
    req, parts = submitted(client, login, users, two_labs)
    sub = parts["NTC1"]
    counter = factories.create_resource(sub.lab_id)
    login(users[Role.sme])
    booking_url = f"/requests/{req.id}/parts/{sub.id}/booking"
    client.get(booking_url)  # makes the counter's slots
    drop_off = db.session.scalars(db.select(Slot).where(
        Slot.resource_id == counter.id, Slot.starts_at > utcnow() + timedelta(days=1))
        .order_by(Slot.starts_at)).first()
    assert client.post(booking_url, data={"slot_id": str(drop_off.id)}).status_code == 302
    # The lab cannot just cancel the applicant's drop-off from its visit page...
    login(two_labs["ntc_manager"])
    page = client.get(f"/lab/requests/{sub.id}/visit").get_data(as_text=True)
    assert "预约上门服务将取代该送样预约" in page
    assert client.post(f"/lab/requests/{sub.id}/visit", data={"cancel": "1"}).status_code == 409
    assert db.session.scalars(db.select(Booking).where(
        Booking.state == BookingState.booked)).one().slot_id == drop_off.id
    # ...but a visit replaces it, and the applicant is told.
    visit = db.session.scalars(db.select(Slot).where(
        Slot.resource_id == team.id, Slot.starts_at > utcnow()).order_by(Slot.starts_at)).first()
    assert client.post(f"/lab/requests/{sub.id}/visit",
                       data={"slot_id": str(visit.id)}).status_code == 302
    live = db.session.scalars(db.select(Booking).where(Booking.state == BookingState.booked))
    assert [b.slot_id for b in live] == [visit.id]
    # The applicant can neither cancel nor replace the lab's visit.
    login(users[Role.sme])
    assert "请联系实验室" in client.get(booking_url).get_data(as_text=True)
    assert client.post(booking_url, data={"cancel": "1"}).status_code == 409
    assert client.post(booking_url, data={"slot_id": str(drop_off.id)}).status_code == 409
    db.session.expire_all()
    live = db.session.scalars(db.select(Booking).where(Booking.state == BookingState.booked))
    assert [b.slot_id for b in live] == [visit.id]


def test_the_manager_moves_a_drop_off_without_dragging(client, users, login, two_labs):
    """The calendar's drag has a keyboard-friendly twin: the part's page lists the free
    places and the manager picks one; the applicant is told."""
    req, parts = submitted(client, login, users, two_labs)
    sub = parts["NTC1"]
    counter = factories.create_resource(sub.lab_id)
    login(users[Role.sme])
    booking_url = f"/requests/{req.id}/parts/{sub.id}/booking"
    client.get(booking_url)
    first, later = db.session.scalars(db.select(Slot).where(
        Slot.resource_id == counter.id, Slot.starts_at > utcnow() + timedelta(days=1))
        .order_by(Slot.starts_at).limit(2)).all()
    client.post(booking_url, data={"slot_id": str(first.id)})
    login(two_labs["ntc_manager"])
    assert "/drop-off" in client.get(f"/lab/requests/{sub.id}").get_data(as_text=True)
    resp = client.post(f"/lab/requests/{sub.id}/drop-off", data={"slot_id": str(later.id)})
    assert resp.status_code == 302
    live = db.session.scalars(db.select(Booking).where(Booking.state == BookingState.booked))
    assert [b.slot_id for b in live] == [later.id]
    [told] = db.session.scalars(db.select(Notification).where(
        Notification.user_id == users[Role.sme].id, Notification.kind == "booking_moved"))
    assert told.params["number"] == sub.number
    for who, status in ((two_labs["ntc_analyst"], 403), (two_labs["ftc_manager"], 404)):
        login(who)
        assert client.post(f"/lab/requests/{sub.id}/drop-off",
                           data={"slot_id": str(first.id)}).status_code == status


def test_submitting_leads_to_booking_the_drop_off(client, users, login, two_labs):
    factories.create_resource(two_labs["fabric_lab"].id, opens=(9, 0), closes=(11, 0),
                              weekdays="01234")
    login(users[Role.sme])
    req = make_draft(client, two_labs["fabric"])
    resp = client.post(f"/requests/{req.id}/submit", data={"version": str(req.version)})
    db.session.refresh(req)
    sub = req.sub_requests[0]
    assert resp.headers["Location"].endswith(f"/requests/{req.id}/parts/{sub.id}/booking")
    assert "请选择送样时间" in client.get(resp.headers["Location"]).get_data(as_text=True)
    # A lab without a counter: the request page, as before.
    other = make_draft(client, two_labs["food"])
    resp = client.post(f"/requests/{other.id}/submit", data={"version": str(other.version)})
    assert resp.headers["Location"].endswith(f"/requests/{other.id}")
