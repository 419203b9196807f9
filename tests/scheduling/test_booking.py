"""Slots: made from a resource's opening hours on the lab's working calendar; never
more bookings than places, even when twenty people take the last place at once; a
cancelled booking frees its place."""
import re
import threading
from datetime import date, time, timedelta

import pytest

from blueprints.auth.models import User
from blueprints.scheduling.kinds import BookingState, ResourceKind
from blueprints.scheduling.models import Booking, Resource, Slot
from blueprints.scheduling.slots import SlotFull, book, cancel, ensure_slots, open_slots
from core.roles import Role
from core.timeutil import local_today, to_local
from core.workdays import WorkCalendar
from core.working_calendar import CalendarDay, DayKind
from extensions import db
from tests import factories
from tests.journeys import make_draft, submitted


@pytest.fixture
def counter(app, dummy_lab):
    resource = Resource(lab_id=dummy_lab.id, name="收样窗口", kind=ResourceKind.reception,
                        opens=time(8, 30), closes=time(11, 30), weekdays="01234",
                        slot_minutes=60, capacity=3)
    db.session.add(resource)
    db.session.commit()
    return resource


def next_weekday(n: int) -> date:
    """The n-th Monday–Friday after today."""
    day = local_today()
    while n:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def test_slots_follow_opening_hours_and_the_calendar(app, counter):
    monday = local_today() + timedelta(days=7 - local_today().weekday() + 7)  # in 1–2 weeks
    db.session.add_all([CalendarDay(day=monday + timedelta(days=1), kind=DayKind.holiday,
                                    name="公众假日"),
                        CalendarDay(lab_id=counter.lab_id, day=monday + timedelta(days=2),
                                    kind=DayKind.holiday, name="实验室停电"),
                        CalendarDay(day=monday + timedelta(days=5), kind=DayKind.workday,
                                    name="调休上班")])
    db.session.commit()
    ensure_slots(counter, monday, 7)
    ensure_slots(counter, monday, 7)  # twice: nothing doubles
    db.session.commit()
    slots = db.session.scalars(db.select(Slot).order_by(Slot.starts_at)).all()
    days = sorted({to_local(s.starts_at).date() for s in slots})
    # Mon, Thu, Fri and the make-up Saturday; not the holiday, the closure or Sunday
    assert days == [monday, monday + timedelta(days=3), monday + timedelta(days=4),
                    monday + timedelta(days=5)]
    assert [to_local(s.starts_at).time() for s in slots[:3]] == [time(8, 30), time(9, 30),
                                                                 time(10, 30)]
    assert all(s.capacity == 3 and s.booked == 0 for s in slots)


def test_twenty_people_take_the_last_place_and_exactly_one_gets_it(app, counter):
    day = next_weekday(3)
    ensure_slots(counter, day, 1)
    db.session.commit()
    slot = db.session.scalars(db.select(Slot).order_by(Slot.starts_at)).first()
    people = [factories.create_user(Role.citizen) for _ in range(22)]
    for early in people[:2]:
        book(slot.id, early)
    db.session.commit()
    ids = [p.id for p in people[2:]]
    gate = threading.Barrier(len(ids))
    outcomes = []

    def attempt(user_id):
        with app.app_context():
            user = db.session.get(User, user_id)
            db.session.rollback()  # no read left open: the booking starts its own transaction
            gate.wait()
            try:
                book(slot.id, user)
                db.session.commit()
                outcomes.append("booked")
            except SlotFull:
                db.session.rollback()
                outcomes.append("full")
            except Exception as err:  # anything else is a failure of the test
                db.session.rollback()
                outcomes.append(repr(err))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == ["booked"] + ["full"] * 19, outcomes
    db.session.expire_all()
    assert db.session.get(Slot, slot.id).booked == 3
    assert db.session.scalar(db.select(db.func.count(Booking.id))) == 3


