"""A market vendor asks on her phone for the free verification of her scale on a
campaign day; the manager accepts it, a metrologist types the readings on a tablet
and watches the live figures and verdict, the manager approves and issues, and the
vendor downloads her verification certificate on her phone."""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from blueprints.certificates.models import Certificate, CertificateKind
from blueprints.metrology.models import Campaign, Instrument, ScaleVerification
from blueprints.service_requests.lifecycle import State
from blueprints.service_requests.models import ServiceRequest, SubRequest
from core.roles import Role
from core.timeutil import local_today
from extensions import db
from tests import factories
from tests.browser.helpers import current, sign_in
from tests.metrology.test_scales import pdf_text_of

pytestmark = pytest.mark.browser

SERIAL = "YS20269001"
PHONE = "13800005555"
PHONE_SIZE = {"width": 390, "height": 844}
TABLET_SIZE = {"width": 820, "height": 1180}
TRACKING = re.compile(r"已提交。您的查询编号是 (QD-\d{4}-\d{6})，可在此跟踪办理进度。")

# What the metrologist types, in the order of the form (loads are the proposed ones:
# 100, 2500, 6250, 10000 and 15000 g; 5000 g off-centre; 12000 g for repeatability and
# discrimination). Every reading passes: E = I + e/2 − ΔL − L = 0.
ZERO_AND_FIRST_ROW = [("zero-ind", "0"), ("zero-add", "2.5"), ("w0-ind", "100"), ("w0-add", "2.5")]
THE_REST = (
    [(f"w{i}-{k}", v) for i, load in enumerate(["2500", "6250", "10000", "15000"], start=1)
     for k, v in (("ind", load), ("add", "2.5"))]
    + [(f"ecc{i}-{k}", v) for i in range(5) for k, v in (("ind", "5000"), ("add", "2.5"))]
    + [(f"rep{i}-{k}", v) for i in range(3) for k, v in (("ind", "12000"), ("add", "2.5"))]
    + [("disc-before", "12000"), ("disc-after", "12005")])


def new_device(browser, size, **kw):
    context = browser.new_context(viewport=size, is_mobile=True, has_touch=True,
                                  locale="zh-CN", **kw)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def open_menu(page):
    """On a phone the main menu folds behind the 菜单 button."""
    toggle = page.get_by_role("button", name="菜单", exact=True)
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")


def sign_in_on_phone(page, base, login):
    page.goto(base + "/")
    open_menu(page)
    page.get_by_role("link", name="登录", exact=True).click()
    page.get_by_label("电子邮箱或手机号码").fill(login)
    page.get_by_label("密码").fill(factories.PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    open_menu(page)
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()


def assert_fits_the_screen(page, width):
    """Nothing sticks out sideways: the page never scrolls horizontally."""
    scroll, inner = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]")
    assert inner == width and scroll <= inner, (page.url, scroll, inner)


def type_reading(page, name, value, check_url):
    """Type one reading and move on, as on the tablet: the form asks the desk for the
    live figures; wait until that answer has arrived so that no older answer is
    rendered over a newer one."""
    box = page.locator(f"#{name}")
    with page.expect_response(lambda r: r.url == check_url) as answer:
        box.fill(value)
        box.blur()
    assert answer.value.ok and answer.value.finished() is None


