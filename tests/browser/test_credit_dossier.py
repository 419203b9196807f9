"""A quality-credit dossier in a real Chromium: the enterprise's administrator makes one
on a phone after seeing what it will show; the bank opens the address from its QR code
(on the desk's public address, here mapped to the test server) and reads it; the
enterprise sees the view and revokes the dossier; the bank's page then says so and
shows nothing more."""
import re
from datetime import date
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from blueprints.enterprises.records import QualityRecord
from core.roles import Role
from core.uploads import store
from extensions import db
from tests.browser.helpers import sign_in
from tests.browser.test_scale_journey import (
    PHONE_SIZE,
    assert_fits_the_screen,
    new_device,
    sign_in_on_phone,
)
from tests.conftest import PUBLIC_URL

pytestmark = pytest.mark.browser
DESKTOP_SIZE = {"width": 1280, "height": 900}


def test_the_enterprise_hands_a_dossier_to_its_bank_and_takes_it_back(
        app, live_server, browser, users, screenshot):
    sme = users[Role.sme]
    evidence = store(b"%PDF-1.4 ISO 9001 certificate")
    QualityRecord.enter(sme.enterprise, users[Role.admin], evidence, "iso9001.pdf",
                        kind="certification", level="qms", title="ISO 9001:2015 质量管理体系认证",
                        reference="00125Q35678R1M", dated=date(2025, 3, 18),
                        valid_until=date(2028, 3, 17))
    db.session.commit()

    context, page = new_device(browser, PHONE_SIZE)
    sign_in_on_phone(page, live_server, sme.email)
    page.goto(live_server + "/credit/new")
    expect(page.locator("#line-qms")).to_contain_text("质量管理体系认证（ISO 9001）")
    expect(page.locator("#line-pass_rate")).to_contain_text("未知（平台无数据来源）")
    assert_fits_the_screen(page, PHONE_SIZE["width"])
    page.get_by_label("银行", exact=True).fill("晋江农商银行 青阳支行")
    page.get_by_label("用途", exact=True).fill("质量贷 200万元 设备更新")
    page.get_by_role("checkbox", name="我同意").check()
    page.get_by_role("button", name="生成档案").click()
    expect(page.locator("#dossier-status")).to_have_text("有效")
    number = re.search(r"QC-\d{4}-\d{5}", page.locator("h1").inner_text()).group(0)
    screenshot(page, "dossier-phone")
    check_url = re.search(r"https://\S+", page.get_by_text("银行在").inner_text()).group(0)
    assert check_url.startswith(f"{PUBLIC_URL}/credit/check?number={number}&code=")

    # The bank, on a desktop, opens the address from the QR code.
    parts = urlsplit(check_url)
    bank_context, bank = new_device(browser, DESKTOP_SIZE)
    bank.goto(f"{live_server}{parts.path}?{parts.query}")
    expect(bank.locator("#dossier-status")).to_have_text("有效")
    expect(bank.locator("#dossier-enterprise")).to_contain_text(sme.enterprise.name)
    expect(bank.locator("#line-qms")).to_contain_text("00125Q35678R1M")

    # The enterprise sees the view, and revokes the dossier.
    page.reload()
    expect(page.locator("#views tbody tr")).to_have_count(1)
    page.get_by_label("理由").fill("贷款已办完")
    page.get_by_role("button", name="撤回档案", exact=True).click()
    expect(page.locator("#dossier-status")).to_have_text("已撤回")

    bank.reload()
    expect(bank.locator("#dossier-status")).to_have_text("已撤回")
    expect(bank.locator("#dossier-sentence")).to_contain_text("企业已于")
    expect(bank.locator("#dossier-lines")).to_have_count(0)
    expect(bank.get_by_text(sme.enterprise.name)).to_have_count(0)
    bank_context.close()
    context.close()


def test_the_desk_enters_a_record_with_its_evidence(app, live_server, browser, users,
                                                    tmp_path):
    admin, ent = users[Role.admin], users[Role.sme].enterprise
    proof = tmp_path / "award.pdf"
    proof.write_bytes(b"%PDF-1.4 award")
    context, page = new_device(browser, DESKTOP_SIZE)
    sign_in(page, live_server, {"email": admin.email})
    page.goto(f"{live_server}/enterprises/{ent.id}/records")
    page.get_by_label("类别").select_option(label="省级奖励")
    page.get_by_label("文件所载名称").fill("福建省质量奖提名奖")
    page.get_by_label("日期", exact=True).fill("2025-12-20")
    page.get_by_label("证明文件（PDF、JPEG 或 PNG，不超过 10 MB）").set_input_files(str(proof))
    page.get_by_role("button", name="录入记录").click()
    expect(page.locator("#records tbody tr")).to_have_count(1)
    expect(page.locator("#records")).to_contain_text("福建省质量奖提名奖")
    expect(page.locator("#records .record-standing")).to_have_text("有效")
    context.close()
