"""The lab calendar: its feed shows the lab's own bookings and due dates (by counter,
by analyst) in a fixed number of queries; a manager moves a booking to another slot of
its counter in one transaction, and every refusal leaves it where it was."""
import itertools
from datetime import datetime, time, timedelta

import pytest

from blueprints.audit.models import AuditEvent
from blueprints.notifications.models import Notification
from blueprints.scheduling.allocation import free_places
from blueprints.scheduling.calendar_views import parse_local
from blueprints.scheduling.kinds import BookingState, ResourceKind
from blueprints.scheduling.models import Booking, Resource, Slot
from blueprints.scheduling.slots import book, ensure_slots
from blueprints.service_requests.lifecycle import State
from blueprints.service_requests.models import ServiceRequest, SubRequest
from core.roles import Role
from core.timeutil import LOCAL_TZ, local_today, to_local, utcnow
from core.workdays import WorkCalendar
from core.working_calendar import CalendarDay, DayKind
from extensions import db
from tests import factories

_numbers = itertools.count(1)


def make_counter(lab, capacity=2, weekdays="0123456", name="收样窗口"):
    """A counter open every day (so no test depends on today's weekday), three
    one-hour slots from 08:30."""
    counter = Resource(lab_id=lab.id, name=name, kind=ResourceKind.reception,
                       opens=time(8, 30), closes=time(11, 30), weekdays=weekdays,
                       slot_minutes=60, capacity=capacity)
    db.session.add(counter)
    db.session.commit()
    return counter


def make_part(lab, applicant, due=None, assignee=None, state=State.confirmed):
    n = next(_numbers)
    req = ServiceRequest(number=f"QD-2026-{900000 + n}", state=State.submitted,
                         enterprise=applicant.enterprise, applicant=applicant,
                         title=f"送检{n}", contact_name="许雅婷", contact_phone="13900000000",
                         submitted_at=utcnow())
    sub = SubRequest(request=req, lab=lab, part=1, state=state, due_date=due,
                     assignee_id=assignee.id if assignee else None)
    db.session.add(req)
    db.session.commit()
    return sub


def slots_of(counter, day, days=1):
    ensure_slots(counter, day, days)
    db.session.commit()
    return db.session.scalars(db.select(Slot).where(Slot.resource_id == counter.id)
                              .order_by(Slot.starts_at)).all()


def wall(slot):
    return to_local(slot.starts_at).strftime("%Y-%m-%dT%H:%M:%S")


def week_of(day):
    return {"start": (day - timedelta(days=1)).isoformat(),
            "end": (day + timedelta(days=6)).isoformat()}


@pytest.fixture
def day(app):
    return local_today() + timedelta(days=8)


@pytest.fixture
def sme(app):
    return factories.create_user(Role.sme)


def feed(client, **params):
    resp = client.get("/lab/calendar/events", query_string=params)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return {e.get("id", f"free-{e['start']}"): e for e in resp.get_json()}


def test_the_feed_shows_the_labs_own_bookings_and_due_dates(app, client, login, two_labs,
                                                            sme, day):
    ntc, ftc = two_labs["fabric_lab"], two_labs["food_lab"]
    ours, theirs = make_counter(ntc), make_counter(ftc)
    part = make_part(ntc, sme, due=day + timedelta(days=2))
    other_lab_part = make_part(ftc, sme, due=day + timedelta(days=2))
    closed = make_part(ntc, sme, due=day + timedelta(days=1), state=State.closed)
    slot, their_slot = slots_of(ours, day)[0], slots_of(theirs, day)[0]
    booking = book(slot.id, sme, part)
    their_booking = book(their_slot.id, sme, other_lab_part)
    db.session.commit()

    login(two_labs["ntc_manager"])
    events = feed(client, **week_of(day))
    mine = events[f"booking-{booking.id}"]
    assert mine["title"] == f"{part.number} · {sme.enterprise.name}"
    assert mine["start"] == wall(slot) and mine["end"].endswith(":30:00")
    assert mine["url"] == f"/lab/requests/{part.id}"
    assert mine["startEditable"] and mine["extendedProps"]["resource"] == "收样窗口"
    assert mine["extendedProps"]["moveUrl"] == f"/lab/bookings/{booking.id}/move"
    due = events[f"due-{part.id}"]
    assert due["allDay"] and due["start"] == (day + timedelta(days=2)).isoformat()
    assert f"booking-{their_booking.id}" not in events
    assert f"due-{other_lab_part.id}" not in events
    assert f"due-{closed.id}" not in events                      # not open any more
    assert not [e for e in events.values() if e.get("display") == "background"]
    # Outside the range: nothing.
    assert feed(client, start=(day + timedelta(days=10)).isoformat(),
                end=(day + timedelta(days=17)).isoformat()) == {}

    login(two_labs["ntc_analyst"])  # staff see it all, and move nothing
    mine = feed(client, **week_of(day))[f"booking-{booking.id}"]
    assert not mine["startEditable"] and not mine["extendedProps"]["moveUrl"]
    page = client.get("/lab/calendar").get_data(as_text=True)
    assert 'id="lab-calendar"' in page and "fullcalendar-6.1.22/index.global.min.js" in page
    assert 'data-locale="zh-cn"' in page and "拖到" not in page

    login(sme)
    assert client.get("/lab/calendar").status_code == 403
    assert client.get("/lab/calendar/events", query_string=week_of(day)).status_code == 403