def test_the_database_refuses_an_overfull_slot(app, counter):
    from sqlalchemy.exc import IntegrityError
    ensure_slots(counter, next_weekday(2), 1)
    db.session.commit()
    slot = db.session.scalars(db.select(Slot)).first()
    slot.booked = slot.capacity + 1
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_cancelled_booking_frees_its_place(app, counter):
    ensure_slots(counter, next_weekday(2), 1)
    db.session.commit()
    slot = db.session.scalars(db.select(Slot).order_by(Slot.starts_at)).first()
    users = [factories.create_user(Role.citizen) for _ in range(4)]
    bookings = [book(slot.id, u) for u in users[:3]]
    db.session.commit()
    with pytest.raises(SlotFull):
        book(slot.id, users[3])
    db.session.rollback()
    assert slot.id not in {s.id for s in open_slots(counter, next_weekday(2), 1)}
    cancel(bookings[0], users[0])
    db.session.commit()
    assert slot.id in {s.id for s in open_slots(counter, next_weekday(2), 1)}
    book(slot.id, users[3])
    db.session.commit()
    db.session.refresh(bookings[0])
    assert bookings[0].state == BookingState.cancelled
    assert db.session.get(Slot, slot.id).booked == 3


def test_a_manager_sets_up_the_counter_and_bad_hours_are_refused(app, client, login,
                                                                 two_labs):
    login(two_labs["ntc_manager"])
    data = {"name": "收样窗口", "kind": "reception", "opens": "08:30", "closes": "08:00",
            "weekdays": ["0", "1", "2", "3", "4"], "slot_minutes": "30", "capacity": "4"}
    bad = client.post("/lab/resources/new", data=data)
    assert bad.status_code == 400 and 'value="收样窗口"' in bad.get_data(as_text=True)
    assert client.post("/lab/resources/new", data={**data, "closes": "11:30"}).status_code == 302
    resource = db.session.scalars(db.select(Resource)).one()
    assert (resource.lab_id, resource.weekdays, resource.capacity) == (
        two_labs["fabric_lab"].id, "01234", 4)
    login(two_labs["ftc_manager"])  # another lab's manager
    assert client.post(f"/lab/resources/{resource.id}/edit",
                       data={**data, "version": str(resource.version)}).status_code == 403


