"""My tasks: what waits on each person, theirs only, in a fixed number of queries."""
from core.roles import Role
from extensions import db
from tests import factories
from tests.journeys import quote, submitted


def test_each_person_sees_what_waits_on_them(app, client, users, login, two_labs):
    req, subs = submitted(client, login, users, two_labs)
    quote(client, login, two_labs["ntc_manager"], subs["NTC1"])
    login(users[Role.sme])
    page = client.get("/tasks").get_data(as_text=True)
    assert subs["NTC1"].number in page.split('id="task-accept_quote"')[1].split("</section>")[0]
    login(two_labs["ftc_manager"])
    page = client.get("/tasks").get_data(as_text=True)
    assert subs["FTC1"].number in page.split('id="task-to_accept"')[1].split("</section>")[0]
    assert subs["NTC1"].number not in page                 # another lab's
    login(factories.create_user(Role.sme))                 # another enterprise
    page = client.get("/tasks").get_data(as_text=True)
    assert req.number not in page
    login(users[Role.admin])
    assert 'id="task-enterprises_to_verify"' in client.get("/tasks").get_data(as_text=True)


def test_the_inbox_runs_a_fixed_number_of_queries(app, client, users, login, two_labs,
                                                  count_queries):
    counts = []
    for n in (2, 6):
        while db.session.scalar(db.select(db.func.count()).select_from(
                db.text("sub_requests"))) < 2 * n:
            submitted(client, login, users, two_labs)
        for who in (two_labs["ftc_manager"], users[Role.sme]):
            login(who)
            with count_queries() as page:
                assert client.get("/tasks").status_code == 200
            counts.append(page.count)
    assert counts[:2] == counts[2:]


def test_todays_drop_offs_wait_at_the_labs_counter(app, client, users, login, two_labs):
    from datetime import datetime, time, timedelta

    from blueprints.scheduling.models import Booking, Slot
    from core.timeutil import LOCAL_TZ, local_today
    _req, subs = submitted(client, login, users, two_labs)
    sub = subs["NTC1"]
    counter = factories.create_resource(sub.lab_id)
    # A booking for today (made this morning: the slot may have started already).
    start = datetime.combine(local_today(), time(0), LOCAL_TZ)
    slot = Slot(resource_id=counter.id, starts_at=start, ends_at=start + timedelta(hours=1),
                capacity=2, booked=1)
    db.session.add(slot)
    db.session.flush()
    db.session.add(Booking(slot_id=slot.id, sub_request_id=sub.id,
                           booked_by_id=users[Role.sme].id))
    db.session.commit()
    for who in (two_labs["ntc_manager"], two_labs["ntc_analyst"]):
        login(who)
        page = client.get("/tasks").get_data(as_text=True)
        assert sub.number in page.split('id="task-drop_offs_today"')[1].split("</section>")[0]
    login(two_labs["ftc_manager"])
    assert sub.number not in client.get("/tasks").get_data(as_text=True)


def test_each_list_keeps_its_due_date_order(app, client, users, login, two_labs):
    """Every list's ids are found in one statement: each list still comes in its own
    order, the soonest due first, and holds only its own parts."""
    from datetime import timedelta

    from core.timeutil import local_today
    parts = [submitted(client, login, users, two_labs)[1]["NTC1"] for _ in range(3)]
    for days, sub in zip((9, 3, 6), parts, strict=True):
        sub.due_date = local_today() + timedelta(days=days)
    db.session.commit()
    quote(client, login, two_labs["ntc_manager"], parts[2])    # no longer to accept
    login(two_labs["ntc_manager"])
    page = client.get("/tasks").get_data(as_text=True)
    to_accept = page.split('id="task-to_accept"')[1].split("</section>")[0]
    assert to_accept.index(parts[1].number) < to_accept.index(parts[0].number)
    assert parts[2].number not in to_accept