def test_the_page_in_english_and_its_links(app, client, login, two_labs):
    login(two_labs["ntc_manager"])
    page = client.get("/lab/resources").get_data(as_text=True)
    assert 'href="/lab/calendar"' in page and "实验室日历" in page
    page = client.get("/lab/calendar?date=2026-03-04&resource=abc").get_data(as_text=True)
    assert 'data-initial-date="2026-03-04"' in page and ">日历</a>" in page and "拖到" in page
    client.get("/lang/en")
    page = client.get("/lab/calendar?date=nonsense").get_data(as_text=True)
    assert 'data-locale="en"' in page and 'data-initial-date=""' in page
    assert "<h1>Lab calendar" in page


def test_the_resource_and_analyst_filters(app, client, login, two_labs, sme, day):
    ntc = two_labs["fabric_lab"]
    analyst = two_labs["ntc_analyst"]
    front, back = make_counter(ntc, capacity=1), make_counter(ntc, name="二号窗口")
    assigned = make_part(ntc, sme, due=day, assignee=analyst)
    unassigned = make_part(ntc, sme, due=day)
    front_slot, back_slot = slots_of(front, day)[0], slots_of(back, day)[0]
    on_front = book(front_slot.id, sme, assigned)
    on_back = book(back_slot.id, sme, unassigned)
    db.session.commit()
    login(two_labs["ntc_manager"])

    events = feed(client, resource=str(front.id), **week_of(day))
    assert f"booking-{on_front.id}" in events and f"booking-{on_back.id}" not in events
    assert {f"due-{assigned.id}", f"due-{unassigned.id}"} <= set(events)   # not by counter
    free = [e for e in events.values() if e.get("display") == "background"]
    # The counter's future places with room, made or not: the booked one is full.
    assert free and all(e["extendedProps"]["kind"] == "free" for e in free)
    assert wall(front_slot) not in {e["start"] for e in free}
    assert wall(slots_of(front, day)[1]) in {e["start"] for e in free}

    events = feed(client, analyst=str(analyst.id), **week_of(day))
    assert set(events) == {f"booking-{on_front.id}", f"due-{assigned.id}"}

    ftc_counter = make_counter(two_labs["food_lab"])
    for params in ({"resource": str(ftc_counter.id)}, {"resource": "abc"},
                   {"resource": "99999999999"}, {"analyst": str(two_labs["ftc_manager"].id)},
                   {"analyst": str(sme.id)}, {"analyst": "-1"}):
        resp = client.get("/lab/calendar/events", query_string={**week_of(day), **params})
        assert resp.status_code == 400 and resp.get_json()["message"], params


