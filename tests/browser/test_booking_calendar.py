"""An applicant books a drop-off slot from the request page; the lab manager finds it
on the lab calendar's week view, drags it onto a time that is no slot (refused, and
it springs back), then onto another slot of the counter, and the applicant's page
shows the new time."""
import re
from datetime import time, timedelta

import pytest
from playwright.sync_api import expect

from blueprints.scheduling.kinds import BookingState, ResourceKind
from blueprints.scheduling.models import Booking, Resource
from blueprints.service_requests.lifecycle import State
from blueprints.service_requests.models import RequestItem, ServiceRequest, SubRequest
from core.roles import Role
from core.timeutil import local_today, to_local, utcnow
from extensions import db
from tests import factories
from tests.browser.helpers import current, sign_in

pytestmark = pytest.mark.browser


def confirmed_request(lab, service, sme_user):
    """A request whose one part the lab has accepted: its samples are to come in."""
    req = ServiceRequest(number="QD-2026-007001", state=State.submitted,
                         enterprise=sme_user.enterprise, applicant=sme_user,
                         title="童装面料送检", contact_name="许雅婷",
                         contact_phone="0595-85123456", submitted_at=utcnow())
    sub = SubRequest(request=req, lab=lab, part=1, state=State.confirmed,
                     due_date=local_today() + timedelta(days=20))
    db.session.add_all([req, RequestItem(request=req, sub_request=sub, service=service,
                                         sample_description="针织面料 A 批",
                                         price_cents=15000)])
    db.session.commit()
    return req, sub


def live_booking(sub_id):
    db.session.rollback()
    return db.session.scalar(db.select(Booking).where(Booking.sub_request_id == sub_id,
                                                      Booking.state == BookingState.booked))


def drag(page, event, day, hhmm):
    """Drag a timed event by its top edge onto the slot line of `hhmm` on `day`, with
    the mouse, in small steps, as a person does."""
    event.scroll_into_view_if_needed()
    grab = event.bounding_box()
    column = page.locator(f"td.fc-timegrid-col[data-date='{day.isoformat()}']").bounding_box()
    lane = page.locator(f"td.fc-timegrid-slot-lane[data-time='{hhmm}:00']").bounding_box()
    page.mouse.move(grab["x"] + grab["width"] / 2, grab["y"] + 4)
    page.mouse.down()
    page.mouse.move(grab["x"] + grab["width"] / 2 + 10, grab["y"] + 14, steps=4)
    page.mouse.move(column["x"] + column["width"] / 2, lane["y"] + 4, steps=15)
    page.mouse.up()


def test_book_a_slot_see_it_on_the_lab_calendar_and_move_it(app, live_server, page,
                                                           screenshot):
    lab = factories.create_lab(code="NTC7", name_zh="纺织检测中心")
    service = factories.create_service(labs=[lab], name_zh="童装面料甲醛含量")
    counter = Resource(lab_id=lab.id, name="收样窗口", kind=ResourceKind.reception,
                       opens=time(8, 30), closes=time(11, 30), weekdays="01234",
                       slot_minutes=60, capacity=2)
    db.session.add(counter)
    db.session.commit()
    enterprise = factories.create_enterprise(name="晋江童鞋服饰有限公司")
    sme_user = factories.create_user(Role.sme, enterprise=enterprise)
    manager = factories.create_user(Role.lab_manager, lab=lab, name="王主任")
    req, sub = confirmed_request(lab, service, sme_user)
    number = sub.number
    sme = {"id": sme_user.id, "email": sme_user.email}
    boss = {"id": manager.id, "email": manager.email}
    # Next week's Monday and Wednesday: working days whatever today is, inside the two
    # weeks the booking page offers.
    today = local_today()
    monday = today + timedelta(days=7 - today.weekday())
    wednesday = monday + timedelta(days=2)

    # The applicant books Monday 09:30 from the request page.
    sign_in(page, live_server, sme)
    page.get_by_role("link", name=req.number, exact=True).click()
    expect(page.locator("h1")).to_contain_text(req.number)
    page.get_by_role("link", name="预约送样时段").click()
    expect(page.locator("h1")).to_have_text("预约送样时段")
    # First the day, then one of its times.
    page.locator(f".day-picker input[value='{monday.isoformat()}']").check()
    page.locator(".time-picker:visible label.chip", has_text="09:30–10:30").click()
    page.get_by_role("button", name="预约此时段").click()
    expect(page.locator(".notice.success")).to_contain_text("预约成功")
    expect(page.locator("section.part", has_text=number)).to_contain_text(
        f"已预约送样：{monday.isoformat()} 09:30")
    booking = live_booking(sub.id)
    assert to_local(booking.slot.starts_at).strftime("%Y-%m-%d %H:%M") == \
        f"{monday.isoformat()} 09:30"

    # The manager opens the calendar and goes to next week.
    sign_in(page, live_server, boss)
    page.get_by_role("link", name="日历", exact=True).click()
    expect(page.locator("h1")).to_contain_text("实验室日历")
    expect(page.locator(".fc-timeGridWeek-view")).to_be_visible()
    monday_column = page.locator(f"td.fc-timegrid-col[data-date='{monday.isoformat()}']")
    for _ in range(3):  # "today" may sit in the week before, by the calendar's clock
        if monday_column.count():
            break
        page.locator(".fc-next-button").click()
    event = monday_column.locator(".fc-timegrid-event", has_text=number)
    expect(event).to_be_visible()
    expect(event).to_contain_text("09:30")
    expect(event).to_contain_text("晋江童鞋服饰有限公司")
    expect(page.locator(".fc-daygrid-event, .fc-timegrid-event", has_text=number)
           ).to_have_count(1)       # its due date is in three weeks, not this one
    screenshot(page, "30-lab-calendar-week")

    # 10:00 is no slot of the counter (they start at :30): refused, and it springs back.
    drag(page, event, wednesday, "10:00")
    status = page.locator("#calendar-status")
    expect(status).to_contain_text(f"{wednesday.isoformat()} 10:00 不是 收样窗口 某个时段的开始时间")
    expect(status).to_have_class(re.compile("error"))
    expect(monday_column.locator(".fc-timegrid-event", has_text=number)).to_be_visible()
    assert live_booking(sub.id).id == booking.id

    # Wednesday 10:30 is free: moved.
    drag(page, monday_column.locator(".fc-timegrid-event", has_text=number), wednesday, "10:30")
    expect(status).to_contain_text(f"已改至 {wednesday.isoformat()} 10:30")
    moved = page.locator(f"td.fc-timegrid-col[data-date='{wednesday.isoformat()}'] "
                         ".fc-timegrid-event", has_text=number)
    expect(moved).to_be_visible()
    expect(moved).to_contain_text("10:30")
    expect(monday_column.locator(".fc-timegrid-event", has_text=number)).to_have_count(0)
    screenshot(page, "31-lab-calendar-moved")
    now = live_booking(sub.id)
    assert now.id != booking.id
    assert to_local(now.slot.starts_at).strftime("%Y-%m-%d %H:%M") == \
        f"{wednesday.isoformat()} 10:30"
    assert current(Booking, booking.id).state == BookingState.cancelled

    # The applicant's request page shows the new time, and they have been told.
    sign_in(page, live_server, sme)
    expect(page.locator("#unread")).to_have_text("1")
    page.get_by_role("link", name=req.number, exact=True).click()
    expect(page.locator("section.part", has_text=number)).to_contain_text(
        f"已预约送样：{wednesday.isoformat()} 10:30")
