"""An SME clerk on her phone looks up the standard for formaldehyde in Chinese, opens
it, sees that it is in force and which lab tests to it, follows it to the service and
starts a request for that test; the same pages in English on a tablet and a desktop."""
import pytest
from playwright.sync_api import expect

from blueprints.catalogue.method_links import link_all
from blueprints.service_requests.models import ServiceRequest
from blueprints.standards.models import StandardStatus
from core.roles import Role
from extensions import db
from tests import factories
from tests.browser.test_scale_journey import assert_fits_the_screen, new_device, open_menu

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 1024, "height": 768}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
def county(app):
    new = factories.create_standard(
        "GB/T 2912.1-2009", "纺织品 甲醛的测定 第1部分：游离和水解的甲醛（水萃取法）",
        "Textiles—Determination of formaldehyde—Part 1: Free and hydrolyzed formaldehyde "
        "(water extraction method)", ics="59.080.01", body="全国纺织品标准化技术委员会")
    factories.create_standard("GB/T 2912.1-1998", "纺织品 甲醛的测定 第1部分：游离水解的甲醛",
                              status=StandardStatus.replaced, replaced_by=new, ics="59.080.01")
    factories.create_standard("GB 18401-2010", "国家纺织产品基本安全技术规范", ics="59.080.01")
    lab = factories.create_lab(code="NTC9", name_zh="晋江纺织检测中心",
                               name_en="Jinjiang Textile Testing Centre")
    service = factories.create_service(labs=[lab], name_zh="童装面料甲醛含量",
                                       name_en="Formaldehyde in children's fabric",
                                       method_standard="GB/T 2912.1")   # undated
    link_all()
    db.session.commit()
    sme = factories.create_user(Role.sme)
    return {"standard": new, "service": service, "sme": {"id": sme.id, "email": sme.email}}


def test_a_clerk_finds_the_standard_on_her_phone_and_asks_for_the_test(
        live_server, browser, screenshot, county):
    db.session.rollback()  # hold no transaction open while the server writes
    context, phone = new_device(browser, PHONE)
    try:
        phone.goto(live_server + "/")
        open_menu(phone)
        phone.get_by_role("link", name="标准查询", exact=True).click()
        expect(phone.locator("h1")).to_have_text("标准查询")
        phone.get_by_label("标准号、名称或产品").fill("甲醛")
        phone.get_by_role("button", name="查询", exact=True).click()
        results = phone.locator("article.std-result")
        expect(results).to_have_count(2)
        # The edition in force comes first, its words marked; the old one says so.
        expect(results.first.locator("h2")).to_contain_text("GB/T 2912.1-2009")
        expect(results.first.locator(".std-current")).to_have_text("现行")
        expect(results.first.locator("mark").first).to_have_text("甲醛")
        expect(results.nth(1).locator(".std-replaced")).to_have_text("被代替")
        # The filters fold away above the results on a phone.
        expect(phone.locator("details.facets")).not_to_have_attribute("open", "")
        assert_fits_the_screen(phone, PHONE["width"])
        screenshot(phone, "standards-phone-search")

        results.first.get_by_role("link", name="GB/T 2912.1-2009").click()
        expect(phone.locator("h1")).to_contain_text("GB/T 2912.1-2009")
        expect(phone.locator("h1 .std-current")).to_have_text("现行")
        expect(phone.get_by_role("link", name="GB/T 2912.1-1998")).to_be_visible()
        card = phone.locator(".card", has_text="童装面料甲醛含量")
        expect(card).to_contain_text("晋江纺织检测中心")
        assert_fits_the_screen(phone, PHONE["width"])
        screenshot(phone, "standards-phone-standard")

        # Not signed in yet: the button asks her to, then opens the request form with
        # the service already chosen.
        card.get_by_role("link", name="按此标准申请检测").click()
        phone.get_by_label("电子邮箱或手机号码").fill(county["sme"]["email"])
        phone.get_by_label("密码").fill(factories.PASSWORD)
        phone.get_by_role("button", name="登录", exact=True).click()
        phone.wait_for_url("**/requests/new?service=*")
        phone.locator("#add-item").wait_for(state="visible")
        first = phone.locator("#items tbody tr").first
        expect(first.locator(".ts-control")).to_contain_text("童装面料甲醛含量")
        phone.get_by_label("委托事项").fill("童装面料送检")
        first.locator("input[name$='sample_description']").fill("针织面料")
        assert_fits_the_screen(phone, PHONE["width"])
        phone.get_by_role("button", name="保存草稿").click()
        expect(phone.locator(".notice.success")).to_contain_text("草稿已保存")
        db.session.rollback()
        req = db.session.scalars(db.select(ServiceRequest).where(
            ServiceRequest.applicant_id == county["sme"]["id"])).one()
        assert [i.service_id for i in req.items] == [county["service"].id]
    finally:
        context.close()


@pytest.mark.parametrize("size", [TABLET, DESKTOP], ids=["tablet", "desktop"])
def test_the_look_up_in_english_on_a_tablet_and_a_desktop(live_server, browser, screenshot,
                                                          county, size):
    db.session.rollback()
    context = browser.new_context(viewport=size, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(live_server + "/lang/en?next=/standards/")
        page.goto(live_server + "/standards/?q=formaldehyde")
        expect(page.locator("h1")).to_have_text("Look up a standard")
        expect(page.locator("details.facets")).to_have_attribute("open", "")
        expect(page.locator("article.std-result")).to_have_count(1)
        expect(page.locator("article.std-result mark").first).to_have_text("formaldehyde")
        page.get_by_role("link", name="Current").click()
        expect(page.locator(".facets a[aria-current=true]")).to_contain_text("Current")
        assert_fits_the_screen(page, size["width"])
        screenshot(page, f"standards-{size['width']}-search-en")
        page.get_by_role("link", name="GB/T 2912.1-2009").click()
        expect(page.get_by_text("Tested in the county")).to_be_visible()
        expect(page.get_by_role("link", name="Request a test to this standard")).to_be_visible()
        assert_fits_the_screen(page, size["width"])
        screenshot(page, f"standards-{size['width']}-standard-en")
    finally:
        context.close()