def test_a_busy_day_shows_how_many_parts_are_due_and_links_to_them(app, client, login,
                                                                   two_labs, sme, day):
    from blueprints.scheduling.calendar_views import DUE_SHOWN
    ntc, analyst = two_labs["fabric_lab"], two_labs["ntc_analyst"]
    busy = [make_part(ntc, sme, due=day, assignee=analyst if k < 2 else None)
            for k in range(DUE_SHOWN + 1)]
    quiet = make_part(ntc, sme, due=day + timedelta(days=1))
    closed = make_part(ntc, sme, due=day, state=State.closed)
    elsewhere = make_part(two_labs["food_lab"], sme, due=day)
    login(two_labs["ntc_manager"])

    events = feed(client, **week_of(day))
    summary = events[f"due-day-{day.isoformat()}"]
    assert summary["title"] == f"{DUE_SHOWN + 1} 个分单到期" and summary["allDay"]
    assert summary["start"] == day.isoformat() and summary["extendedProps"]["kind"] == "due"
    assert summary["url"] == f"/lab/queue?due={day.isoformat()}"
    assert not {f"due-{p.id}" for p in busy} & set(events)     # counted, not listed
    assert f"due-{quiet.id}" in events                           # a quiet day: one by one
    # The link: that day's open parts of the lab, and only those.
    page = client.get(summary["url"]).get_data(as_text=True)
    assert all(p.number in page for p in busy)
    assert quiet.number not in page and closed.number not in page
    assert elsewhere.number not in page
    assert f'<option value="{day.isoformat()}" selected>' in page

    # One analyst's two parts that day are few: listed, and the queue link keeps him.
    events = feed(client, analyst=str(analyst.id), **week_of(day))
    assert {f"due-{busy[0].id}", f"due-{busy[1].id}"} <= set(events)
    client.get("/lang/en")
    events = feed(client, **week_of(day))
    assert events[f"due-day-{day.isoformat()}"]["title"] == f"{DUE_SHOWN + 1} parts due"
    # A due filter that is not a day is ignored, not an error.
    for bad in ("2026-13-40", "tomorrow", "2026-1-1", "9" * 40):
        resp = client.get("/lab/queue", query_string={"due": bad})
        assert resp.status_code == 200 and all(p.number in resp.get_data(as_text=True)
                                               for p in busy[:3])


@pytest.mark.parametrize("params", [
    {"start": "soon", "end": "2026-03-08"},
    {"start": "2026-03-01"},
    {"start": "2026-03-08", "end": "2026-03-01"},
    {"start": "2026-03-01", "end": "2026-03-01"},
    {"start": "2026-01-01", "end": "2026-03-15"},                 # 73 days
    {"start": "2026-02-30", "end": "2026-03-08"},
    {"start": "2026-03-01T25:00:00", "end": "2026-03-08"},
    {"start": "9" * 100, "end": "2026-03-08"},
    {"start": "0001-01-01", "end": "0001-01-08"},
    {"start": "9999-12-25", "end": "9999-12-31T23:59:59"},
])
def test_bad_ranges_are_refused_in_words(app, client, login, two_labs, params):
    login(two_labs["ntc_manager"])
    resp = client.get("/lab/calendar/events", query_string=params)
    assert resp.status_code == 400 and resp.is_json and resp.get_json()["message"]


def test_the_month_view_range_and_offsets_are_accepted(app, client, login, two_labs):
    login(two_labs["ntc_manager"])
    for start, end in (("2026-02-23", "2026-04-06"),        # a month view: six weeks
                       ("2026-03-02T00:00:00+08:00", "2026-03-09T00:00:00+08:00"),
                       ("2026-03-01T16:00:00Z", "2026-03-08T16:00:00Z")):
        assert client.get("/lab/calendar/events",
                          query_string={"start": start, "end": end}).status_code == 200


def test_parse_local_reads_times_without_offset_as_beijing_time():
    assert parse_local("2026-03-02T09:30:00") == datetime(2026, 3, 2, 9, 30, tzinfo=LOCAL_TZ)
    assert parse_local("2026-03-02T01:30:00Z") == datetime(2026, 3, 2, 9, 30, tzinfo=LOCAL_TZ)
    assert parse_local("2026-03-02") == datetime(2026, 3, 2, tzinfo=LOCAL_TZ)
    for bad in ("", None, "tomorrow", "2026-13-01"):
        with pytest.raises(ValueError):
            parse_local(bad)


def test_free_places_count_slots_not_made_yet():
    counter = Resource(opens=time(8, 30), closes=time(10, 30), weekdays="01234",
                       slot_minutes=60, capacity=2)
    monday = datetime(2026, 3, 2).date()
    calendar = WorkCalendar(holidays=frozenset({monday + timedelta(days=1)}))
    taken = {parse_local("2026-03-02T08:30:00"): 0, parse_local("2026-03-02T09:30:00"): 1}
    places = free_places(counter, calendar, taken, monday, monday + timedelta(days=7),
                         now=parse_local("2026-03-01T00:00:00"))
    # Monday's first slot is full; Tuesday is a holiday; the weekend is closed.
    assert [(to_local(p.starts_at).strftime("%a %H:%M"), p.free) for p in places] == [
        ("Mon 09:30", 1), ("Wed 08:30", 2), ("Wed 09:30", 2), ("Thu 08:30", 2),
        ("Thu 09:30", 2), ("Fri 08:30", 2), ("Fri 09:30", 2)]


# -- moving -------------------------------------------------------------------------

