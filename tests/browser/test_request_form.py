"""The request form and the drop-off booking in a real Chromium, as an SME clerk uses
them: services found by typing part of a Chinese name or a standard number, rows added
and removed with the total following, the draft's parts and total, then a drop-off
booked on a phone by day, then time."""
from datetime import time

import pytest
from playwright.sync_api import expect

from blueprints.scheduling.kinds import BookingState, ResourceKind
from blueprints.scheduling.models import Booking, Resource
from blueprints.service_requests.models import ServiceRequest
from core.roles import Role
from core.timeutil import to_local
from extensions import db
from tests import factories
from tests.browser.helpers import choose_in_picker, pick_service, sign_in
from tests.browser.test_scale_journey import assert_fits_the_screen, new_device, sign_in_on_phone

pytestmark = pytest.mark.browser

TABLET = {"width": 1024, "height": 768}
PHONE = {"width": 390, "height": 844}


def test_an_sme_finds_services_by_typing_and_books_a_drop_off_by_day(app, live_server,
                                                                     browser):
    ntc = factories.create_lab(code="NTC8", name_zh="纺织检测中心")
    ftc = factories.create_lab(code="FTC8", name_zh="食品检测中心")
    factories.create_service(labs=[ntc], name_zh="童装面料甲醛含量", price_cents=15000,
                             turnaround_days=5, method_standard="GB/T 2912.1-2009")
    factories.create_service(labs=[ntc], name_zh="纺织品耐水色牢度", price_cents=8000,
                             turnaround_days=4, method_standard="GB/T 5713-2013")
    factories.create_service(labs=[ftc], name_zh="食品包装甲醛迁移量", price_cents=20000,
                             turnaround_days=3)
    db.session.add(Resource(lab_id=ntc.id, name="收样窗口", kind=ResourceKind.reception,
                            opens=time(8, 30), closes=time(11, 30), weekdays="0123456",
                            slot_minutes=60, capacity=2))
    db.session.commit()
    sme = factories.create_user(Role.sme)
    who = {"id": sme.id, "email": sme.email}

    context, page = new_device(browser, TABLET)
    sign_in(page, live_server, who)
    page.goto(live_server + "/requests/new")
    page.get_by_label("委托事项").fill("秋季童装送检")
    # One empty row to start with; the picker finds a service by part of its name...
    expect(page.locator("#items tbody tr")).to_have_count(1)
    row = pick_service(page, "甲醛", "童装面料甲醛含量")
    row.locator("input[name$='sample_description']").fill("针织面料")
    row.locator("input[name$='quantity']").fill("2")
    expect(row.locator(".line-price")).to_have_text("¥300.00 · 约 5 个工作日")
    # ... or by its standard's number; and says so when nothing matches.
    page.get_by_role("button", name="再添加一项服务").click()
    page.locator("#items tbody tr").last.locator(".ts-control").click()
    page.keyboard.type("不存在的项目")
    expect(page.locator(".ts-dropdown .no-results:visible")).to_contain_text("没有匹配的服务项目")
    for _ in "不存在的项目":
        page.keyboard.press("Backspace")
    page.keyboard.type("5713")
    row = choose_in_picker(page, page.locator("#items tbody tr").last, "纺织品耐水色牢度")
    row.locator("input[name$='sample_description']").fill("梭织面料")
    page.get_by_role("button", name="再添加一项服务").click()
    row = pick_service(page, "包装", "食品包装甲醛迁移量")
    row.locator("input[name$='sample_description']").fill("包装膜")
    expect(page.locator("#estimate-total")).to_have_text("¥580.00")
    # Removing the second row renumbers the rest and takes it off the total.
    page.locator("#items tbody tr").nth(1).get_by_role("button", name="删除").click()
    expect(page.locator("#items tbody tr")).to_have_count(2)
    expect(page.locator("#items tbody tr .row-number")).to_have_text(["1", "2"])
    expect(page.locator("#estimate-total")).to_have_text("¥500.00")
    assert_fits_the_screen(page, TABLET["width"])
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".notice.success")).to_contain_text("草稿已保存")
    req = db.session.scalars(db.select(ServiceRequest).order_by(ServiceRequest.id.desc())).first()
    assert sorted(i.sample_description for i in req.items) == ["包装膜", "针织面料"]
    # The draft: where each part goes, its price and date, and the total.
    expect(page.locator("#draft-total")).to_have_text("¥500.00")
    expect(page.locator("#expected-parts li")).to_have_count(2)
    expect(page.locator("#expected-parts")).to_contain_text("纺织检测中心，1 项，¥300.00")
    page.get_by_role("button", name="提交委托").click()
    expect(page.locator(".notice.success")).to_contain_text("QD-")
    context.close()

    # On a phone, the SME books the drop-off: first a day, then one of its times.
    context, phone = new_device(browser, PHONE)
    sign_in_on_phone(phone, live_server, who["email"])
    phone.goto(live_server + f"/requests/{req.id}")
    phone.get_by_role("link", name="预约送样时段").first.click()
    expect(phone.get_by_role("group", name="1. 选择日期")).to_be_visible()
    expect(phone.locator(".time-picker:visible")).to_have_count(0)    # nothing chosen yet
    assert phone.locator("input[name=slot_id]:checked").count() == 0
    assert_fits_the_screen(phone, PHONE["width"])
    days = phone.locator(".day-picker label.chip")
    days.nth(1).click()
    expect(phone.locator(".time-picker:visible")).to_have_count(1)
    day_label = days.nth(1).inner_text().splitlines()[0]
    assert "周" in day_label
    times = phone.locator(".time-picker:visible label.chip")
    chosen = times.nth(1).inner_text().splitlines()[0]             # e.g. 09:30–10:30
    times.nth(1).click()
    phone.get_by_role("button", name="预约此时段").click()
    expect(phone.locator(".notice.success")).to_be_visible()
    booking = db.session.scalars(db.select(Booking).where(
        Booking.state == BookingState.booked)).one()
    assert to_local(booking.slot.starts_at).strftime("%H:%M") == chosen[:5]
    context.close()
