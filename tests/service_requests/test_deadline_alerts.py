"""Deadlines on the desk: the response deadline set at submission, the turnaround
clock that stops while the applicant has the ball and restarts with the days it had,
the queue's time left and overdue flags, and the alert, digest and booking-reminder
jobs, each sending once however often it runs."""
from datetime import UTC, datetime, time, timedelta

from blueprints.notifications.mail import OutgoingMail
from blueprints.notifications.models import Notification
from blueprints.scheduling.reminders import send_booking_reminders
from blueprints.scheduling.slots import book, open_slots
from blueprints.service_requests.alerts import send_answer_alerts, send_digests, send_due_alerts
from blueprints.service_requests.deadlines import resumed_due
from blueprints.service_requests.lifecycle import State
from blueprints.service_requests.models import SubRequest
from core.roles import Role
from core.timeutil import LOCAL_TZ, local_today, to_local, utcnow
from core.working_calendar import lab_calendar
from extensions import db
from tests import factories
from tests.journeys import make_draft, quote, submitted


def notes(user, kind=None):
    db.session.expire_all()
    stmt = db.select(Notification).where(Notification.user_id == user.id)
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    return db.session.scalars(stmt).all()


def local(day, hh, mm=0):
    return datetime.combine(day, time(hh, mm), LOCAL_TZ)


def test_submission_sets_the_response_deadline_both_sides_see(client, users, login, two_labs):
    req, parts = submitted(client, login, users, two_labs)
    sub = parts["NTC1"]
    calendar = lab_calendar(sub.lab_id)
    now = to_local(utcnow())
    start = calendar.next_working_day(now.date() + timedelta(days=now.time() >= time(17, 30)))
    answer = to_local(sub.answer_by)
    assert answer == local(calendar.add(start, 1), 17, 30)
    login(two_labs["ntc_manager"])
    queue = client.get("/lab/queue").get_data(as_text=True)
    assert f"答复期限 {answer:%Y-%m-%d %H:%M}" in queue
    login(users[Role.sme])
    page = client.get(f"/requests/{req.id}").get_data(as_text=True)
    assert f"实验室将于 {answer:%Y-%m-%d %H:%M} 前答复" in page


def test_the_response_time_is_configurable_in_working_minutes(app, client, users, login,
                                                              two_labs):
    app.config.update(RESPONSE_MINUTES=60, OFFICE_HOURS=("00:00", "23:59"))
    _req, parts = submitted(client, login, users, two_labs)
    sub = parts["NTC1"]
    calendar = lab_calendar(sub.lab_id)
    now = to_local(utcnow())
    if calendar.is_working_day(now.date()) and now.time() < time(22, 58):
        assert timedelta(minutes=59) <= to_local(sub.answer_by) - now <= timedelta(minutes=61)
    else:
        assert to_local(sub.answer_by) <= local(calendar.next_working_day(
            now.date() + timedelta(days=1)), 1)


def test_a_returned_part_stops_its_clock_and_restarts_with_the_days_it_had(
        client, users, login, two_labs):
    req, parts = submitted(client, login, users, two_labs)
    sub = parts["FTC1"]
    due_before, item_due_before = sub.due_date, sub.items[0].due_date
    login(two_labs["ftc_manager"])
    client.post(f"/lab/requests/{sub.id}/do/return_for_info",
                data={"version": str(sub.version), "reason": "请说明产品类别"})
    db.session.refresh(sub)
    assert sub.state == State.returned and sub.clock_paused_on == local_today()
    assert sub.answer_by is None
    login(users[Role.sme])
    page = client.get(f"/requests/{req.id}").get_data(as_text=True)
    assert "计时暂停：等待您的答复" in page
    login(two_labs["ftc_manager"])
    assert "计时暂停：等待申请人" in client.get(f"/lab/requests/{sub.id}").get_data(as_text=True)

    # As if the lab had returned it four days ago: the applicant's days are given back.
    paused_on = local_today() - timedelta(days=4)
    sub.clock_paused_on = paused_on
    db.session.commit()
    login(users[Role.sme])
    client.post(f"/requests/{req.id}/parts/{sub.id}/resubmit",
                data={"version": str(sub.version), "answer": "婴幼儿用品"})
    db.session.expire_all()
    sub = db.session.get(SubRequest, sub.id)
    calendar = lab_calendar(sub.lab_id)
    assert sub.state == State.submitted and sub.clock_paused_on is None
    assert sub.due_date == resumed_due(calendar, due_before, paused_on, local_today())
    assert sub.due_date > due_before or due_before < paused_on
    assert sub.items[0].due_date == resumed_due(calendar, item_due_before, paused_on,
                                                local_today())
    assert sub.request.due_date == max(s.due_date for s in sub.request.sub_requests)
    assert sub.answer_by is not None  # the lab owes an answer again