@pytest.fixture
def booked(app, two_labs, sme, day):
    """A part of NTC with a live drop-off booking on the day's first slot."""
    counter = make_counter(two_labs["fabric_lab"], capacity=1)
    slots = slots_of(counter, day, 2)
    part = make_part(two_labs["fabric_lab"], sme)
    booking = book(slots[0].id, sme, part)
    db.session.commit()
    return {"counter": counter, "slots": slots, "part": part, "booking": booking}


def move(client, booking_id, start, **body):
    return client.post(f"/lab/bookings/{booking_id}/move", json={"start": start, **body})


def live_bookings():
    db.session.expire_all()
    return db.session.scalars(db.select(Booking).where(Booking.state == BookingState.booked)
                              ).all()


def test_a_manager_moves_a_booking_to_a_free_slot(app, client, login, two_labs, sme, booked):
    old, new = booked["slots"][0], booked["slots"][4]     # the next day, 09:30
    login(two_labs["ntc_manager"])
    resp = move(client, booked["booking"].id, wall(new))
    assert resp.status_code == 200, resp.get_data(as_text=True)
    when = to_local(new.starts_at).strftime("%Y-%m-%d %H:%M")
    answer = resp.get_json()
    assert when in answer["message"] and answer["start"] == wall(new)
    [live] = live_bookings()
    assert live.slot_id == new.id and live.sub_request_id == booked["part"].id
    assert answer["id"] == f"booking-{live.id}"
    assert answer["moveUrl"] == f"/lab/bookings/{live.id}/move"
    assert (db.session.get(Slot, old.id).booked, db.session.get(Slot, new.id).booked) == (0, 1)
    assert db.session.get(Booking, booked["booking"].id).state == BookingState.cancelled
    [note] = db.session.scalars(db.select(Notification).filter_by(kind="booking_moved")).all()
    assert note.user_id == sme.id and note.params == {"number": booked["part"].number,
                                                      "when": when}
    assert note.link.endswith(f"/requests/{booked['part'].request_id}")
    [event, on_part] = db.session.scalars(db.select(AuditEvent).filter_by(
        action="booking_moved").order_by(AuditEvent.id)).all()
    assert event.actor_id == two_labs["ntc_manager"].id and event.entity_id == live.id
    # The part's timeline shows the move too.
    assert (on_part.entity, on_part.entity_id) == ("sub_requests", booked["part"].id)
    assert event.before["slot"] == old.id and event.after["slot"] == new.id
    assert event.before["starts_at"] == wall(old) and event.after["starts_at"] == wall(new)
    # The feed shows it at its new time, under its new id.
    events = feed(client, **week_of(local_today() + timedelta(days=8)))
    assert events[f"booking-{live.id}"]["start"] == wall(new)
    assert f"booking-{booked['booking'].id}" not in events


def test_a_full_slot_refuses_the_move_and_nothing_changes(app, client, login, two_labs, sme,
                                                          booked):
    target = booked["slots"][1]
    someone = make_part(two_labs["fabric_lab"], sme)
    book(target.id, sme, someone)
    db.session.commit()
    login(two_labs["ntc_manager"])
    resp = move(client, booked["booking"].id, wall(target))
    assert resp.status_code == 409
    assert to_local(booked["slots"][0].starts_at).strftime("%H:%M") in resp.get_json()["message"]
    assert {b.id for b in live_bookings()} >= {booked["booking"].id}
    assert db.session.get(Slot, booked["slots"][0].id).booked == 1
    assert db.session.get(Slot, target.id).booked == 1
    assert not db.session.scalars(db.select(Notification).filter_by(kind="booking_moved")).all()
    assert not db.session.scalars(db.select(AuditEvent).filter_by(action="booking_moved")).all()


def test_who_may_move_a_booking(app, client, login, two_labs, booked):
    url_args = (booked["booking"].id, wall(booked["slots"][2]))
    login(two_labs["ntc_analyst"])
    assert move(client, *url_args).status_code == 403          # staff look, managers move
    login(two_labs["ftc_manager"])
    assert move(client, *url_args).status_code == 404          # another lab's booking
    login(factories.create_user(Role.sme))
    assert move(client, *url_args).status_code == 403
    login(two_labs["ntc_manager"])
    assert move(client, 2**31 - 1, url_args[1]).status_code == 404
    assert move(client, 999999, url_args[1]).status_code == 404
    assert [b.id for b in live_bookings()] == [booked["booking"].id]


