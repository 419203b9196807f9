"""The request form as an applicant fills it: rows added and removed, nothing typed
dropped, the expected price and date before submitting, a changed quote shown as old
and new price, and a drop-off booked by day, then time."""
from datetime import time

from blueprints.scheduling.kinds import ResourceKind
from blueprints.scheduling.models import Booking, Resource
from blueprints.service_requests.models import RequestItem, ServiceRequest
from core.roles import Role
from extensions import db
from tests.journeys import draft_form, make_draft, quote, submitted


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_rows_added_and_removed_in_the_browser_are_saved_in_order(client, users, login,
                                                                  two_labs):
    # The form's script numbers a new row after the highest; removing one leaves a gap.
    login(users[Role.sme])
    data = draft_form()
    for index, service, sample in ((0, "fabric", "里料"), (3, "food", "饼干"),
                                   (7, "fabric", "面料")):
        data.update({f"items-{index}-service_id": str(two_labs[service].id),
                     f"items-{index}-sample_description": sample,
                     f"items-{index}-quantity": "1", f"items-{index}-requirements": ""})
    assert client.post("/requests/new", data=data).status_code == 302
    req = db.session.scalars(db.select(ServiceRequest)).one()
    assert [i.sample_description for i in sorted(req.items, key=lambda i: i.position)] == [
        "里料", "饼干", "面料"]


def test_a_sample_typed_without_a_service_is_refused_not_dropped(client, users, login,
                                                                 two_labs):
    login(users[Role.sme])
    data = draft_form(two_labs["fabric"])
    data.update({"items-1-service_id": "0", "items-1-sample_description": "蓝色牛仔布",
                 "items-1-quantity": "3", "items-1-requirements": "按欧盟标准"})
    resp = client.post("/requests/new", data=data)
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert "请为这个样品选择服务项目" in page
    assert 'value="蓝色牛仔布"' in page and 'value="按欧盟标准"' in page
    assert count(ServiceRequest) == 0 and count(RequestItem) == 0


def test_the_form_offers_a_searchable_grouped_list_and_a_row_to_copy(client, users, login,
                                                                     two_labs):
    login(users[Role.sme])
    page = client.get("/requests/new").get_data(as_text=True)
    assert '<optgroup label="检验检测">' in page
    assert 'id="item-row-template"' in page and "items-__index__-service_id" in page
    assert "tom-select.base.min.js" in page and "再添加一项服务" in page
    assert 'data-price="15000"' in page and 'data-days="5"' in page


def test_the_draft_shows_each_part_and_the_total_before_submitting(client, users, login,
                                                                   two_labs):
    login(users[Role.sme])
    req = make_draft(client, two_labs["fabric"], two_labs["food"])
    page = client.get(f"/requests/{req.id}").get_data(as_text=True)
    # 2 × ¥150 at the textile lab and 2 × ¥200 at the food lab.
    assert 'id="draft-total">¥700.00<' in page
    assert "提交后将分为 2 个分单" in page
    assert "分单 1：纺织中心，1 项，¥300.00" in page and "分单 2：食品中心，1 项，¥400.00" in page


def test_a_changed_quote_shows_the_old_and_new_price_with_the_reason(client, users, login,
                                                                     two_labs):
    req, parts = submitted(client, login, users, two_labs)
    sub = parts["NTC1"]
    assert quote(client, login, two_labs["ntc_manager"], sub, price="225.00",
                 reason="样品需前处理").status_code == 302
    login(users[Role.sme])
    page = client.get(f"/requests/{req.id}").get_data(as_text=True)
    assert "提交时合计 ¥300.00" in page
    assert "每项 ¥150.00 → ¥225.00，原因：样品需前处理" in page
    assert "<del>" in page and "¥450.00" in page                     # the item's new line
    assert "（实验室报价：¥225.00）" in page                          # and why this lab
    other = parts["FTC1"]
    assert quote(client, login, two_labs["ftc_manager"], other, price="200.00").status_code == 302
    login(users[Role.sme])
    page = client.get(f"/requests/{req.id}").get_data(as_text=True)
    assert page.count("每项 ") == 1                     # the unchanged quote lists no change


def counter(lab_id):
    resource = Resource(lab_id=lab_id, name="收样窗口", kind=ResourceKind.reception,
                        opens=time(8, 30), closes=time(10, 30), weekdays="0123456",
                        slot_minutes=60, capacity=2)
    db.session.add(resource)
    db.session.commit()
    return resource


def test_the_booking_page_asks_for_a_day_then_a_time_and_chooses_none(client, users, login,
                                                                      two_labs):
    counter(two_labs["fabric_lab"].id)
    req, parts = submitted(client, login, users, two_labs)
    url = f"/requests/{req.id}/parts/{parts['NTC1'].id}/booking"
    login(users[Role.sme])
    page = client.get(url).get_data(as_text=True)
    assert "1. 选择日期" in page and "2. 选择时间" in page
    picker = page[page.index('id="slot-picker"'):]
    assert "checked" not in picker                                 # no slot chosen for them
    assert page.count('class="time-picker"') >= 13                 # two weeks, by day
    assert "周" in page and "Mon" not in page and "Sat" not in page  # weekdays in Chinese
    resp = client.post(url, data={"day": "2026-12-07"})             # a day, but no time
    assert resp.status_code == 400 and "请先选日期，再选时间。" in resp.get_data(as_text=True)
    assert count(Booking) == 0
    client.get("/lang/en")
    page = client.get(url).get_data(as_text=True)
    assert "1. Choose a day" in page and ("Mon" in page or "Tue" in page)