def test_the_clock_waits_for_the_quote_and_the_samples(client, users, login, two_labs):
    _req, parts = submitted(client, login, users, two_labs)
    sub = parts["NTC1"]
    quote(client, login, two_labs["ntc_manager"], sub)
    db.session.refresh(sub)
    assert sub.state == State.quoted and sub.clock_paused_on == local_today()
    login(users[Role.sme])
    client.post(f"/requests/{sub.request_id}/parts/{sub.id}/confirm",
                data={"version": str(sub.version)})
    db.session.refresh(sub)
    assert sub.state == State.confirmed and sub.clock_paused_on == local_today()
    login(two_labs["ntc_manager"])
    client.post(f"/lab/requests/{sub.id}/receive", data={
        "version": str(sub.version), "lines-0-item_id": str(sub.items[0].id),
        "lines-0-condition": "完好"})
    db.session.refresh(sub)
    assert sub.state == State.sample_received and sub.clock_paused_on is None


def test_the_queue_shows_time_left_and_flags_the_overdue(client, users, login, two_labs):
    _req, parts = submitted(client, login, users, two_labs)
    late, paused = parts["NTC1"], submitted(client, login, users, two_labs)[1]["NTC1"]
    today = local_today()
    late.state, late.due_date = State.in_progress, today - timedelta(days=10)
    # Paused after its due date had passed: still the lab's lapse.
    paused.state, paused.due_date = State.quoted, today - timedelta(days=10)
    paused.clock_paused_on = today - timedelta(days=2)
    db.session.commit()
    fresh = submitted(client, login, users, two_labs)[1]["NTC1"]
    fresh.state = State.in_progress
    db.session.commit()
    login(two_labs["ntc_manager"])
    page = client.get("/lab/queue?due=overdue").get_data(as_text=True)
    assert late.number in page and paused.number in page and fresh.number not in page
    assert "逾期" in page and page.count('class="overdue"') == 2
    everything = client.get("/lab/queue").get_data(as_text=True)
    assert "个工作日" in everything  # the fresh part's working days left


def test_answer_alerts_go_to_the_managers_before_and_at_the_deadline_once(
        app, client, users, login, two_labs):
    _req, parts = submitted(client, login, users, two_labs)
    sub = parts["FTC1"]
    managers = [two_labs["ftc_manager"], two_labs["ftc_manager2"]]
    deadline = sub.answer_by.replace(tzinfo=UTC) if sub.answer_by.tzinfo is None \
        else sub.answer_by
    early = deadline - timedelta(hours=5)
    assert send_answer_alerts(early) == 0
    soon = deadline - timedelta(minutes=90)
    assert send_answer_alerts(soon) == 2  # both parts, submitted together
    assert send_answer_alerts(soon) == 0  # a second run sends nothing again
    for manager in managers:
        [alert] = notes(manager, "acceptance_due_soon")
        assert alert.params["number"] == sub.number
    # Each lab's managers hear of their own part only.
    assert [n.params["number"] for n in notes(two_labs["ntc_manager"])] == [parts["NTC1"].number]
    assert send_answer_alerts(deadline + timedelta(minutes=1)) == 2
    assert send_answer_alerts(deadline + timedelta(hours=3)) == 0
    assert all(len(notes(m, "acceptance_overdue")) == 1 for m in managers)
    mails = [m for m in db.session.scalars(db.select(OutgoingMail).where(
        OutgoingMail.kind == "acceptance_overdue")) if sub.number in m.body]
    assert sorted(m.to_address for m in mails) == sorted(m.email for m in managers)


def _past_every_deadline(parts) -> datetime:
    """A minute after the last of the parts' answer deadlines."""
    last = max(p.answer_by for p in parts.values())
    return (last if last.tzinfo else last.replace(tzinfo=UTC)) + timedelta(minutes=1)


def test_an_answered_request_raises_no_alert(client, users, login, two_labs):
    _req, parts = submitted(client, login, users, two_labs)
    sub = parts["NTC1"]
    # Just past both deadlines, whatever the hour and weekday the test runs at (a fixed
    # span ahead could fall past the alerts' look-back after a weekend).
    later = _past_every_deadline(parts)
    quote(client, login, two_labs["ntc_manager"], sub)
    assert send_answer_alerts(later) == 1  # only the FTC part
    assert notes(two_labs["ntc_manager"]) == []


def test_due_date_alerts_before_and_when_overdue(client, users, login, two_labs):
    _req, parts = submitted(client, login, users, two_labs)
    sub = parts["NTC1"]
    analyst = two_labs["ntc_analyst"]
    sub.state, sub.assignee_id = State.in_progress, analyst.id
    calendar = lab_calendar(sub.lab_id)
    now = utcnow()
    today = to_local(now).date()
    sub.due_date = calendar.add(today, 3)
    db.session.commit()
    assert send_due_alerts(now) == 0
    sub.due_date = calendar.add(today, 1)
    db.session.commit()
    assert send_due_alerts(now) == 1 and send_due_alerts(now) == 0
    assert len(notes(analyst, "turnaround_due_soon")) == 1
    assert len(notes(two_labs["ntc_manager"], "turnaround_due_soon")) == 1
    sub.due_date = today - timedelta(days=1)
    db.session.commit()
    assert send_due_alerts(now) == 1 and send_due_alerts(now) == 0
    assert len(notes(two_labs["ntc_manager2"], "turnaround_overdue")) == 1


