"""The county's dashboard in a real Chromium: the desk filters it, the charts redraw
with the tables, the Excel download opens with the same figures; and the page reads
on a phone."""
from io import BytesIO

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from blueprints.dashboards.refresh import refresh
from core.roles import Role
from tests.browser.helpers import sign_in
from tests.browser.test_scale_journey import (
    PHONE_SIZE,
    assert_fits_the_screen,
    new_device,
    sign_in_on_phone,
)
from tests.dashboards.june import build_june

pytestmark = pytest.mark.browser
DESKTOP_SIZE = {"width": 1280, "height": 900}
JUNE = "/dashboards/?since=2026-06&until=2026-06"


def test_the_desk_filters_the_dashboard_and_takes_it_away_in_excel(app, live_server, browser,
                                                                   users, screenshot):
    june = build_june(users)
    refresh()
    admin = users[Role.admin]
    context, page = new_device(browser, DESKTOP_SIZE)
    sign_in(page, live_server, {"email": admin.email})
    page.goto(live_server + JUNE)
    expect(page.locator("#fig-items")).to_have_text("4")
    chain_chart = page.locator('[data-chart="chain"] svg')
    expect(chain_chart).to_contain_text("纺织鞋服")
    expect(chain_chart).to_contain_text("个人（非企业）")
    expect(page.locator('[data-chart="month"] svg')).to_contain_text("2026-06")
    screenshot(page, "dashboard-desktop")

    # Only the citizens' requests: every figure, table and chart follows.
    page.get_by_label("产业链", exact=True).select_option(label="个人（非企业）")
    page.get_by_role("button", name="显示", exact=True).click()
    expect(page.locator("#fig-items")).to_have_text("1")
    expect(page.locator("#fig-on-time")).to_have_text("0.0%")
    expect(chain_chart).to_contain_text("个人（非企业）")
    expect(chain_chart).not_to_contain_text("纺织鞋服")
    expect(page.locator("#by-lab tbody tr")).to_have_count(1)
    expect(page.locator("#by-lab tbody tr th")).to_have_text(june.lab.name_zh)

    # The workbook holds what the page shows, under the same filters.
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 Excel").click()
    assert download.value.suggested_filename == "qidesk-figures-202606-202606.xlsx"
    with open(download.value.path(), "rb") as f:
        book = load_workbook(BytesIO(f.read()))
    month = book["按月份"]
    assert [c.value for c in month[1]][:4] == ["月份", "受理委托", "受理项目", "出具报告项目"]
    assert [c.value for c in month[2]][:4] == ["2026-06", 1, 1, 1]
    assert book["统计口径与筛选条件"]["B3"].value == "个人（非企业）"
    context.close()


def test_the_dashboard_reads_on_a_phone(app, live_server, browser, users, screenshot):
    build_june(users)
    refresh()
    context, page = new_device(browser, PHONE_SIZE)
    sign_in_on_phone(page, live_server, users[Role.admin].email)
    page.goto(live_server + JUNE)
    expect(page.locator("#fig-pass")).to_have_text("66.7%")
    expect(page.locator('[data-chart="month"] svg')).to_be_visible()
    assert_fits_the_screen(page, PHONE_SIZE["width"])
    screenshot(page, "dashboard-phone")
    # The public's page, signed out: aggregates only, small figures left out.
    page.goto(live_server + "/dashboards/public?since=2026-06&until=2026-06")
    expect(page.locator("#fig-items")).to_have_text("4")
    expect(page.locator("#fig-pass")).to_have_text("—")
    assert_fits_the_screen(page, PHONE_SIZE["width"])
    context.close()
