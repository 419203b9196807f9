"""An enterprise signs up, an admin verifies it, and the page switches language,
in a real Chromium."""
import pytest

from blueprints.enterprises.models import Enterprise, EnterpriseStatus
from core.roles import Role
from extensions import db
from tests import factories

pytestmark = pytest.mark.browser

CODE = "91350582MA2XK7L31"


def test_enterprise_signs_up_admin_verifies_and_language_switches(app, live_server, page,
                                                                    screenshot):
    from blueprints.enterprises.uscc import check_character
    code = CODE + check_character(CODE)
    admin = factories.create_user(Role.admin, email="admin@desk.test")

    page.goto(live_server + "/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    screenshot(page, "01-home-zh")
    page.get_by_role("link", name="企业注册").first.click()

    # A wrong check character is refused, saying so, and what was typed stays.
    page.get_by_label("统一社会信用代码").fill(code[:17] + ("0" if code[17] != "0" else "1"))
    page.get_by_label("企业名称").fill("晋江市鸿鹄鞋服有限公司")
    page.get_by_label("法定代表人").fill("许国栋")
    page.get_by_label("联系电话").fill("0595-85123456")
    page.get_by_label("注册地址").fill("福建省晋江市陈埭镇鞋都路 88 号")
    page.get_by_label("产业链").select_option("textiles_footwear")
    page.get_by_label("企业规模").select_option("medium")
    page.get_by_label("您的姓名").fill("许雅婷")
    page.get_by_label("您的电子邮箱（用于登录）").fill("xu@honghu.example")
    page.get_by_label("密码", exact=True).fill("honghu-2026")
    page.get_by_label("确认密码").fill("honghu-2026")
    page.get_by_label("营业执照").set_input_files(
        files=[{"name": "营业执照.png", "mimeType": "image/png",
                "buffer": factories.licence_png()}])
    page.get_by_role("button", name="提交注册").click()
    error = page.locator("#uscc-error")
    assert "校验" in error.inner_text()
    assert page.get_by_label("企业名称").input_value() == "晋江市鸿鹄鞋服有限公司"
    # The licence sent with the refused form is kept: not chosen a second time.
    assert "已收到：营业执照.png" in page.locator("#licence-hint").inner_text()
    screenshot(page, "02-register-error-zh")

    page.get_by_label("统一社会信用代码").fill(code[:8] + " " + code[8:].lower())
    page.get_by_label("密码", exact=True).fill("honghu-2026")
    page.get_by_label("确认密码").fill("honghu-2026")
    page.get_by_role("button", name="提交注册").click()
    page.wait_for_url("**/enterprises/*")
    assert "待审核" in page.locator("h1").inner_text()
    screenshot(page, "03-registered-pending-zh")
    ent = db.session.scalar(db.select(Enterprise).filter_by(uscc=code))
    assert ent is not None and ent.status == EnterpriseStatus.pending

    page.get_by_role("button", name="退出登录").click()
    page.get_by_role("link", name="登录", exact=True).click()
    page.get_by_label("电子邮箱或手机号码").fill(admin.email)
    page.get_by_label("密码").fill(factories.PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="企业审核").first.click()
    row = page.locator("tr", has_text="晋江市鸿鹄鞋服有限公司")
    screenshot(page, "04-admin-queue-zh")
    assert row.get_by_role("button").count() == 0        # no verifying from the list
    row.get_by_role("link", name="审核").click()
    review = page.locator("#review")
    # decode() waits for the picture to arrive, and fails if it cannot be read.
    assert review.locator("img.licence").evaluate(
        "img => img.decode().then(() => img.naturalWidth)") == 120
    assert "通过 GB 32100 校验" in review.locator("#code-check").inner_text()
    screenshot(page, "04b-admin-review-zh")
    review.get_by_role("button", name="营业执照核对无误：审核通过").click()
    assert "已认证" in page.locator(".notice").first.inner_text()
    db.session.expire_all()
    assert db.session.get(Enterprise, ent.id).status == EnterpriseStatus.verified

    page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Enterprise verification"
    page.get_by_role("link", name="All").click()
    assert page.locator("tr", has_text="晋江市鸿鹄鞋服有限公司").get_by_text("Verified").is_visible()
    screenshot(page, "05-admin-queue-en")


def test_phone_sized_pages_fit_the_screen(app, live_server, browser, screenshot):
    factories.create_service(labs=[factories.create_lab()])
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    for path, name in (("/", "06-phone-home"), ("/services", "07-phone-catalogue"),
                       ("/signup/citizen", "08-phone-citizen-signup")):
        page.goto(live_server + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} scrolls sideways ({width}px)"
        screenshot(page, name)
    page.goto(live_server + "/")
    page.get_by_role("button", name="菜单").click()
    assert page.get_by_role("link", name="服务目录").first.is_visible()
    context.close()