def test_the_morning_digest_goes_once_a_day_from_seven(app, client, users, login, two_labs):
    submitted(client, login, users, two_labs)
    day = local_today()
    assert send_digests(local(day, 6, 30).astimezone(UTC)) == 0
    assert send_digests(local(day, 7, 5).astimezone(UTC)) == 4  # two managers of two labs
    assert send_digests(local(day, 9).astimezone(UTC)) == 0
    [digest] = notes(two_labs["ntc_manager"], "daily_digest")
    assert digest.params == {"new": 1, "due_today": 0, "overdue": 0}
    assert send_digests(local(day + timedelta(days=1), 8).astimezone(UTC)) == 4
    quiet = factories.create_lab(code="QT1")
    factories.create_user(Role.lab_manager, lab=quiet)
    assert send_digests(local(day + timedelta(days=2), 8).astimezone(UTC)) == 4  # not QT1


def test_booking_reminders_the_day_before_once(client, users, login, two_labs):
    _req, parts = submitted(client, login, users, two_labs)
    sub = parts["NTC1"]
    counter = factories.create_resource(sub.lab_id, opens=(9, 0), closes=(10, 0))
    slot = open_slots(counter, local_today(), 5)[-1]
    booking = book(slot.id, users[Role.sme], sub)
    db.session.commit()
    eve = to_local(slot.starts_at).date() - timedelta(days=1)
    assert send_booking_reminders(local(eve - timedelta(days=1), 10).astimezone(UTC)) == 0
    assert send_booking_reminders(local(eve, 6).astimezone(UTC)) == 0  # not before seven
    assert send_booking_reminders(local(eve, 10).astimezone(UTC)) == 1
    assert send_booking_reminders(local(eve, 11).astimezone(UTC)) == 0
    [reminder] = notes(users[Role.sme], "booking_reminder")
    assert reminder.params["when"] == f"{to_local(slot.starts_at):%Y-%m-%d %H:%M}"
    assert "收样窗口" in reminder.params["place"]
    assert booking.id


def test_a_booked_up_counter_moves_the_date_shown_before_submitting(client, users, login,
                                                                     two_labs):
    lab = two_labs["fabric_lab"]
    counter = factories.create_resource(lab.id, capacity=1)
    login(users[Role.sme])
    req = make_draft(client, two_labs["fabric"])
    calendar = lab_calendar(lab.id)
    free = client.get(f"/requests/{req.id}").get_data(as_text=True)
    # 5 days' turnaround from today, even after the day's last slot has begun: a
    # counter merely closed for the rest of today delays no one (first_free_days).
    assert str(calendar.add(local_today(), 5)) in free
    for slot in open_slots(counter, local_today(), 14):
        slot.booked = 1  # every place of the next two weeks taken
    db.session.commit()
    first = local_today() + timedelta(days=14)
    full = client.get(f"/requests/{req.id}").get_data(as_text=True)
    assert str(calendar.add(first, 5)) in full
    client.post(f"/requests/{req.id}/submit", data={"version": str(req.version)})
    db.session.refresh(req)
    assert req.sub_requests[0].due_date == calendar.add(first, 5)
    assert req.sub_requests[0].routing_reason[0]["chosen"]["first_drop_off"] == str(first)


def test_two_runs_at_once_alert_once(app, client, users, login, two_labs):
    """Two workers running the alert job at the same moment (a standby that has just
    taken over, say) send each alert once: the claim decides."""
    import threading
    _req, parts = submitted(client, login, users, two_labs)
    later = _past_every_deadline(parts)
    gate = threading.Barrier(2)
    sent, errors = [], []

    def run():
        with app.app_context(), app.test_request_context():
            try:
                gate.wait()
                sent.append(send_answer_alerts(later))
            except Exception as err:  # any error fails the test below
                errors.append(repr(err))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == [] and sorted(sent) in ([0, 2], [1, 1])
    for manager in ("ntc_manager", "ntc_manager2", "ftc_manager", "ftc_manager2"):
        assert len(notes(two_labs[manager], "acceptance_overdue")) == 1


def test_a_paused_clock_names_what_it_waits_for(client, users, login, two_labs):
    """Quoted: the applicant's acceptance; accepted: the samples. Each step says what
    happened and what comes next."""
    req, parts = submitted(client, login, users, two_labs)
    sub = parts["NTC1"]
    assert quote(client, login, two_labs["ntc_manager"], sub).status_code == 302
    login(users[Role.sme])
    assert "计时暂停：等待您确认报价" in client.get(f"/requests/{req.id}").get_data(as_text=True)
    db.session.refresh(sub)
    resp = client.post(f"/requests/{req.id}/parts/{sub.id}/confirm",
                       data={"version": str(sub.version)}, follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert "已接受报价。实验室现在等待您的样品" in page and "计时暂停：等待您送样" in page
    login(two_labs["ntc_manager"])
    assert "计时暂停：等待样品送达" in client.get(f"/lab/requests/{sub.id}").get_data(as_text=True)
