"""A lab whose one signatory entered the results sees what to set up; the manager names
a second signatory in Chromium, who approves and issues the report after confirming,
and the PDF names 编制 / 审核 / 批准."""
import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from blueprints.certificates.models import Certificate
from blueprints.service_requests.lifecycle import State
from blueprints.service_requests.models import SubRequest
from core.roles import Role
from extensions import db
from tests import factories
from tests.browser.helpers import current, sign_in
from tests.labs.test_signatories import part_in_review

pytestmark = pytest.mark.browser


def test_a_one_signatory_lab_names_a_second_who_signs(app, client, login, users, live_server,
                                                      page, screenshot):
    lab = factories.create_lab(code="ONE", name_zh="一人签字实验室")
    service = factories.create_service(labs=[lab], price_cents=0)
    service.capabilities[0].price_cents = 0
    manager = factories.create_user(Role.lab_manager, lab=lab, name="黄志强")
    analyst = factories.create_user(Role.lab_staff, lab=lab, name="林晓燕",
                                    signature_png=factories._default_signature())
    sub = part_in_review(client, login, users, service, manager, manager)
    sub_id, people = sub.id, {u.id: {"email": u.email} for u in (manager, analyst)}
    db.session.rollback()  # hold no transaction open while the server writes

    page.set_viewport_size({"width": 1024, "height": 768})
    sign_in(page, live_server, people[manager.id])
    page.goto(f"{live_server}/lab/requests/{sub_id}")
    gap = page.locator("#four-eyes-gap")
    expect(gap).to_contain_text("本实验室没有其他人能审核这些结果")
    expect(page.get_by_role("button", name="批准并签发报告")).to_have_count(0)
    screenshot(page, "signatories-1-one-signatory-is-stuck")
    gap.get_by_role("link", name="指定授权签字人").click()
    page.wait_for_url("**/lab/signatories")
    page.get_by_label("人员").select_option(label="林晓燕")
    page.get_by_label("检验检测", exact=True).check()
    page.get_by_label("授权签字领域").fill("纺织品 甲醛 GB/T 2912.1")
    page.get_by_role("button", name="指定为授权签字人").click()
    expect(page.locator(".notice.success")).to_contain_text("林晓燕 已成为本实验室的授权签字人")
    expect(page.locator("table")).to_contain_text("纺织品 甲醛 GB/T 2912.1")
    screenshot(page, "signatories-2-second-signatory-named")

    sign_in(page, live_server, people[analyst.id])
    page.goto(f"{live_server}/lab/requests/{sub_id}")
    expect(page.locator("#four-eyes-gap")).to_have_count(0)
    questions = []
    page.once("dialog", lambda d: (questions.append(d.message), d.accept()))
    page.get_by_role("button", name="批准并签发报告").click()
    expect(page.locator(".notice.success")).to_contain_text("报告已签发")
    assert questions and "签发后不能修改" in questions[0]
    screenshot(page, "signatories-3-issued-by-the-second")

    part = current(SubRequest, sub_id)
    assert part.state == State.issued and part.approved_by_id == analyst.id
    cert = db.session.scalar(db.select(Certificate).filter_by(sub_request_id=sub_id))
    with page.expect_download() as download:
        page.get_by_role("link", name=cert.number).click()
    with open(download.value.path(), "rb") as fh:
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(fh.read())).pages)
    assert "编制 Prepared by 审核 Reviewed by 批准 Approved by" in text
    names = text[text.index("Approved by"):]
    assert names.index("黄志强") < names.index("林晓燕") and names.count("林晓燕") == 2
