"""What a vendor registered for a campaign day is promised: a reminder the day before
with the day, market and address (its link on the public address), and the choice of
another coming day until the scale is verified."""
from datetime import UTC, datetime, time, timedelta

from blueprints.audit.models import AuditEvent
from blueprints.metrology.reminders import send_campaign_reminders
from blueprints.notifications.mail import OutgoingMail
from blueprints.notifications.models import Notification
from blueprints.service_requests.models import ServiceRequest
from core.roles import Role
from core.timeutil import LOCAL_TZ, local_today
from extensions import db
from tests import factories
from tests.conftest import PUBLIC_URL
from tests.metrology.test_campaigns import plan
from tests.metrology.test_scales import READINGS_PASS, scale_row


def register(client, login, campaign, phone="13800005555"):
    citizen = login(factories.create_user(Role.citizen, phone=phone, email=f"{phone}@example.com"))
    data = {"where": str(campaign.id), "contact_name": "蔡阿姨", "contact_phone": phone,
            **scale_row(0)}
    assert client.post("/scales/verify", data=data).status_code == 302
    req = db.session.scalars(db.select(ServiceRequest).filter_by(applicant_id=citizen.id)).one()
    return citizen, req


def at(day, hour):
    return datetime.combine(day, time(hour), LOCAL_TZ).astimezone(UTC)


def test_the_vendor_is_reminded_the_day_before_once_with_a_public_link(
        app, client, login, metrology):
    campaign = plan(client, login, metrology["manager"])
    citizen, req = register(client, login, campaign)
    eve = campaign.day - timedelta(days=1)
    assert send_campaign_reminders(at(eve - timedelta(days=1), 10)) == 0  # two days before
    assert send_campaign_reminders(at(eve, 6)) == 0                      # not before seven
    assert send_campaign_reminders(at(eve, 10)) == 1
    assert send_campaign_reminders(at(eve, 11)) == 0                     # once
    [note] = db.session.scalars(db.select(Notification).filter_by(
        user_id=citizen.id, kind="campaign_reminder")).all()
    assert note.params["day"] == campaign.day.isoformat()
    assert note.params["market"] == "青阳农贸市场" and note.params["address"] == "晋江市青阳街道"
    assert note.link == f"{PUBLIC_URL}/requests/{req.id}"
    [mail] = db.session.scalars(db.select(OutgoingMail).filter_by(kind="campaign_reminder")).all()
    assert "青阳农贸市场" in mail.body and f"{PUBLIC_URL}/requests/{req.id}" in mail.body
    assert "localhost" not in mail.body


def test_a_cancelled_registration_is_not_reminded(app, client, login, metrology):
    campaign = plan(client, login, metrology["manager"])
    citizen, req = register(client, login, campaign)
    sub = req.sub_requests[0]
    assert client.post(f"/requests/{req.id}/parts/{sub.id}/cancel",
                       data={"version": str(sub.version)}).status_code in (302, 303)
    db.session.refresh(sub)
    assert sub.is_final
    assert send_campaign_reminders(at(campaign.day - timedelta(days=1), 10)) == 0


def test_a_vendor_moves_to_another_day_until_the_scale_is_verified(
        app, client, login, metrology):
    manager = metrology["manager"]
    first = plan(client, login, manager)
    later = plan(client, login, manager, market="梅岭菜市场", address="晋江市梅岭街道",
                 day=str(local_today() + timedelta(days=10)))
    citizen, req = register(client, login, first)
    page = client.get(f"/requests/{req.id}").get_data(as_text=True)
    assert 'id="move-day"' in page and f'<option value="{later.id}">' in page
    resp = client.post(f"/requests/{req.id}/campaign-day", data={"campaign_id": str(later.id)})
    assert resp.status_code == 302
    db.session.refresh(req)
    assert req.campaign_id == later.id
    page = client.get(f"/requests/{req.id}").get_data(as_text=True)
    assert "梅岭菜市场" in page.split('id="campaign-day"')[1][:400]
    assert db.session.scalar(db.select(AuditEvent).filter_by(
        entity="service_requests", entity_id=req.id, action="campaign_day_moved")) is not None
    # Reminded for the new day, not the old one.
    assert send_campaign_reminders(at(first.day - timedelta(days=1), 10)) == 0
    assert send_campaign_reminders(at(later.day - timedelta(days=1), 10)) == 1

    # Someone else cannot move it; a made-up day is refused and changes nothing.
    other = login(factories.create_user(Role.citizen, phone="13800006666"))
    assert client.post(f"/requests/{req.id}/campaign-day",
                       data={"campaign_id": str(first.id)}).status_code == 404
    login(citizen)
    assert client.post(f"/requests/{req.id}/campaign-day",
                       data={"campaign_id": "999999"}).status_code == 409
    db.session.refresh(req)
    assert req.campaign_id == later.id and other.id != citizen.id

    # Once the metrologist has verified the scale, the day stays.
    sub = req.sub_requests[0]
    login(manager)
    client.post(f"/lab/requests/{sub.id}/do/accept_free", data={"version": str(sub.version)})
    db.session.refresh(sub)
    login(factories.create_user(Role.lab_staff, lab=metrology["lab"]))
    assert client.post(f"/lab/requests/{sub.id}/scale",
                       data={**READINGS_PASS, "version": str(sub.version)}).status_code == 302
    login(citizen)
    assert 'id="move-day"' not in client.get(f"/requests/{req.id}").get_data(as_text=True)
    assert client.post(f"/requests/{req.id}/campaign-day",
                       data={"campaign_id": str(first.id)}).status_code == 409
    db.session.refresh(req)
    assert req.campaign_id == later.id
