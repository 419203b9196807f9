"""E-mail: a real local SMTP server (aiosmtpd) receives the mails of a request's path;
a mail server that is down breaks nothing, and what fails is retried and listed;
people choose their mails; "forgot password" works once, by e-mailed link."""
import email
import re
import socket
from email import policy

import pytest

from blueprints.notifications.mail import MailState, OutgoingMail, deliver_pending
from blueprints.notifications.models import Notification
from core.roles import Role
from extensions import db
from tests import factories
from tests.conftest import PUBLIC_URL
from tests.journeys import closed_part


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"


@pytest.fixture
def smtp(app):
    """A real SMTP server on a free local port; the app's mail goes there."""
    from aiosmtpd.controller import Controller
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    yield inbox
    controller.stop()


def outbox(**filters) -> list[OutgoingMail]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(OutgoingMail).filter_by(**filters)
                                   .order_by(OutgoingMail.id)))


def test_the_mails_of_a_requests_path_arrive(app, client, users, login, two_labs, smtp):
    sme = users[Role.sme]
    colleague = factories.create_user(Role.sme, enterprise=sme.enterprise, locale="en")
    req, sub = closed_part(client, login, users, two_labs)
    assert deliver_pending(app.config) == (8, 0)
    by_person = {}
    for message in smtp.messages:
        by_person.setdefault(message["To"], []).append(message["Subject"])
    number = sub.number
    assert by_person[sme.email] == [f"{s} · {number}" for s in (
        "您的委托已受理", "样品已收到", "检测结果已批准", "报告已签发")]
    assert by_person[colleague.email] == [f"{s} · {number}" for s in (
        "Your request is accepted", "Your samples are received",
        "Your results are approved", "Your report is issued")]
    body = smtp.messages[-1].get_content()
    assert f"/requests/{req.id}" in body and number in body
    assert all(m.state == MailState.sent for m in outbox())
    # The same steps are in the desk for each of them.
    assert db.session.scalar(db.select(db.func.count(Notification.id))
                             .filter_by(user_id=sme.id)) == 4


def test_a_mail_server_that_is_down_breaks_nothing(app, client, users, login, two_labs):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nobody listens
    req, sub = closed_part(client, login, users, two_labs)   # every step went through
    assert deliver_pending(app.config) == (0, 0)
    pending = outbox(state=MailState.pending)
    assert len(pending) == 4 and all(m.attempts == 1 and "mail server" in m.last_error
                                     for m in pending)
    for _try in range(4):  # the retries come due
        db.session.execute(db.update(OutgoingMail).values(next_attempt_at=db.func.now()))
        db.session.commit()
        deliver_pending(app.config)
    failed = outbox(state=MailState.failed)
    assert len(failed) == 4 and failed[0].attempts == 5
    login(factories.create_user(Role.admin))
    page = client.get("/admin/mail").get_data(as_text=True)
    assert users[Role.sme].email in page and "mail server" in page
    assert "邮件服务器拒绝连接" in page   # in plain words, the technical text beside it
    client.post(f"/admin/mail/{failed[0].id}/retry")
    assert outbox(id=failed[0].id)[0].state == MailState.pending


def test_people_choose_which_mails_they_get(app, client, users, login, two_labs, smtp):
    sme = login(users[Role.sme])
    page = client.get("/account/notifications").get_data(as_text=True)
    assert 'value="results_approved" checked' in page
    wanted = ["request_accepted", "certificate_issued"]
    assert client.post("/account/notifications", data={"kind": wanted}).status_code == 302
    closed_part(client, login, users, two_labs)
    deliver_pending(app.config)
    subjects = [m["Subject"].split(" · ")[0] for m in smtp.messages if m["To"] == sme.email]
    assert subjects == ["您的委托已受理", "报告已签发"]
    assert db.session.scalar(db.select(db.func.count(Notification.id))
                             .filter_by(user_id=sme.id)) == 4   # the desk still tells all


def test_forgot_password_by_a_single_use_link(app, client, users, smtp):
    sme = users[Role.sme]
    resp = client.post("/forgot", data={"email": sme.email.upper()})
    assert resp.status_code == 302
    unknown = client.post("/forgot", data={"email": "nobody@example.com"})
    assert unknown.status_code == 302          # the same answer: nothing to learn here
    deliver_pending(app.config)
    [message] = smtp.messages
    assert message["To"] == sme.email
    link = re.search(re.escape(PUBLIC_URL) + r"(/reset/\S+)", message.get_content()).group(1)
    assert client.get(link).status_code == 200
    bad = client.post(link, data={"password": "short", "confirm": "short"})
    assert bad.status_code == 400
    done = client.post(link, data={"password": "Ne3w-pass-2026!", "confirm": "Ne3w-pass-2026!"})
    assert done.status_code == 302
    assert client.post("/login", data={"login": sme.email,
                                       "password": "Ne3w-pass-2026!"}).status_code == 302
    again = client.get(link)                   # used: no more
    assert again.status_code == 302 and again.headers["Location"].endswith("/forgot")
    assert client.get("/reset/not-a-token").status_code == 302


def test_deadline_alerts_the_digest_and_drop_off_reminders_arrive(app, client, users, login,
                                                                  two_labs, smtp):
    """The scheduled messages go out by the same outbox: a manager's acceptance alert
    and morning digest, and the applicant's drop-off reminder, in their languages."""
    from datetime import UTC, datetime, time, timedelta

    from blueprints.scheduling.reminders import send_booking_reminders
    from blueprints.scheduling.slots import book, open_slots
    from blueprints.service_requests.alerts import send_answer_alerts, send_digests
    from core.timeutil import LOCAL_TZ, local_today, to_local
    from tests.journeys import submitted
    req, parts = submitted(client, login, users, two_labs)
    sub, manager = parts["NTC1"], two_labs["ntc_manager"]
    manager.locale = "en"
    counter = factories.create_resource(sub.lab_id, opens=(9, 0), closes=(10, 0))
    slot = open_slots(counter, local_today() + timedelta(days=2), 1)[0]
    book(slot.id, users[Role.sme], sub)
    db.session.commit()
    answer_by = sub.answer_by if sub.answer_by.tzinfo else sub.answer_by.replace(tzinfo=UTC)
    send_answer_alerts(answer_by + timedelta(minutes=5))
    eve = to_local(slot.starts_at).date() - timedelta(days=1)
    send_digests(datetime.combine(eve, time(8), LOCAL_TZ).astimezone(UTC))
    send_booking_reminders(datetime.combine(eve, time(8), LOCAL_TZ).astimezone(UTC))
    deliver_pending(app.config)
    to_manager = [m for m in smtp.messages if m["To"] == manager.email]
    assert sorted(m["Subject"] for m in to_manager) == sorted([
        f"A request was not answered in time · {sub.number}", "Your lab's morning digest"])
    [reminder] = [m for m in smtp.messages if m["To"] == users[Role.sme].email]
    assert reminder["Subject"] == f"明天请送样 · {sub.number}"
    body = reminder.get_content()
    assert "收样窗口" in body and f"{to_local(slot.starts_at):%Y-%m-%d %H:%M}" in body
    # Jobs have no request: their links are on the public address all the same.
    assert f"{PUBLIC_URL}/requests/{req.id}" in body
    bodies = {m["Subject"]: m.get_content() for m in to_manager}
    assert f"{PUBLIC_URL}/lab/requests/{sub.id}" in bodies[
        f"A request was not answered in time · {sub.number}"]
    assert f"{PUBLIC_URL}/tasks" in bodies["Your lab's morning digest"]
