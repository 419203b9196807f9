"""One request through the whole desk in a real Chromium: an SME asks two labs at
once, each lab quotes, the SME accepts, each lab receives the samples, enters and
reviews results under four eyes, and the SME reads the approved results."""
import re

import pytest
from playwright.sync_api import expect

from blueprints.service_requests.lifecycle import State
from blueprints.service_requests.models import Result, ServiceRequest, SubRequest
from core.roles import Role
from extensions import db
from tests import factories
from tests.browser.helpers import current, pick_service, sign_in

pytestmark = pytest.mark.browser

NUMBER = re.compile(r"QD-\d{4}-\d{6}")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def open_in_queue(page, number):
    page.get_by_role("link", name="待办队列").first.click()
    expect(page.locator("h1")).to_contain_text("待办队列")
    page.get_by_role("link", name=number, exact=True).click()
    expect(page.locator("h1")).to_contain_text(number)


def test_a_two_lab_request_from_draft_to_approved_results(app, live_server, page, screenshot):
    ntc = factories.create_lab(code="NTC9", name_zh="纺织检测中心")
    ftc = factories.create_lab(code="FTC9", name_zh="食品检测中心")
    fabric = factories.create_service(labs=[ntc], name_zh="童装面料甲醛含量",
                                      price_cents=15000, turnaround_days=5)
    food = factories.create_service(labs=[ftc], name_zh="食品包装甲醛迁移量",
                                    price_cents=20000, turnaround_days=3)

    def person(role, **kw):
        user = factories.create_user(role, **kw)
        return {"id": user.id, "email": user.email}

    sme = person(Role.sme)
    ntc_manager = person(Role.lab_manager, lab=ntc)
    ntc_analyst = person(Role.lab_staff, lab=ntc)
    ftc_manager = person(Role.lab_manager, lab=ftc)
    ftc_manager2 = person(Role.lab_manager, lab=ftc)
    params = {"NTC9": fabric.parameters[0].id, "FTC9": food.parameters[0].id}

    # The SME writes a request for both services and saves it as a draft.
    sign_in(page, live_server, sme)
    expect(page.locator("h1")).to_have_text("我的委托")
    page.get_by_role("link", name="新建委托").first.click()
    expect(page.locator("h1")).to_have_text("新建委托")
    page.get_by_label("委托事项").fill("春季童装面料及包装送检")
    page.get_by_label("联系人").fill("许雅婷")
    page.get_by_label("联系电话").fill("0595-85123456")
    row = pick_service(page, "面料甲醛", "童装面料甲醛含量")
    row.locator("input[name$='sample_description']").fill("针织面料 A 批")
    row.locator("input[name$='quantity']").fill("2")
    page.get_by_role("button", name="再添加一项服务").click()
    row = pick_service(page, "包装", "食品包装甲醛迁移量")
    row.locator("input[name$='sample_description']").fill("包装膜 B 批")
    expect(page.locator("#estimate-total")).to_have_text("¥500.00")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".notice.success")).to_contain_text("草稿已保存")
    req_id = db.session.scalar(db.select(ServiceRequest.id).order_by(ServiceRequest.id.desc()))
    assert current(ServiceRequest, req_id).state == State.draft
    for sample, lab_name, price in (("针织面料 A 批", "纺织检测中心", "¥300.00"),
                                    ("包装膜 B 批", "食品检测中心", "¥200.00")):
        row = page.locator("tr", has_text=sample)
        expect(row).to_contain_text(lab_name)    # the lab by its name, not its code
        expect(row).to_contain_text(price)
        expect(row).to_contain_text(DATE)
    screenshot(page, "10-request-draft")

    page.get_by_role("button", name="提交委托").click()
    expect(page.locator(".notice.success")).to_contain_text(NUMBER)
    expect(page.locator("h1")).to_contain_text(NUMBER)
    req = current(ServiceRequest, req_id)
    assert NUMBER.fullmatch(req.number) and req.state != State.draft
    parts = {s.lab.code: {"id": s.id, "number": s.number, "item": s.items[0].id,
                          "param": params[s.lab.code]} for s in req.sub_requests}
    assert set(parts) == {"NTC9", "FTC9"}
    for part in parts.values():
        section = page.locator("section.part", has_text=part["number"])
        expect(section.locator(".badge.state-submitted")).to_have_text("已提交，待实验室评审")
        assert current(SubRequest, part["id"]).state == State.submitted

    # Each lab's manager reviews the request and sends the quote as prefilled.
    for code, manager in (("NTC9", ntc_manager), ("FTC9", ftc_manager)):
        part = parts[code]
        other = parts["FTC9" if code == "NTC9" else "NTC9"]
        sign_in(page, live_server, manager)
        expect(page.get_by_role("link", name=part["number"], exact=True)).to_be_visible()
        expect(page.get_by_role("link", name=other["number"], exact=True)).to_have_count(0)
        if code == "NTC9":
            screenshot(page, "11-lab-queue")
        open_in_queue(page, part["number"])
        price = page.locator("input[name='lines-0-price']")
        expect(price).to_have_value("150.00" if code == "NTC9" else "200.00")
        if code == "NTC9":
            screenshot(page, "12-lab-detail")
        page.get_by_role("button", name="受理并发送报价").click()
        expect(page.locator(".notice.success")).to_contain_text("报价已发送")
        assert current(SubRequest, part["id"]).state == State.quoted

    # The SME accepts both quotes on the request page.
    sign_in(page, live_server, sme)
    page.get_by_role("link", name=req.number, exact=True).click()
    for code, total in (("NTC9", "¥300.00"), ("FTC9", "¥200.00")):
        section = page.locator("section.part", has_text=parts[code]["number"])
        expect(section.locator(".notice.info")).to_contain_text(total)
        section.get_by_role("button", name="接受报价").click()
        expect(section.locator(".badge.state-confirmed")).to_have_text("已受理：待送样")
        assert current(SubRequest, parts[code]["id"]).state == State.confirmed

    # Each lab receives the samples, prints labels and enters a result; NTC9's
    # analyst enters, FTC9's manager enters and so may not approve.
    for code, worker, value in (("NTC9", ntc_analyst, "80"), ("FTC9", ftc_manager, "12.5")):
        part = parts[code]
        sign_in(page, live_server, worker)
        open_in_queue(page, part["number"])
        expect(page.get_by_label("样品状态（接收时）")).to_have_value("完好")
        page.get_by_role("button", name="确认接收并打印样品标签").click()
        page.wait_for_url(f"**/lab/requests/{part['id']}/labels")
        sub = current(SubRequest, part["id"])
        assert sub.state == State.sample_received
        part["sample"] = sub.items[0].sample.code
        assert part["sample"].startswith(part["number"] + "-")
        labels = page.locator(".labels .label")
        quantity = sub.items[0].quantity
        expect(labels).to_have_count(quantity)  # one label per physical sample
        for k in range(quantity):
            expect(labels.nth(k).locator(".code")).to_have_text(part["sample"])
            expect(labels.nth(k).locator(".qr svg")).to_have_count(1)
        if code == "NTC9":
            screenshot(page, "12-sample-labels")

        page.get_by_role("link", name=part["number"]).click()
        card = page.locator(f"#item-{part['item']}")
        card.locator(f"input[name='r-{part['item']}-{part['param']}-value']").fill(value)
        card.get_by_role("button", name="保存检测结果").click()
        expect(page.locator(".notice.success")).to_contain_text("检测结果已保存")
        expect(card.locator(f"input[name='r-{part['item']}-{part['param']}-value']")
               ).to_have_value(value)
        expect(card.locator(".badge")).to_have_text("不合格" if code == "NTC9" else "合格")
        if code == "NTC9":
            screenshot(page, "13-results")
        assert current(SubRequest, part["id"]).state == State.in_progress

        page.get_by_role("button", name="提交结果审核").click()
        expect(page.locator(".notice.success")).to_contain_text("结果已提交审核")
        expect(page.locator("h1 + p .badge")).to_have_text("结果审核中")
        assert current(SubRequest, part["id"]).state == State.in_review
        if code == "FTC9":
            # Four eyes: whoever entered the results sees no approve button.
            expect(page.get_by_role("button", name="批准结果")).to_have_count(0)
            expect(page.get_by_text("此委托的结果由您录入或修改过，须由他人审核和签发（四眼原则）。")
                   ).to_be_visible()
            screenshot(page, "13-four-eyes")

    # A manager who entered nothing approves each part: NTC9's issues its report at
    # once, FTC9's only approves (to issue later in a batch).
    for code, approver, button, state in (
            ("NTC9", ntc_manager, "批准并签发报告", State.issued),
            ("FTC9", ftc_manager2, "仅批准（稍后批量签发）", State.approved)):
        part = parts[code]
        sign_in(page, live_server, approver)
        open_in_queue(page, part["number"])
        page.once("dialog", lambda dialog: dialog.accept())  # issuing asks first
        page.get_by_role("button", name=button).click()
        expect(page.locator(".notice.success")).to_contain_text(
            "报告已签发" if state == State.issued else "结果已审核通过")
        expect(page.locator("h1 + p .badge")).to_have_text(
            "报告已签发" if state == State.issued else "结果已批准")
        sub = current(SubRequest, part["id"])
        assert sub.state == state and sub.approved_by_id == approver["id"]
        entered = db.session.scalar(db.select(Result.entered_by_id)
                                    .filter_by(item_id=part["item"]))
        assert entered != approver["id"]

    # The SME reads the approved results, their verdicts and the timeline.
    sign_in(page, live_server, sme)
    page.get_by_role("link", name=req.number, exact=True).click()
    expect(page.locator("h1")).to_contain_text(req.number)
    for code, shown, verdict, badge in (("NTC9", "80 mg/kg", "不合格", "报告已签发"),
                                        ("FTC9", "12.5 mg/kg", "合格", "结果已批准")):
        section = page.locator("section.part", has_text=parts[code]["number"])
        expect(section.locator(".badge.state-approved, .badge.state-issued")).to_have_text(badge)
        row = section.locator("tr", has_text="甲醛")
        expect(row).to_contain_text(shown)
        expect(row.locator(".badge")).to_have_text(verdict)
        expect(section.locator("code")).to_have_text(parts[code]["sample"])
    expect(page.locator("section.part", has_text=parts["NTC9"]["number"])
           .locator("tr.out-of-range")).to_have_count(1)
    timeline = page.locator("aside .card", has=page.get_by_role("heading", name="办理进度"))
    for step in ("已提交至平台", "已分派至实验室", "实验室已完成合同评审并报价", "已接受报价",
                 "实验室已接收样品", "结果已批准"):
        expect(timeline).to_contain_text(step)
    expect(timeline.locator("li", has_text="结果已批准")).to_have_count(2)
    expect(timeline.locator("li", has_text="报告已签发")).to_have_count(1)
    ntc_section = page.locator("section.part", has_text=parts["NTC9"]["number"])
    with page.expect_download() as download:
        ntc_section.get_by_role("link", name="下载报告（PDF）").click()
    assert download.value.suggested_filename.startswith("NTC9-")
    expect(timeline).not_to_contain_text("结果已提交审核")  # the lab's internal step
    screenshot(page, "14-applicant-results")