def test_a_vendor_gets_her_scale_verified_on_a_campaign_day(
        app, live_server, browser, page, screenshot, metrology):
    lab, manager = metrology["lab"], metrology["manager"]
    day = local_today() + timedelta(days=7)
    campaign = Campaign(lab_id=lab.id, service_id=metrology["verification"].id,
                        market="青阳农贸市场", address="晋江市青阳街道", day=day, teams=2,
                        target=100, created_by_id=manager.id)
    db.session.add(campaign)
    db.session.commit()
    campaign_id = campaign.id
    citizen = factories.create_user(Role.citizen, name="蔡阿姨", phone=PHONE)
    metrologist = factories.create_user(Role.lab_staff, lab=lab)
    citizen_id, metrologist_id = citizen.id, metrologist.id
    manager_login, metrologist_login = {"email": manager.email}, {"email": metrologist.email}
    db.session.rollback()  # hold no transaction open while the server writes

    phone_context, phone = new_device(browser, PHONE_SIZE)
    tablet_context, tablet = new_device(browser, TABLET_SIZE)
    try:
        # -- The vendor, on her phone, asks for the free verification of her scale.
        sign_in_on_phone(phone, live_server, PHONE)
        phone.get_by_role("link", name="我的秤", exact=True).click()
        phone.wait_for_url("**/scales")
        expect(phone.locator("h1")).to_have_text("我的秤")
        phone.get_by_role("link", name="申请免费检定", exact=True).click()
        phone.wait_for_url("**/scales/verify")
        expect(phone.locator("h1")).to_have_text("免费检定电子秤")
        expect(phone.locator("legend").first).to_have_text("第 1 台秤")
        phone.get_by_label("类型").select_option(label="电子计价秤")
        phone.get_by_label("出厂编号").fill(SERIAL)
        phone.get_by_label("品牌/制造商").fill("上海友声")
        phone.get_by_label("型号").fill("ACS-15")
        phone.get_by_label("最大秤量 Max（kg）").fill("15")
        phone.get_by_label("检定分度值 e（g）").fill("5")
        phone.get_by_role("radio", name="III", exact=True).check()
        phone.get_by_label("市场", exact=True).fill("青阳农贸市场")
        phone.get_by_label("摊位号").fill("A-12")
        expect(phone.get_by_role("radio", name="送到计量所检定")).to_be_checked()
        phone.get_by_role("radio", name=f"{day.isoformat()} · 青阳农贸市场",
                          exact=True).check()
        expect(phone.get_by_label("您的姓名")).to_have_value("蔡阿姨")
        expect(phone.get_by_label("电话", exact=True)).to_have_value(PHONE)
        assert_fits_the_screen(phone, PHONE_SIZE["width"])
        screenshot(phone, "30-citizen-scale-request")
        phone.get_by_role("button", name="申请免费检定", exact=True).click()

        phone.wait_for_url(re.compile(r".*/requests/\d+$"))
        flash = phone.locator(".notice.success")
        expect(flash).to_have_text(TRACKING)
        number = TRACKING.fullmatch(flash.inner_text().strip()).group(1)
        assert number.startswith(f"QD-{local_today().year}-")
        expect(phone.locator("h1")).to_contain_text(number)
        assert_fits_the_screen(phone, PHONE_SIZE["width"])
        screenshot(phone, "31-citizen-tracking")
        request_url = phone.url

        req = db.session.scalars(db.select(ServiceRequest)).one()
        assert (req.number, req.applicant_id, req.campaign_id) == (number, citizen_id,
                                                                   campaign_id)
        sub = db.session.scalars(db.select(SubRequest).filter_by(request_id=req.id)).one()
        sub_id, sub_number = sub.id, sub.number
        assert (sub.lab_id, sub.state) == (lab.id, State.submitted)
        instrument = db.session.scalars(db.select(Instrument)).one()
        assert (instrument.serial, instrument.max_capacity, instrument.e,
                instrument.accuracy_class, instrument.market, instrument.stall) == (
            SERIAL, 15000, 5, "III", "青阳农贸市场", "A-12")
        db.session.rollback()

        # -- The manager, at a desk, accepts the day's new registrations.
        sign_in(page, live_server, manager_login)
        page.goto(f"{live_server}/campaigns/{campaign_id}")
        expect(page.locator("h1")).to_have_text(f"青阳农贸市场 · {day.isoformat()}")
        expect(page.locator("#count-registered")).to_have_text("1 台已登记")
        page.get_by_role("button", name="受理新登记", exact=True).click()
        expect(page.locator(".notice.success")).to_have_text("已受理 1 台登记的秤。")
        assert current(SubRequest, sub_id).state == State.confirmed
        db.session.rollback()

        # -- The metrologist, on a tablet, opens the day's queue and the scale's form.
        sign_in(tablet, live_server, metrologist_login)
        tablet.goto(f"{live_server}/campaigns/{campaign_id}")
        row = tablet.locator("tr", has_text=SERIAL)
        expect(row).to_contain_text(sub_number)
        expect(row).to_contain_text("蔡阿姨")
        expect(row).to_contain_text("15 kg / 5 g")
        row.get_by_role("link", name="检定此秤").click()
        tablet.wait_for_url(re.compile(rf".*/lab/requests/{sub_id}/scale\?next=.*"))
        expect(tablet.locator("h1")).to_have_text("检定电子秤")
        expect(tablet.locator("dl.facts")).to_contain_text(SERIAL)
        for name, load in (("zero-load", "0"), ("w0-load", "100"), ("w1-load", "2500"),
                           ("w2-load", "6250"), ("w3-load", "10000"), ("w4-load", "15000"),
                           ("ecc-load", "5000"), ("rep-load", "12000"),
                           ("disc-load", "12000")):
            expect(tablet.locator(f"#{name}")).to_have_value(load)
        expect(tablet.locator("#w5-load")).to_have_value("")
        verdict = tablet.locator("#verdict")
        expect(verdict).to_have_text("录入全部读数后显示结论。")

        check_url = f"{live_server}/lab/requests/{sub_id}/scale/check"
        with tablet.expect_response(lambda r: r.url == check_url):
            tablet.get_by_label("检定类别").select_option(label="后续检定")
        for name, value in ZERO_AND_FIRST_ROW:
            type_reading(tablet, name, value, check_url)
        expect(tablet.locator('[data-out="w0"][data-k="mpe"]')).to_have_text("±2.5")
        expect(tablet.locator('[data-out="w0"][data-k="passed"]')).to_have_text("合格")
        expect(tablet.locator('[data-test="zero"]')).to_have_text("合格")
        expect(verdict).to_have_text("录入全部读数后显示结论。")

        # A slip of the finger: 2503 g cannot be shown by a scale with e = 5 g.
        type_reading(tablet, "w1-ind", "2503", check_url)
        expect(tablet.locator("#w1-ind-error")).to_have_text("示值必须是检定分度值 e 的整数倍。")
        expect(tablet.locator("#w1-ind")).to_have_attribute("aria-invalid", "true")
        expect(tablet.locator('[data-out="w1"][data-k="mpe"]')).to_have_text("")
        type_reading(tablet, "w1-ind", "2500", check_url)
        expect(tablet.locator("#w1-ind-error")).to_have_text("")
        expect(tablet.locator("#w1-ind")).not_to_have_attribute("aria-invalid", "true")

        for name, value in THE_REST:
            type_reading(tablet, name, value, check_url)
        expect(verdict).to_have_text("该秤各项测试均合格。")
        expect(verdict.locator("strong.pass")).to_be_visible()
        for test in ("zero", "weighing", "eccentricity", "repeatability", "discrimination"):
            expect(tablet.locator(f'[data-test="{test}"]')).to_have_text("合格")
        expect(tablet.locator('[data-out="w4"][data-k="mpe"]')).to_have_text("±7.5")
        expect(tablet.locator('[data-k="passed"]', has_text="不合格")).to_have_count(0)
        expect(tablet.locator("p.error[data-error-for]:not(:empty)")).to_have_count(0)
        assert_fits_the_screen(tablet, TABLET_SIZE["width"])
        screenshot(tablet, "32-metrologist-live-verdict")
        tablet.get_by_role("button", name="保存检定结果", exact=True).click()
        tablet.wait_for_url(re.compile(rf".*/campaigns/{campaign_id}\?show=waiting$"))
        expect(tablet.locator(".notice.success")).to_have_text("已保存：检定合格。")
        expect(tablet.locator("#count-verified")).to_have_text("1 台已检定")
        expect(tablet.locator("#count-passed")).to_have_text("1 台合格")
        expect(tablet.locator("tr", has_text=SERIAL)).to_have_count(0)  # no longer waiting

        record = db.session.scalars(db.select(ScaleVerification)).one()
        assert record.passed and record.label_number
        assert record.verified_by_id == metrologist_id
        label = record.label_number
        assert current(SubRequest, sub_id).state == State.in_review
        db.session.rollback()

        # -- The manager, who typed no reading, approves and issues the certificate.
        page.goto(f"{live_server}/lab/requests/{sub_id}")
        expect(page.locator("h1")).to_contain_text(sub_number)
        expect(page.locator(".badge.state-in_review")).to_have_text("结果审核中")
        page.once("dialog", lambda dialog: dialog.accept())  # "issue the report now?"
        page.get_by_role("button", name="批准并签发报告", exact=True).click()
        expect(page.locator(".notice.success")).to_have_text(
            "报告已签发并加盖电子签名，申请人可以下载。")
        assert current(SubRequest, sub_id).state == State.issued
        cert = db.session.scalars(db.select(Certificate)).one()
        cert_number = cert.number
        assert cert.kind == CertificateKind.verification_certificate
        assert cert.number.startswith("JMI1-")
        db.session.rollback()

        # -- The vendor, on her phone, downloads the certificate.
        phone.goto(request_url)
        expect(phone.locator(f".badge.state-{State.issued.value}")).to_have_text("检定证书已签发")
        link = phone.get_by_role("link", name="下载检定证书（PDF）", exact=True)
        expect(link).to_be_visible()
        expect(phone.locator("section.part")).to_contain_text(cert_number)
        assert_fits_the_screen(phone, PHONE_SIZE["width"])
        screenshot(phone, "33-citizen-download")
        with phone.expect_download() as download:
            link.click()
        name = download.value.suggested_filename
        assert name.startswith("JMI1-") and name.endswith(".pdf"), name
        assert name == f"{cert_number}.pdf"
        with open(download.value.path(), "rb") as fh:
            data = fh.read()
        assert data.startswith(b"%PDF")
        text = pdf_text_of(data)
        for expected in ("检定证书", SERIAL, "15 kg / e = 5 g", label):
            assert expected in text, expected
        assert PHONE not in text  # the document travels: her number is masked

        # -- Anyone holding the certificate scans its QR code on a phone: the page
        # answers what they ask (genuine? passed? until when? which scale? who signed?).
        cert = db.session.scalars(db.select(Certificate)).one()
        phone.goto(f"{live_server}/verify?number={cert.number}&code={cert.verification_code}")
        expect(phone.locator("#cert-status")).to_have_text("有效")
        expect(phone.locator("#cert-outcome")).to_have_text("合格")
        expect(phone.locator("#cert-valid-until")).to_have_text(
            (local_today().replace(year=local_today().year + 1) - timedelta(days=1)).isoformat())
        expect(phone.locator("#cert-items")).to_contain_text(f"S/N {SERIAL}")
        expect(phone.locator("#cert-items")).to_contain_text("上海友声")
        expect(phone.locator("#cert-signatory")).to_have_text(manager.name)
        assert_fits_the_screen(phone, PHONE_SIZE["width"])
        phone.locator("details summary").click()
        assert_fits_the_screen(phone, PHONE_SIZE["width"])  # the hash wraps
        screenshot(phone, "34-verify-on-a-phone")
        db.session.rollback()
    finally:
        tablet_context.close()
        phone_context.close()
