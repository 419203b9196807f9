"""An administrator imports a standards body's list on a desktop: the upload is checked
in a dry run that says, line by line, what would be added, changed and refused and why;
one button imports the same file, its progress shown; the look-up then has the new
edition and the old one reads as replaced."""
import csv
import io
from datetime import date

import pytest
from playwright.sync_api import expect

from blueprints.standards.import_runs import run_next_import
from blueprints.standards.models import Standard, StandardStatus
from core.roles import Role
from extensions import db
from tests import factories
from tests.browser.helpers import sign_in
from tests.browser.test_scale_journey import assert_fits_the_screen, new_device

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 900}
# 国家标准公告 as published: number, title, what it replaces, date in force.
NOTICE = [["标准编号", "标准名称", "代替标准号", "实施日期", "状态"],
          ["GB/T 3920-2024", "纺织品 色牢度试验 耐摩擦色牢度", "GB/T 3920-2008", "2025-03-01", "现行"],
          ["GB/T 5713-2013", "纺织品 色牢度试验 耐水色牢度", "", "2014-06-01", "现行"],
          ["GB/T 5713-2013", "纺织品 色牢度试验 耐水色牢度（重复）", "", "2014-06-01", "现行"],
          ["GB/T 9999", "没有年代号的标准", "", "2020-01-01", "现行"],
          ["GB/T 8427-2019", "纺织品 色牢度试验 耐人造光色牢度：氙弧", "", "2020-07-01", "现行"]]


def notice_csv() -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(NOTICE)
    return out.getvalue().encode("utf-8-sig")


@pytest.fixture
def catalogue(app):
    factories.create_standard("GB/T 3920-2008", "纺织品 色牢度试验 耐摩擦色牢度")
    factories.create_standard("GB/T 8427-2019", "纺织品 色牢度试验 耐人造光色牢度：氙弧",
                              implemented_on=date(2019, 12, 1))  # the list corrects the date
    admin = factories.create_user(Role.admin)
    return {"email": admin.email}


def work_the_queue():
    """What the worker does every two seconds."""
    db.session.rollback()
    while run_next_import() is not None:
        pass


def test_an_administrator_checks_then_imports_a_published_list(live_server, browser,
                                                                screenshot, catalogue,
                                                                tmp_path):
    upload = tmp_path / "国家标准公告2024年第7号.csv"
    upload.write_bytes(notice_csv())
    db.session.rollback()
    context, page = new_device(browser, DESKTOP)
    try:
        sign_in(page, live_server, catalogue)
        page.goto(live_server + "/standards/imports")
        page.get_by_label("目录文件（CSV 或 Excel .xlsx，不超过 10 MB）").set_input_files(str(upload))
        expect(page.get_by_label("试运行：只报告将新增、变更和拒收的内容，不做任何修改")).to_be_checked()
        page.get_by_role("button", name="上传").click()
        expect(page.locator("h1")).to_contain_text("试运行")
        work_the_queue()
        page.reload()
        report = page.locator("table").last
        expect(page.locator("main")).to_contain_text("没有做任何修改")
        expect(page.locator("main")).to_contain_text("新增 2 · 变更 2 · 未变 0 · 拒收 2")
        expect(report).to_contain_text("与第 3 行是同一标准")
        expect(report).to_contain_text("没有年代号")
        assert_fits_the_screen(page, DESKTOP["width"])
        screenshot(page, "standards-import-dry-run")
        assert db.session.scalar(db.select(db.func.count()).select_from(Standard)) == 2

        page.once("dialog", lambda dialog: dialog.accept())   # "现在将此文件导入目录吗？"
        page.get_by_role("button", name="立即导入此文件").click()
        expect(page.locator("h1")).to_contain_text("导入 #2")
        work_the_queue()
        page.reload()
        expect(page.locator("main")).to_contain_text("新增 2 · 变更 2 · 未变 0 · 拒收 2")
        expect(page.locator("main")).not_to_contain_text("没有做任何修改")
        screenshot(page, "standards-import-done")
        db.session.rollback()
        old = db.session.scalar(db.select(Standard).filter_by(code="GB/T 3920-2008"))
        assert old.status == StandardStatus.replaced and old.replaced_by.code == "GB/T 3920-2024"
        assert old.withdrawn_on == date(2025, 3, 1)

        # The look-up reads the same.
        page.goto(live_server + "/standards/?q=GB/T3920")
        results = page.locator("article.std-result")
        expect(results.first.locator("h2")).to_contain_text("GB/T 3920-2024")
        expect(results.nth(1).locator(".std-replaced")).to_have_text("被代替")
    finally:
        context.close()
