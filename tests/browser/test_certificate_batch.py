"""A lab manager issues twelve certificates in one batch in a real Chromium and
watches its progress bar fill; the public then checks one certificate at /verify,
by number and code, and compares its PDF with the original."""
import hashlib
import os
import re
import threading
import time
import zipfile

import pytest
from playwright.sync_api import expect

from blueprints.certificates import batches, issuing
from blueprints.certificates.models import BatchState, Certificate, CertificateBatch
from blueprints.service_requests.lifecycle import State
from blueprints.service_requests.models import SubRequest
from core.roles import Role
from extensions import db
from tests import factories
from tests.browser.helpers import current, sign_in

pytestmark = pytest.mark.browser

PARTS = 12
BATCH_URL = re.compile(r".*/lab/batches/(\d+)$")


def test_a_batch_fills_its_progress_bar_and_the_public_verifies_a_certificate(
        app, live_server, page, screenshot, metrology, monkeypatch, tmp_path):
    lab, service = metrology["lab"], metrology["verification"]
    subs = [factories.create_approved_part(lab, service, factories.create_user(Role.citizen),
                                           metrology["manager"], values=("1.5",))
            for _ in range(PARTS)]
    parts = {s.id: s.number for s in subs}
    manager = {"id": metrology["manager"].id, "email": metrology["manager"].email}
    db.session.rollback()  # hold no transaction open while the server and the worker write

    # Slow each certificate down a little, so that the bar is seen part-way.
    original_render = issuing.render

    def slow_render(cert, html):
        time.sleep(0.3)
        return original_render(cert, html)

    monkeypatch.setattr(issuing, "render", slow_render)

    # The manager goes from the queue to the batch pages and picks every part.
    sign_in(page, live_server, manager)
    page.get_by_role("link", name="待办队列").first.click()
    expect(page.locator("h1")).to_contain_text("待办队列")
    page.get_by_role("link", name="批量签发证书 →", exact=True).click()
    page.wait_for_url("**/lab/batches")
    expect(page.locator("h1")).to_have_text("证书批次")
    expect(page.get_by_text(f"有 {PARTS} 个已批准的委托等待签发证书。")).to_be_visible()
    page.get_by_role("link", name="批量签发", exact=True).click()
    page.wait_for_url("**/lab/batches/new")
    expect(page.locator("h1")).to_have_text("批量签发证书")
    expect(page.locator("input[name='sub_id']")).to_have_count(PARTS)
    for number in parts.values():
        expect(page.get_by_role("link", name=number, exact=True)).to_be_visible()
        expect(page.get_by_role("checkbox", name=number, exact=True)).to_be_checked()
    page.get_by_role("button", name="签发所选证书").click()

    page.wait_for_url(BATCH_URL)
    batch_id = int(BATCH_URL.fullmatch(page.url).group(1))
    expect(page.locator(".notice.success")).to_have_text("批次已排队，本页面显示其进度。")
    expect(page.locator("h1")).to_contain_text(str(batch_id))
    bar = page.locator("progress#batch-progress")
    expect(bar).to_have_attribute("max", str(PARTS))
    expect(bar).to_have_attribute("value", "0")
    expect(page.locator("#batch-count")).to_have_text(f"0 / {PARTS}")
    expect(page.locator("#batch-state")).to_have_text("等待开始")
    expect(page.locator("#batch-live")).to_have_text("批次运行期间本页面会自动更新。")
    for number in parts.values():
        expect(page.locator("tr", has_text=number)).to_contain_text("等待中")
    batch = current(CertificateBatch, batch_id)
    assert (batch.state, batch.done, batch.total) == (BatchState.queued, 0, PARTS)
    assert sorted(i.sub_request_id for i in batch.items) == sorted(parts)
    db.session.rollback()

    # No worker process runs in tests: this thread is the worker.
    outcome = {}

    def run():
        with app.app_context():
            outcome["state"] = batches.run_batch(batch_id, processes=0).state

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    try:
        # The page polls and moves the bar while the worker issues, then reloads.
        seen = page.wait_for_function(
            """() => { const p = document.getElementById('batch-progress');
                       return p && p.value > 0 && p.value < p.max
                           && [p.value, p.max, document.getElementById('batch-count')
                               .textContent]; }""", timeout=30_000).json_value()
        done, total, count = int(seen[0]), int(seen[1]), seen[2]
        assert 0 < done < PARTS and total == PARTS
        assert count == f"{done} / {PARTS}"
        expect(page.locator("#batch-state")).to_have_text("签发中")
        screenshot(page, "20-batch-progress")

        pdf_link = page.get_by_role("link", name="合并 PDF（打印用）", exact=True)
        zip_link = page.get_by_role("link", name="已签名 PDF 的 ZIP 包", exact=True)
        expect(pdf_link).to_be_visible(timeout=60_000)
    finally:
        worker.join(60)
    assert not worker.is_alive()
    assert outcome == {"state": BatchState.done}

    expect(zip_link).to_be_visible()
    expect(page.locator("#batch-count")).to_have_text(f"{PARTS} / {PARTS}")
    expect(page.locator("#batch-state")).to_have_text("已完成")
    expect(bar).to_have_attribute("value", str(PARTS))
    expect(page.locator("#batch-live")).to_have_count(0)

    db.session.rollback()
    certs = {c.sub_request_id: {"id": c.id, "number": c.number, "code": c.verification_code,
                                "sha256": c.sha256, "stored_name": c.stored_name}
             for c in db.session.scalars(db.select(Certificate).filter_by(lab_id=lab.id))}
    assert sorted(certs) == sorted(parts)
    for sub_id, number in parts.items():
        assert current(SubRequest, sub_id).state == State.issued
        row = page.locator("tr", has_text=number)
        expect(row.get_by_role("link", name=certs[sub_id]["number"], exact=True)).to_be_visible()
    db.session.rollback()

    with page.expect_download() as download:
        zip_link.click()
    assert download.value.suggested_filename == f"batch-{batch_id}.zip"
    with zipfile.ZipFile(download.value.path()) as archive:
        names = archive.namelist()
        assert len(names) == PARTS and all(n.endswith(".pdf") for n in names)
        assert sorted(names) == sorted(f"{c['number']}.pdf" for c in certs.values())
        for cert in certs.values():
            data = archive.read(f"{cert['number']}.pdf")
            assert data.startswith(b"%PDF") and hashlib.sha256(data).hexdigest() == cert["sha256"]
    with page.expect_download() as download:
        pdf_link.click()
    assert download.value.suggested_filename == f"batch-{batch_id}.pdf"
    with open(download.value.path(), "rb") as fh:
        assert fh.read(4) == b"%PDF"
    screenshot(page, "21-batch-done")

    # Anyone, signed in or not, checks a certificate by its number and code...
    cert = certs[min(certs)]
    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_role("link", name="登录", exact=True)).to_be_visible()
    page.goto(live_server + "/verify")
    expect(page.locator("h1")).to_have_text("报告证书真伪查验")
    page.get_by_label("报告/证书编号").fill(cert["number"])
    page.get_by_label("验证码").fill(cert["code"])
    page.get_by_role("button", name="查验", exact=True).click()
    expect(page.locator("#cert-status")).to_have_text("有效")
    expect(page.locator(".verify-status")).to_contain_text("真实有效")
    expect(page.locator(".verify-facts")).to_contain_text(cert["number"])
    expect(page.locator("#cert-outcome")).to_have_text("合格")
    page.get_by_text("技术信息").click()       # the hash, folded away below
    expect(page.locator("code.hash")).to_have_text(cert["sha256"])

    # ...and compares the PDF they were sent with the original.
    with open(os.path.join(app.config["CERTIFICATE_FOLDER"], cert["stored_name"]), "rb") as fh:
        original = fh.read()
    copy = tmp_path / f"{cert['number']}.pdf"
    copy.write_bytes(original)
    page.get_by_label("上传 PDF 副本，与原件比对").set_input_files(str(copy))
    page.get_by_role("button", name="比对", exact=True).click()
    expect(page.locator("#match")).to_have_text("该文件与签发原件逐字节一致。")
    expect(page.locator("#match")).to_have_class(re.compile(r"\bsuccess\b"))
    expect(page.locator("#signature")).to_have_text("此文件上的平台数字签名完好。")
    expect(page.locator("#cert-status")).to_have_text("有效")
    screenshot(page, "22-verify-match")
