"""A failed test result taken to the quality clinic, in a real Chromium: the
enterprise opens a case about it on a phone, the desk dispatches it, the expert
accepts it on a tablet, books an on-site visit, records a finding and two actions
and proposes it resolved; the enterprise confirms and rates it on the phone, and
three months on reports what it brought, shown as the enterprise reported it."""
import re
from datetime import datetime, time, timedelta

import pytest
from icalendar import Calendar
from playwright.sync_api import expect
from sqlalchemy import select

from blueprints.clinic.alerts import ask_for_benefits
from blueprints.clinic.kinds import ActionOwner, AssignmentState, Cause, VisitMode
from blueprints.clinic.lifecycle import CaseState
from blueprints.clinic.models import CaseAssignment, CaseAttachment, CaseRating, ClinicCase
from blueprints.clinic.outcome import CaseBenefit
from blueprints.clinic.work import CaseFinding, CaseVisit, CorrectiveAction
from blueprints.notifications.models import Notification
from core.roles import Role
from core.timeutil import LOCAL_TZ, local_today, to_local, utcnow
from extensions import db
from tests import factories
from tests.browser.helpers import current, sign_in
from tests.browser.test_scale_journey import (
    PHONE_SIZE,
    assert_fits_the_screen,
    new_device,
    open_menu,
    sign_in_on_phone,
)
from tests.clinic.journey import clinic_people
from tests.conftest import PUBLIC_URL

pytestmark = pytest.mark.browser

TABLET_SIZE = {"width": 1024, "height": 768}
OPENED = re.compile(r"已提交，问诊编号 (WZ-\d{4}-\d{6})。平台选派专家后会通知您。")
PHOTO = "面料照片.png"
SYMPTOMS = "童装针织面料送检甲醛 120 mg/kg，超过 75 mg/kg 的限值；同批面料客户已拒收。"
FINDING = "树脂整理液中交联剂用量偏高，焙烘温度只有 150 °C，游离甲醛未充分去除。"
FOR_ENTERPRISE = "改用低甲醛交联剂，焙烘温度提高到 170 °C 并逐批记录"
FOR_EXPERT = "整改后首批面料送检复测甲醛，专家解读报告"
RESOLUTION = "原因是交联剂用量偏高、焙烘温度不足；已改用低甲醛交联剂并提高焙烘温度，复测甲醛 28 mg/kg。"
ADDRESS = "晋江市池店镇工业区 8 号 二号车间"


def case_section(page, name):
    return page.locator(f"section#{name}")