def test_bad_moves_are_refused_in_words(app, client, login, two_labs, booked, day):
    booking = booked["booking"]
    first = to_local(booked["slots"][0].starts_at)
    db.session.add(CalendarDay(lab_id=two_labs["fabric_lab"].id, day=day + timedelta(days=3),
                               kind=DayKind.holiday, name="停电检修"))
    db.session.commit()
    login(two_labs["ntc_manager"])
    refused = {
        "not a slot start": (first + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%S"),
        "before opening": first.replace(hour=7, minute=30).strftime("%Y-%m-%dT%H:%M:%S"),
        "at closing": first.replace(hour=11, minute=30).strftime("%Y-%m-%dT%H:%M:%S"),
        "in the past": (local_today() - timedelta(days=1)).isoformat() + "T08:30:00",
        "a closure": (day + timedelta(days=3)).isoformat() + "T08:30:00",
        "where it is": wall(booked["slots"][0]),
        "not a time": "next Tuesday",
        "the end of time": "9999-12-31T08:30:00",
        "empty": "",
    }
    for why, start in refused.items():
        resp = move(client, booking.id, start)
        assert resp.status_code == 400 and resp.get_json()["message"], why
    for body in (None, "[]", '{"start": 5}', '{"start": null}', "not json"):
        resp = client.post(f"/lab/bookings/{booking.id}/move", data=body,
                           content_type="application/json")
        assert resp.status_code == 400, body
    assert [b.id for b in live_bookings()] == [booking.id]
    assert db.session.get(Slot, booked["slots"][0].id).booked == 1


def test_only_bookings_that_still_help_move(app, client, login, two_labs, sme,
                                                        booked, day):
    login(two_labs["ntc_manager"])
    booking, target = booked["booking"], wall(booked["slots"][2])
    part = db.session.get(SubRequest, booked["part"].id)
    part.state = State.sample_received
    db.session.commit()
    assert not feed(client, **week_of(day))[f"booking-{booking.id}"]["startEditable"]
    assert move(client, booking.id, target).status_code == 409
    part.state = State.confirmed
    db.session.commit()
    assert feed(client, **week_of(day))[f"booking-{booking.id}"]["startEditable"]

    team = make_counter(two_labs["fabric_lab"], name="上门服务组")
    team.kind = ResourceKind.onsite_team
    db.session.commit()
    visited = make_part(two_labs["fabric_lab"], sme, state=State.in_progress)
    visit = book(slots_of(team, day)[0].id, two_labs["ntc_manager"], visited)
    db.session.commit()
    # An on-site visit moves while the work is open; the applicant hears the new time.
    shown = feed(client, **week_of(day))[f"booking-{visit.id}"]
    assert shown["startEditable"] and shown["extendedProps"]["moveUrl"]
    resp = move(client, visit.id, wall(slots_of(team, day)[1]))
    assert resp.status_code == 200, resp.get_json()
    told = db.session.scalars(db.select(Notification).where(
        Notification.kind == "visit_booked")).all()
    assert [n.params["number"] for n in told] == [visited.number]
    moved_visit = resp.get_json()["id"].removeprefix("booking-")
    db.session.get(SubRequest, visited.id).state = State.in_review
    db.session.commit()
    shown = feed(client, **week_of(day))[f"booking-{moved_visit}"]
    assert not shown["startEditable"] and not shown["extendedProps"]["moveUrl"]
    resp = move(client, int(moved_visit), wall(slots_of(team, day)[2]))
    assert resp.status_code == 409 and resp.get_json()["message"]

    cancelled = db.session.get(Booking, booking.id)
    cancelled.state = BookingState.cancelled
    db.session.commit()
    assert move(client, booking.id, target).status_code == 409
    assert db.session.get(Slot, booked["slots"][2].id).booked == 0


def test_the_feed_runs_a_fixed_number_of_queries(app, client, login, two_labs, count_queries,
                                                 day):
    ntc = two_labs["fabric_lab"]
    counter = make_counter(ntc, capacity=10)
    slots = slots_of(counter, day, 3)
    manager = login(two_labs["ntc_manager"])

    def add_bookings(n):
        for i in range(n):
            applicant = factories.create_user(Role.sme)       # each its own enterprise
            part = make_part(ntc, applicant, due=day + timedelta(days=i % 5),
                             assignee=manager)
            book(slots[i % len(slots)].id, applicant, part)
        db.session.commit()

    def count(**params):
        with count_queries() as counted:
            events = feed(client, **week_of(day), **params)
        return counted.count, len(events)

    add_bookings(3)
    few = [count(), count(resource=str(counter.id), analyst=str(manager.id))]
    add_bookings(27)
    many = [count(), count(resource=str(counter.id), analyst=str(manager.id))]
    assert [n for n, _ in few] == [n for n, _ in many], (few, many)
    assert many[0][1] == 60 and few[0][1] == 6           # 30 bookings + 30 due dates