def test_an_applicant_books_changes_and_cancels_a_drop_off_slot(app, client, users, login,
                                                                two_labs):
    counter = Resource(lab_id=two_labs["fabric_lab"].id, name="收样窗口",
                       kind=ResourceKind.reception, opens=time(8, 30), closes=time(10, 30),
                       weekdays="0123456", slot_minutes=60, capacity=1)
    db.session.add(counter)
    db.session.commit()
    req, subs = submitted(client, login, users, two_labs)
    sub = subs["NTC1"]
    login(users[Role.sme])
    page = client.get(f"/requests/{req.id}").get_data(as_text=True)
    url = f"/requests/{req.id}/parts/{sub.id}/booking"
    assert url in page
    slots = open_slots(counter, local_today(), 14)
    db.session.commit()
    first, second = slots[0], slots[1]
    assert client.post(url, data={"slot_id": str(first.id)}).status_code == 302
    booking = db.session.scalars(db.select(Booking)).one()
    assert booking.slot_id == first.id and booking.sub_request_id == sub.id
    login(two_labs["ntc_manager"])  # the lab sees when the samples come
    assert 'id="drop-off"' in client.get(f"/lab/requests/{sub.id}").get_data(as_text=True)
    login(users[Role.sme])
    # Move it: the old place is freed, the new one taken.
    assert client.post(url, data={"slot_id": str(second.id)}).status_code == 302
    db.session.expire_all()
    assert (db.session.get(Slot, first.id).booked, db.session.get(Slot, second.id).booked) == (0, 1)
    # Another applicant takes the first slot; then ours cannot have it.
    other_req, other_subs = submitted(client, login, users, two_labs)
    other_sub = other_subs["NTC1"]
    login(users[Role.sme])
    assert client.post(f"/requests/{other_req.id}/parts/{other_sub.id}/booking",
                       data={"slot_id": str(first.id)}).status_code == 302
    full = client.post(url, data={"slot_id": str(first.id)})
    assert full.status_code == 409
    db.session.expire_all()
    assert db.session.get(Slot, second.id).booked == 1        # ours kept
    # Strangers get nothing; cancelling frees the place.
    login(factories.create_user(Role.sme))
    assert client.get(url).status_code == 404
    login(users[Role.sme])
    assert client.post(url, data={"cancel": "1"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Slot, second.id).booked == 0
    assert client.post(url, data={"slot_id": "abc"}).status_code == 400


def test_the_calendar_moves_the_date_shown_before_submitting(app, client, users, login,
                                                              two_labs):
    """An admin enters a public holiday, a lab manager a closure: both push the
    expected date the applicant sees; nobody edits another's days."""
    login(users[Role.sme])
    req = make_draft(client, two_labs["food"])
    page = client.get(f"/requests/{req.id}").get_data(as_text=True)
    before = date.fromisoformat(re.search(r"<td>(\d{4}-\d\d-\d\d)</td></tr>", page).group(1))
    login(factories.create_user(Role.admin))
    holiday = next_weekday(1)
    assert client.post("/calendar-days", data={"day": holiday.isoformat(), "kind": "holiday",
                                               "name": "公众假日"}).status_code == 302
    assert client.post("/calendar-days", data={"day": holiday.isoformat(), "kind": "holiday",
                                               "name": "again"}).status_code == 400
    login(two_labs["ftc_manager"])
    assert client.post("/calendar-days", data={"day": next_weekday(2).isoformat(),
                                               "kind": "holiday", "name": "停电检修"}
                       ).status_code == 302
    closure = db.session.scalars(db.select(CalendarDay).filter_by(
        lab_id=two_labs["food_lab"].id)).one()
    login(users[Role.sme])
    page = client.get(f"/requests/{req.id}").get_data(as_text=True)
    after = date.fromisoformat(re.search(r"<td>(\d{4}-\d\d-\d\d)</td></tr>", page).group(1))
    assert after > before and WorkCalendar().between(before, after) == 2
    login(two_labs["ntc_manager"])  # another lab's manager
    assert client.post(f"/calendar-days/{closure.id}/delete").status_code == 404
    public = db.session.scalars(db.select(CalendarDay).filter_by(lab_id=None)).one()
    assert client.post(f"/calendar-days/{public.id}/delete").status_code == 403


def test_bookings_and_due_dates_as_icalendar(app, client, users, login, two_labs):
    """A booking downloads as .ics; the lab's and the analyst's private feeds carry
    bookings and due dates; a renewed address retires the old one."""
    from icalendar import Calendar

    counter = Resource(lab_id=two_labs["fabric_lab"].id, name="收样窗口",
                       kind=ResourceKind.reception, opens=time(8, 30), closes=time(10, 30),
                       weekdays="0123456", slot_minutes=60, capacity=2)
    db.session.add(counter)
    db.session.commit()
    req, subs = submitted(client, login, users, two_labs)
    sub = subs["NTC1"]
    slot = open_slots(counter, local_today(), 14)[0]
    db.session.commit()
    login(users[Role.sme])
    client.post(f"/requests/{req.id}/parts/{sub.id}/booking", data={"slot_id": str(slot.id)})
    booking = db.session.scalars(db.select(Booking)).one()
    resp = client.get(f"/bookings/{booking.id}.ics")
    assert resp.status_code == 200 and resp.mimetype == "text/calendar"
    [event] = Calendar.from_ical(resp.data).walk("VEVENT")
    assert sub.number in str(event["summary"]) and "收样窗口" in str(event["location"])
    assert event.decoded("dtstart") == to_local(slot.starts_at)
    login(factories.create_user(Role.sme))
    assert client.get(f"/bookings/{booking.id}.ics").status_code == 404

    manager = login(two_labs["ntc_manager"])
    sub.assignee_id = manager.id
    db.session.commit()
    client.post("/lab/feeds", data={"feed": "lab"})
    client.post("/lab/feeds", data={"feed": "me"})
    db.session.expire_all()
    lab_token = db.session.get(type(two_labs["fabric_lab"]), two_labs["fabric_lab"].id).feed_token
    my_token = db.session.get(User, manager.id).feed_token
    page = client.get("/lab/resources").get_data(as_text=True)
    assert lab_token and my_token and f"/feeds/lab/{lab_token}.ics" in page
    assert "<title>可预约资源 ·" in page and page.count('id="feeds"') == 1
    client.post("/logout")  # calendar apps do not sign in
    for url in (f"/feeds/lab/{lab_token}.ics", f"/feeds/me/{my_token}.ics"):
        events = Calendar.from_ical(client.get(url).data).walk("VEVENT")
        summaries = " ".join(str(e["summary"]) for e in events)
        assert sub.number in summaries, url
        assert subs["FTC1"].number not in summaries            # another lab's part
    login(manager)
    client.post("/lab/feeds", data={"feed": "lab"})
    client.post("/logout")
    assert client.get(f"/feeds/lab/{lab_token}.ics").status_code == 404
    assert client.get("/feeds/lab/guess.ics").status_code == 404