def test_a_failed_result_goes_to_the_clinic_and_comes_back_with_its_benefit(
        app, live_server, browser, page, screenshot, users, dummy_lab):
    people = clinic_people(users, dummy_lab)
    sme, admin, expert = people["sme"], people["admin"], people["expert"]
    service = factories.create_service(labs=[dummy_lab], name_zh="童装面料甲醛含量")
    part = factories.create_approved_part(dummy_lab, service, sme, users[Role.lab_manager],
                                          values=("120",))
    request_id, request_number = part.request_id, part.request.number
    result_id = part.items[0].results[0].id
    sme_id, sme_login, admin_login = sme.id, sme.email, {"email": admin.email}
    expert_login, expert_id = {"email": expert.user.email}, expert.id
    enterprise_name = sme.enterprise.name
    db.session.rollback()  # hold no transaction open while the server writes

    phone_context, phone = new_device(browser, PHONE_SIZE)
    tablet_context, tablet = new_device(browser, TABLET_SIZE)
    try:
        # -- The enterprise, on a phone, asks an expert about the failed result.
        sign_in_on_phone(phone, live_server, sme_login)
        phone.get_by_role("link", name="我的委托", exact=True).click()
        phone.get_by_role("link", name=request_number, exact=True).click()
        expect(phone.locator("h1")).to_contain_text(request_number)
        row = phone.locator("tr.out-of-range")
        expect(row).to_contain_text("甲醛")
        expect(row).to_contain_text("120 mg/kg")
        expect(row.locator(".badge")).to_have_text("不合格")
        assert_fits_the_screen(phone, PHONE_SIZE["width"])
        row.get_by_role("link", name="就此请专家问诊", exact=True).click()

        phone.wait_for_url(f"**/clinic/new?result={result_id}")
        expect(phone.locator("h1")).to_have_text("请专家问诊")
        source = phone.locator("#source")
        expect(source).to_contain_text(request_number)
        expect(source).to_contain_text("不合格结果 甲醛 = 120")
        expect(phone.get_by_label("一句话说明问题")).to_have_value(re.compile(r"^甲醛 不合格：120"))
        expect(phone.get_by_label("产业链")).to_have_value("textiles_footwear")
        for skill in ("原因分析（人、机、料、法、环、测）", "检测方法与报告解读"):
            expect(phone.get_by_role("checkbox", name=skill, exact=True)).to_be_checked()
        expect(phone.get_by_role("checkbox", name="原材料与零部件", exact=True)).not_to_be_checked()
        phone.get_by_label("产品", exact=True).fill("童装针织面料（A 批）")
        phone.get_by_label("工序或生产环节").fill("后整理：树脂整理、焙烘")
        phone.get_by_label("问题表现").fill(SYMPTOMS)
        phone.get_by_label("从何时开始").fill("本月第一批")
        phone.get_by_label("每月损失（元，如知道）").fill("48000")
        phone.get_by_label("目前损失").fill("一批面料被客户拒收，需返工重新整理")
        phone.get_by_label("产品领域（ICS）").select_option("59")
        phone.get_by_label("照片或检测报告（PDF、JPEG 或 PNG，不超过 10 MB）").set_input_files(
            files=[{"name": PHOTO, "mimeType": "image/png", "buffer": factories.licence_png()}])
        assert_fits_the_screen(phone, PHONE_SIZE["width"])
        screenshot(phone, "clinic-01-phone-ask-form")
        phone.get_by_role("button", name="提交质量问诊", exact=True).click()

        phone.wait_for_url(re.compile(r".*/clinic/\d+$"))
        case_url = phone.url
        flash = phone.locator(".notice.success")
        expect(flash).to_have_text(OPENED)
        number = OPENED.fullmatch(flash.inner_text().strip()).group(1)
        assert number.startswith(f"WZ-{local_today().year}-")
        expect(phone.locator("h1")).to_contain_text(number)
        expect(phone.locator("#case-state")).to_have_text("待派单")
        source = phone.locator("dd#source")
        expect(source).to_contain_text("不合格结果 甲醛 = 120")
        expect(source.get_by_role("link", name=request_number, exact=True)).to_have_attribute(
            "href", f"/requests/{request_id}")
        problem = case_section(phone, "problem")
        for text in ("童装针织面料（A 批）", "后整理：树脂整理、焙烘", SYMPTOMS, "每月约 ¥48,000.00",
                     "ICS 59"):
            expect(problem).to_contain_text(text)
        expect(case_section(phone, "experts")).to_contain_text("平台正在选派专家。")
        photo = case_section(phone, "files").get_by_role("link", name=PHOTO, exact=True)
        expect(photo).to_be_visible()
        answer = phone.request.get(live_server + photo.get_attribute("href"))
        assert answer.ok and answer.headers["content-type"] == "image/png"
        assert answer.body() == factories.licence_png()
        assert_fits_the_screen(phone, PHONE_SIZE["width"])
        screenshot(phone, "clinic-02-phone-case-opened")

        case = db.session.scalars(select(ClinicCase)).one()
        case_id = case.id
        assert (case.number, case.state, case.result_id, case.ics_field,
                case.monthly_loss_cents) == (number, CaseState.submitted, result_id, "59",
                                             4_800_000)
        assert db.session.scalar(select(CaseAttachment.filename)
                                 .filter_by(case_id=case_id)) == PHOTO
        db.session.rollback()

        # The request page now links the result to its case instead of offering one.
        phone.goto(f"{live_server}/requests/{request_id}")
        row = phone.locator("tr.out-of-range")
        expect(row.get_by_role("link", name=f"质量问诊 {number}", exact=True)).to_be_visible()
        expect(row.get_by_role("link", name="就此请专家问诊")).to_have_count(0)

        # -- The desk, at a desk, dispatches it to the outside expert.
        sign_in(page, live_server, admin_login)
        page.get_by_role("link", name="我的待办", exact=True).click()
        to_dispatch = page.locator("#task-clinic_to_dispatch")
        to_dispatch.get_by_role("link", name=number, exact=True).click()
        expect(page.locator("h1")).to_contain_text(number)
        expect(case_section(page, "problem")).to_contain_text(SYMPTOMS)
        dispatch = case_section(page, "dispatch")
        proposed = dispatch.locator("ul.proposals > li")
        expect(proposed).to_have_count(2)
        expect(proposed.nth(0)).to_contain_text("林专家")
        expect(proposed.nth(1)).to_contain_text("陈工")
        expect(dispatch.locator("ul.proposals")).not_to_contain_text("回避专家")
        expect(proposed.nth(0).get_by_role("checkbox")).to_be_checked()
        expect(proposed.nth(1).get_by_role("checkbox")).not_to_be_checked()
        dispatch.get_by_text("未推荐（1）", exact=True).click()
        expect(dispatch.locator("details li")).to_have_text(
            "已申报与该企业有利益冲突：1 位（回避专家）")
        screenshot(page, "clinic-03-admin-dispatch")
        dispatch.get_by_role("button", name="派单", exact=True).click()
        expect(page.locator(".notice.success")).to_have_text(
            "已派单。已通知专家，专家将在答复时限内答复。")
        expect(page.locator("#case-state")).to_have_text("已派单")
        expect(case_section(page, "experts").locator("li")).to_contain_text("林专家")
        expect(case_section(page, "experts")).to_contain_text("待答复")
        assignment = db.session.scalars(select(CaseAssignment)).one()
        assert (assignment.expert_id, assignment.state) == (expert_id, AssignmentState.pending)
        assert current(ClinicCase, case_id).state == CaseState.dispatched
        db.session.rollback()

        # -- The expert, on a tablet, accepts and books an on-site visit.
        sign_in(tablet, live_server, expert_login)
        tablet.get_by_role("link", name="我的待办", exact=True).click()
        tablet.locator("#task-clinic_to_answer").get_by_role(
            "link", name=number, exact=True).click()
        expect(tablet.locator("h1")).to_contain_text(number)
        expect(tablet.locator("#case-state")).to_have_text("已派单")
        expect(tablet.locator("h1 + p")).to_contain_text(enterprise_name)
        expect(case_section(tablet, "files").get_by_role("link", name=PHOTO)).to_be_visible()
        tablet.get_by_role("button", name="接单", exact=True).click()
        expect(tablet.locator(".notice.success")).to_have_text("您已接单。准备好后请预约会诊。")
        expect(tablet.locator("#case-state")).to_have_text("专家处理中")
        expect(case_section(tablet, "experts")).to_contain_text("已接单")
        expect(tablet.get_by_role("button", name="接单", exact=True)).to_have_count(0)

        day = local_today() + timedelta(days=3)
        visits = case_section(tablet, "visits")
        expect(visits).to_contain_text("尚未预约会诊。")
        visits.locator("summary", has_text="预约会诊").click()
        form = visits.locator("form")
        form.get_by_label("方式").select_option(label="现场")
        form.get_by_label("日期").fill(day.isoformat())
        form.get_by_label("开始时间").fill("09:30")
        form.get_by_label("结束时间").fill("11:30")
        form.get_by_label("地址或视频会议链接").fill(ADDRESS)
        form.get_by_label("会诊内容").fill("查看树脂整理和焙烘工序，抽取面料")
        form.get_by_role("button", name="预约会诊", exact=True).click()
        expect(tablet.locator(".notice.success")).to_have_text("会诊已预约，已通知企业。")
        visit = visits.locator("ul.visits > li")
        expect(visit).to_have_count(1)
        expect(visit, "the visit at the time the expert booked").to_contain_text(
            f"{day.isoformat()} 09:30–11:30")
        expect(visit).to_contain_text("现场")
        expect(visit).to_contain_text(ADDRESS)
        with tablet.expect_download() as download:
            visit.get_by_role("link", name="添加到我的日历（.ics）", exact=True).click()
        visit_id = db.session.scalars(select(CaseVisit.id)).one()
        assert download.value.suggested_filename == f"{number}-visit-{visit_id}.ics"
        with open(download.value.path(), "rb") as fh:
            event = Calendar.from_ical(fh.read()).walk("VEVENT")[0]
        assert to_local(event.decoded("dtstart")) == datetime.combine(day, time(9, 30),
                                                                     LOCAL_TZ)
        assert to_local(event.decoded("dtend")) == datetime.combine(day, time(11, 30),
                                                                   LOCAL_TZ)
        assert str(event["location"]) == ADDRESS
        assert number in str(event["summary"])
        assert str(event["url"]) == f"{PUBLIC_URL}/clinic/{case_id}"
        db.session.rollback()

        # ... records what it found ...
        findings = case_section(tablet, "findings")
        findings.locator("summary", has_text="记录诊断发现").click()
        form = findings.locator("form")
        form.get_by_label("原因类别").select_option(label="法（工艺、作业指导）")
        form.get_by_label("发现的问题").fill(FINDING)
        form.get_by_role("button", name="记录诊断发现", exact=True).click()
        expect(tablet.locator(".notice.success")).to_have_text("诊断发现已记录。")
        finding = findings.locator("ol.findings > li")
        expect(finding).to_have_count(1)
        expect(finding.locator(".badge")).to_have_text("法（工艺、作业指导）")
        expect(finding).to_contain_text(FINDING)
        expect(finding).to_contain_text("林专家")

        # ... and two corrective actions: one for the enterprise, one for the expert.
        actions = case_section(tablet, "actions")
        for text, side, owner, days in ((FOR_ENTERPRISE, "企业", "车间主任王强", 14),
                                        (FOR_EXPERT, "专家", "林专家", 30)):
            actions.locator("summary", has_text="添加整改措施").click()
            form = actions.locator("form[action$='/actions']")
            expect(form.get_by_label("整改内容"), "the action's text box is labelled").to_be_visible()
            form.get_by_label("整改内容").fill(text)
            form.get_by_label("执行方").select_option(label=side)
            form.get_by_label("责任人").fill(owner)
            form.get_by_label("完成期限").fill((local_today() + timedelta(days=days)).isoformat())
            form.get_by_label("针对的诊断发现").select_option(
                label=f"法（工艺、作业指导）：{FINDING[:40]}")
            form.get_by_role("button", name="添加措施", exact=True).click()
            expect(tablet.locator(".notice.success")).to_have_text("整改措施已添加。")
        planned = actions.locator("ul.case-actions > li")
        expect(planned).to_have_count(2)
        for k, (text, side, owner, days) in enumerate(
                ((FOR_ENTERPRISE, "企业", "车间主任王强", 14),
                 (FOR_EXPERT, "专家", "林专家", 30))):
            expect(planned.nth(k)).to_contain_text(text)
            expect(planned.nth(k)).to_contain_text(f"{owner}（{side}）")
            expect(planned.nth(k)).to_contain_text(
                (local_today() + timedelta(days=days)).isoformat())
        assert_fits_the_screen(tablet, TABLET_SIZE["width"])
        screenshot(tablet, "clinic-04-tablet-expert-at-work")

        rows = db.session.scalars(select(CorrectiveAction).order_by(CorrectiveAction.id)).all()
        found = db.session.scalars(select(CaseFinding)).one()
        assert [(a.owner_side, a.owner, a.finding_id) for a in rows] == [
            (ActionOwner.enterprise, "车间主任王强", found.id),
            (ActionOwner.expert, "林专家", found.id)]
        assert (found.cause, found.description) == (Cause.method, FINDING)
        visit_row = db.session.get(CaseVisit, visit_id)
        assert (visit_row.mode, visit_row.place) == (VisitMode.onsite, ADDRESS)
        db.session.rollback()

        # ... and proposes the case resolved.
        steps = tablet.locator("#next")
        steps.locator("summary", has_text="提请确认解决").click()
        steps.get_by_label("解决情况：查明的原因、做了哪些改变、效果如何").fill(RESOLUTION)
        steps.get_by_role("button", name="提请确认解决", exact=True).click()
        expect(tablet.locator(".notice.success")).to_have_text("解决情况已发送给企业确认。")
        expect(tablet.locator("#case-state")).to_have_text("待确认解决")
        expect(tablet.locator("#resolution")).to_have_text(RESOLUTION)
        assert_fits_the_screen(tablet, TABLET_SIZE["width"])
        screenshot(tablet, "clinic-05-tablet-proposed")
        assert current(ClinicCase, case_id).state == CaseState.proposed
        db.session.rollback()

        # -- The enterprise, on the phone, confirms and rates.
        phone.goto(live_server + "/")
        open_menu(phone)
        phone.get_by_role("link", name="我的待办", exact=True).click()
        phone.locator("#task-clinic_to_confirm").get_by_role(
            "link", name=number, exact=True).click()
        expect(phone.locator("#case-state")).to_have_text("待确认解决")
        expect(phone.locator("#resolution")).to_have_text(RESOLUTION)
        expect(case_section(phone, "visits")).to_contain_text(ADDRESS)
        expect(case_section(phone, "findings")).to_contain_text(FINDING)
        expect(case_section(phone, "actions").locator("ul.case-actions > li")).to_have_count(2)
        assert_fits_the_screen(phone, PHONE_SIZE["width"])
        screenshot(phone, "clinic-06-phone-to-confirm")
        phone.get_by_role("button", name="确认已解决", exact=True).click()
        expect(phone.locator(".notice.success")).to_have_text(
            "谢谢！问题已解决，请对本次服务进行评价。")
        expect(phone.locator("#case-state")).to_have_text("已解决")
        rate = phone.locator("form#rate")
        levels = rate.get_by_role("radio")
        expect(levels).to_have_count(5)
        for level in ("非常满意", "满意", "基本满意", "不满意", "非常不满意"):
            expect(rate.get_by_role("radio", name=level, exact=True)).not_to_be_checked()
        rate.get_by_role("radio", name="满意", exact=True).check()
        rate.get_by_label("评价意见").fill("专家当天就找到了原因，希望复测报告能快一点。")
        assert_fits_the_screen(phone, PHONE_SIZE["width"])
        screenshot(phone, "clinic-07-phone-rating-form")
        rate.get_by_role("button", name="提交评价", exact=True).click()
        expect(phone.locator(".notice.success")).to_have_text("感谢您的评价。")
        expect(phone.locator("#rating")).to_have_text(
            "评价：满意 — 专家当天就找到了原因，希望复测报告能快一点。")
        expect(phone.locator("form#rate")).to_have_count(0)
        assert_fits_the_screen(phone, PHONE_SIZE["width"])
        screenshot(phone, "clinic-08-phone-rated")

        case = current(ClinicCase, case_id)
        assert case.state == CaseState.resolved and case.resolved_at is not None
        stars = db.session.scalars(select(CaseRating)).one()
        assert (stars.case_id, int(stars.level)) == (case_id, 4)

        # -- Three months on, the desk asks for the benefit ...
        assert ask_for_benefits(utcnow()) == 0          # not before 90 days
        case.resolved_at = utcnow() - timedelta(days=91)
        db.session.commit()
        assert ask_for_benefits(utcnow()) == 1
        told = db.session.scalars(select(Notification).where(
            Notification.user_id == sme_id, Notification.kind == "clinic_benefit_asked")).one()
        assert told.link == f"{PUBLIC_URL}/clinic/{case_id}"
        db.session.rollback()

        # ... the enterprise reads it on the phone and reports the benefit.
        phone.goto(live_server + "/")
        open_menu(phone)
        expect(phone.locator("#unread")).to_be_visible()
        phone.get_by_role("link", name=re.compile(r"^通知")).click()
        note = phone.locator("ul.notifications > li", has_text="问诊已过去三个月")
        expect(note).to_contain_text(f"{number}：问诊已过去三个月，效果如何？")
        expect(note.get_by_role("link")).to_have_attribute(
            "href", f"{PUBLIC_URL}/clinic/{case_id}")
        assert_fits_the_screen(phone, PHONE_SIZE["width"])
        screenshot(phone, "clinic-09-phone-notification")

        open_menu(phone)
        phone.get_by_role("link", name="我的待办", exact=True).click()
        phone.locator("#task-clinic_benefits").get_by_role(
            "link", name=number, exact=True).click()
        outcome = case_section(phone, "outcome")
        expect(outcome).to_contain_text(
            f"平台已于 {local_today().isoformat()} 请企业填报成效。")
        form = outcome.locator("form[action$='/benefit']")
        expect(form).to_be_visible()
        form.get_by_label("整改前不良率（%）").fill("6.5")
        form.get_by_label("目前不良率（%）").fill("0.8")
        form.get_by_label("至今节约成本（元）").fill("36000")
        form.get_by_label("您的说明").fill("复测合格，客户恢复下单。")
        assert_fits_the_screen(phone, PHONE_SIZE["width"])
        screenshot(phone, "clinic-10-phone-benefit-form")
        form.get_by_role("button", name="填报成效", exact=True).click()
        expect(phone.locator(".notice.success")).to_have_text("谢谢！已按您填报的内容记录成效。")
        outcome = case_section(phone, "outcome")
        expect(outcome).to_contain_text("6.5% → 0.8%")
        expect(outcome).to_contain_text("¥36,000.00")
        expect(outcome).to_contain_text("复测合格，客户恢复下单。")
        expect(outcome.locator("#benefit-status")).to_have_text("企业自报")
        assert_fits_the_screen(phone, PHONE_SIZE["width"])
        screenshot(phone, "clinic-11-phone-benefit-reported")
        assert phone.url.startswith(case_url)
        open_menu(phone)
        phone.get_by_role("link", name="我的待办", exact=True).click()
        expect(phone.locator("#task-clinic_benefits")).not_to_contain_text(number)

        benefit = db.session.scalars(select(CaseBenefit)).one()
        assert (str(benefit.defect_rate_before), str(benefit.defect_rate_after),
                benefit.cost_saved_cents, benefit.reported_by_id, benefit.is_verified) == (
            "6.500", "0.800", 3_600_000, sme_id, False)
        db.session.rollback()
    finally:
        phone_context.close()
        tablet_context.close()
