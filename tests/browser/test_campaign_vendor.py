"""On her phone, a market vendor picks a free verification day from the public list,
registers her scale for it, finds the day, market and address on her request page and
in My tasks (and no drop-off booking at the institute), then moves to a later day."""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from blueprints.metrology.models import Campaign
from blueprints.service_requests.models import ServiceRequest
from core.roles import Role
from core.timeutil import local_today
from extensions import db
from tests import factories
from tests.browser.helpers import current
from tests.browser.test_scale_journey import (
    PHONE_SIZE,
    assert_fits_the_screen,
    new_device,
    open_menu,
    sign_in_on_phone,
)

pytestmark = pytest.mark.browser
PHONE = "13800007777"


def test_a_vendor_picks_a_campaign_day_on_her_phone_and_finds_it_again(
        app, live_server, browser, screenshot, metrology):
    lab, manager = metrology["lab"], metrology["manager"]
    soon, later = local_today() + timedelta(days=4), local_today() + timedelta(days=11)
    days = [Campaign(lab_id=lab.id, service_id=metrology["verification"].id, market=market,
                     address=address, day=day, created_by_id=manager.id)
            for market, address, day in (("青阳农贸市场", "晋江市青阳街道 88 号", soon),
                                         ("梅岭菜市场", "晋江市梅岭街道 12 号", later))]
    db.session.add_all(days)
    factories.create_resource(lab.id)   # the institute's counter takes drop-off bookings
    factories.create_user(Role.citizen, name="蔡阿姨", phone=PHONE)
    db.session.commit()
    later_id = days[1].id
    db.session.rollback()

    context, phone = new_device(browser, PHONE_SIZE)
    try:
        sign_in_on_phone(phone, live_server, PHONE)
        open_menu(phone)
        phone.get_by_role("link", name="现场检定日", exact=True).click()
        phone.wait_for_url("**/campaign-days")
        card = phone.locator("#coming-days li", has_text="青阳农贸市场")
        expect(card).to_contain_text(soon.isoformat())
        expect(card).to_contain_text("晋江市青阳街道 88 号")
        assert_fits_the_screen(phone, PHONE_SIZE["width"])
        screenshot(phone, "campaign-vendor-1-coming-days")
        card.get_by_role("link", name="为这一天登记秤").click()
        phone.wait_for_url("**/scales/verify?campaign=*")
        expect(phone.get_by_role("radio", name=f"{soon.isoformat()} · 青阳农贸市场",
                                 exact=True)).to_be_checked()
        phone.get_by_label("类型").select_option(label="电子计价秤")
        phone.get_by_label("出厂编号").fill("YS2026777")
        phone.get_by_label("品牌/制造商").fill("上海友声")
        phone.get_by_label("最大秤量 Max（kg）").fill("15")
        phone.get_by_label("检定分度值 e（g）").fill("5")
        phone.get_by_role("radio", name="III", exact=True).check()
        phone.get_by_label("市场", exact=True).fill("青阳农贸市场")
        phone.get_by_role("button", name="申请免费检定", exact=True).click()

        phone.wait_for_url(re.compile(r".*/requests/\d+$"))
        day = phone.locator("#campaign-day")
        expect(day).to_contain_text(soon.isoformat())
        expect(day).to_contain_text("青阳农贸市场")
        expect(day).to_contain_text("晋江市青阳街道 88 号")
        expect(phone.get_by_role("link", name="预约送样时间")).to_have_count(0)
        expect(phone.locator("main")).not_to_contain_text("送样")
        expect(phone.locator("main")).not_to_contain_text("委托")
        expect(phone.locator("main")).to_contain_text("我的秤")
        assert_fits_the_screen(phone, PHONE_SIZE["width"])
        screenshot(phone, "campaign-vendor-2-request-page")
        request_url = phone.url

        open_menu(phone)
        phone.get_by_role("link", name="我的待办", exact=True).click()
        task = phone.locator("#task-campaign_days")
        expect(task).to_contain_text(soon.isoformat())
        expect(task).to_contain_text("青阳农贸市场 · 晋江市青阳街道 88 号")
        for word in ("报价", "送样", "委托", "报告"):   # a vendor's words: scales, certificates
            expect(phone.locator("main")).not_to_contain_text(word)
        assert_fits_the_screen(phone, PHONE_SIZE["width"])
        screenshot(phone, "campaign-vendor-3-my-tasks")

        # She cannot come that day: she moves to the later one.
        phone.goto(request_url)
        phone.get_by_label("那天来不了？请选择另一个免费检定日").select_option(
            label=f"{later.isoformat()} · 梅岭菜市场 (晋江市梅岭街道 12 号)")
        phone.get_by_role("button", name="改到这一天").click()
        expect(phone.locator(".notice.success")).to_contain_text(later.isoformat())
        expect(phone.locator("#campaign-day")).to_contain_text("梅岭菜市场")
        screenshot(phone, "campaign-vendor-4-moved")
        req = db.session.scalars(db.select(ServiceRequest)).one()
        assert current(ServiceRequest, req.id).campaign_id == later_id
    finally:
        context.close()
