"""A booking follows its part: it is done when the samples come in (and shows as
history), and it is released, its place freed and the other side told, when the part
is cancelled, rejected or returned."""
from datetime import timedelta

import pytest

from blueprints.notifications.models import Notification
from blueprints.scheduling.kinds import BookingState
from blueprints.scheduling.models import Booking, Slot
from blueprints.scheduling.slots import book, open_slots
from core.roles import Role
from core.timeutil import local_today, to_local
from extensions import db
from tests import factories
from tests.journeys import quote, submitted


@pytest.fixture
def booked(client, login, users, two_labs):
    """The applicant's NTC part with a drop-off booked three days ahead."""
    counter = factories.create_resource(two_labs["fabric_lab"].id, capacity=1)
    req, parts = submitted(client, login, users, two_labs)
    sub = parts["NTC1"]
    slot = open_slots(counter, local_today() + timedelta(days=3), 1)[0]
    login(users[Role.sme])
    resp = client.post(f"/requests/{req.id}/parts/{sub.id}/booking",
                       data={"slot_id": str(slot.id)})
    assert resp.status_code == 302
    booking = db.session.scalars(db.select(Booking)).one()
    return req, sub, slot, booking


def released(booking, slot) -> bool:
    db.session.expire_all()
    return (db.session.get(Booking, booking.id).state == BookingState.cancelled
            and db.session.get(Slot, slot.id).booked == 0)


def told(user, kind="booking_released") -> list[Notification]:
    return list(db.session.scalars(db.select(Notification).filter_by(user_id=user.id,
                                                                     kind=kind)))


def calendar_ids(client, login, manager, slot) -> set[str]:
    login(manager)
    day = to_local(slot.starts_at).date()
    events = client.get("/lab/calendar/events", query_string={
        "start": (day - timedelta(days=1)).isoformat(),
        "end": (day + timedelta(days=2)).isoformat()}).json
    return {e["id"] for e in events}


def test_receiving_the_samples_ends_the_drop_off(client, login, users, two_labs, booked):
    req, sub, slot, booking = booked
    manager = two_labs["ntc_manager"]
    assert quote(client, login, manager, sub).status_code == 302
    login(users[Role.sme])
    db.session.refresh(sub)
    client.post(f"/requests/{req.id}/parts/{sub.id}/confirm", data={"version": str(sub.version)})
    db.session.refresh(sub)
    login(manager)
    data = {"version": str(sub.version)}
    for i, item in enumerate(sub.items):
        data.update({f"lines-{i}-item_id": str(item.id), f"lines-{i}-condition": "完好"})
    assert client.post(f"/lab/requests/{sub.id}/receive", data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).state == BookingState.done
    assert db.session.get(Slot, slot.id).booked == 1   # the place was used, not given back
    login(users[Role.sme])
    page = client.get(f"/requests/{req.id}").get_data(as_text=True)
    assert "样品已送达" in page and "改约或取消" not in page
    login(manager)
    lab_page = client.get(f"/lab/requests/{sub.id}").get_data(as_text=True)
    assert "样品已送达" in lab_page and "改约" not in lab_page
    # Still on the lab's calendar, as history that cannot be dragged.
    day = to_local(slot.starts_at).date()
    [event] = [e for e in client.get("/lab/calendar/events", query_string={
        "start": (day - timedelta(days=1)).isoformat(),
        "end": (day + timedelta(days=2)).isoformat()}).json if e["id"] == f"booking-{booking.id}"]
    assert event["classNames"] == ["done"] and event["startEditable"] is False


def test_cancelling_the_part_releases_its_booking_and_tells_the_lab(client, login, users,
                                                                   two_labs, booked):
    req, sub, slot, booking = booked
    login(users[Role.sme])
    db.session.refresh(sub)
    resp = client.post(f"/requests/{req.id}/parts/{sub.id}/cancel",
                       data={"version": str(sub.version)})
    assert resp.status_code == 302
    assert released(booking, slot)
    [notice] = told(two_labs["ntc_manager"])
    assert notice.params["number"] == sub.number and notice.params["step"] == "已取消"
    assert not told(users[Role.sme])                   # who cancelled knows already
    assert f"booking-{booking.id}" not in calendar_ids(client, login, two_labs["ntc_manager"],
                                                       slot)
    # The place is free for someone else.
    assert book(slot.id, users[Role.citizen]).slot_id == slot.id


@pytest.mark.parametrize("action, step", [("reject", "未被实验室受理"),
                                          ("return_for_info", "退回补充材料")])
def test_a_lab_that_rejects_or_returns_the_part_releases_its_booking(
        client, login, users, two_labs, booked, action, step):
    req, sub, slot, booking = booked
    manager = two_labs["ntc_manager"]
    login(manager)
    db.session.refresh(sub)
    resp = client.post(f"/lab/requests/{sub.id}/do/{action}",
                       data={"version": str(sub.version), "reason": "样品信息不全"})
    assert resp.status_code == 302
    assert released(booking, slot)
    [notice] = told(users[Role.sme])
    assert notice.params["step"] == step and f"/requests/{req.id}" in notice.link
    assert not told(manager)
    login(users[Role.sme])
    page = client.get(f"/requests/{req.id}").get_data(as_text=True)
    assert "改约或取消" not in page
