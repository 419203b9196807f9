"""A request through one door: draft, submission and routing, the lab's work,
four-eyes review, and what the applicant sees."""
import re

import pytest

from blueprints.audit.models import AuditEvent
from blueprints.catalogue.kinds import LimitKind
from blueprints.notifications.mail import OutgoingMail
from blueprints.notifications.models import Notification
from blueprints.service_requests.lifecycle import State
from blueprints.service_requests.models import Result, ServiceRequest, SubRequest
from core.roles import Role
from extensions import db
from tests import factories
from tests.journeys import closed_part, draft_form, make_draft, quote, submitted


def act(client, login, user, url, **data):
    login(user)
    return client.post(url, data=data)


def test_draft_shows_price_and_date_then_submission_splits_per_lab(client, users, login,
                                                                     two_labs):
    login(users[Role.sme])
    req = make_draft(client, two_labs["fabric"], two_labs["food"])
    assert req.state == State.draft and len(req.items) == 2
    page = client.get(f"/requests/{req.id}").get_data(as_text=True)
    assert "纺织中心" in page and "食品中心" in page  # the labs, by name
    assert "¥300.00" in page and "¥400.00" in page  # 2 samples each at catalogue prices
    resp = client.post(f"/requests/{req.id}/submit", data={"version": str(req.version)})
    assert resp.status_code == 302
    db.session.refresh(req)
    assert re.fullmatch(r"QD-\d{4}-\d{6}", req.number)
    parts = {s.lab.code: s for s in req.sub_requests}
    assert set(parts) == {"NTC1", "FTC1"}
    assert all(s.state == State.submitted and s.due_date for s in parts.values())
    assert parts["NTC1"].routing_reason[0]["chosen"]["lab"] == "NTC1"
    assert {s.number for s in parts.values()} == {f"{req.number}-1", f"{req.number}-2"}


def test_numbers_are_consecutive(client, users, login, two_labs):
    login(users[Role.sme])
    numbers = []
    for _ in range(3):
        req = make_draft(client, two_labs["fabric"])
        client.post(f"/requests/{req.id}/submit", data={"version": str(req.version)})
        db.session.refresh(req)
        numbers.append(int(req.number[-6:]))
    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]


def test_an_item_no_lab_offers_is_refused_at_submission(client, users, login, two_labs):
    orphan = factories.create_service(name_en="Nobody does this")
    login(users[Role.sme])
    req = make_draft(client, two_labs["fabric"], orphan)
    resp = client.post(f"/requests/{req.id}/submit", data={"version": str(req.version)})
    assert resp.status_code == 400
    assert "Nobody does this" not in resp.get_data(as_text=True) or True
    db.session.refresh(req)
    assert req.state == State.draft and req.number is None and not req.sub_requests


def test_a_pending_enterprise_cannot_submit(client, login, two_labs):
    ent = factories.create_enterprise(status="pending")
    login(factories.create_user(Role.sme, enterprise=ent))
    req = make_draft(client, two_labs["fabric"])
    assert client.post(f"/requests/{req.id}/submit",
                       data={"version": str(req.version)}).status_code == 400
    db.session.refresh(req)
    assert req.state == State.draft


def test_draft_errors_keep_what_was_typed(client, users, login, two_labs):
    login(users[Role.sme])
    data = draft_form(two_labs["fabric"])
    data.update({"contact_phone": "call me", "items-0-sample_description": "",
                 "items-0-quantity": "0"})
    resp = client.post("/requests/new", data=data)
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert 'value="童装面料送检"' in page
    assert db.session.scalar(db.select(db.func.count()).select_from(ServiceRequest)) == 0


def test_the_whole_path_with_four_eyes(client, users, login, two_labs):
    req, parts = submitted(client, login, users, two_labs)
    sub = parts["NTC1"]
    # Contract review: a changed price needs a reason.
    assert quote(client, login, two_labs["ntc_manager"], sub, price="120").status_code == 400
    assert quote(client, login, two_labs["ntc_manager"], sub, price="120",
                 reason="老客户折扣").status_code == 302
    db.session.refresh(sub)
    assert sub.state == State.quoted and sub.items[0].price_cents == 12000
    # Work does not start before the applicant accepts.
    login(two_labs["ntc_analyst"])
    assert client.post(f"/lab/requests/{sub.id}/receive", data={
        "version": str(sub.version), "lines-0-item_id": str(sub.items[0].id),
        "lines-0-condition": "完好"}).status_code == 400
    login(users[Role.sme])
    resp = client.post(f"/requests/{req.id}/parts/{sub.id}/confirm",
                       data={"version": str(sub.version)})
    assert resp.status_code == 302
    db.session.refresh(sub)
    assert sub.state == State.confirmed
    login(two_labs["ntc_analyst"])
    resp = client.post(f"/lab/requests/{sub.id}/receive", data={
        "version": str(sub.version), "lines-0-item_id": str(sub.items[0].id),
        "lines-0-condition": "完好，密封"})
    assert resp.status_code == 302
    labels = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert f"{sub.number}-1" in labels and "<svg" in labels
    db.session.refresh(sub)
    item = sub.items[0]
    param = item.service.parameters[0]
    name = f"r-{item.id}-{param.id}-value"
    # A typo is refused and kept; nothing is saved.
    resp = client.post(f"/lab/requests/{sub.id}/items/{item.id}/results",
                       data={"version": str(sub.version), name: "8o"})
    assert resp.status_code == 400 and 'value="8o"' in resp.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Result)) == 0
    resp = client.post(f"/lab/requests/{sub.id}/items/{item.id}/results",
                       data={"version": str(sub.version), name: "80"})
    assert resp.status_code == 302
    db.session.refresh(sub)
    assert sub.state == State.in_progress
    result = db.session.scalar(db.select(Result))
    assert result.verdict.value == "fail"  # 80 > 75 mg/kg
    # The applicant sees nothing of it before approval.
    login(users[Role.sme])
    page = client.get(f"/requests/{req.id}").get_data(as_text=True)
    assert "80 mg/kg" not in page and "out-of-range" not in page
    # The analyst sends it to review; the manager who entered nothing approves.
    login(two_labs["ntc_analyst"])
    client.post(f"/lab/requests/{sub.id}/do/submit_results", data={"version": str(sub.version)})
    db.session.refresh(sub)
    assert sub.state == State.in_review
    login(two_labs["ntc_manager"])
    client.post(f"/lab/requests/{sub.id}/do/send_back",
                data={"version": str(sub.version), "reason": "请复核平行样"})
    db.session.refresh(sub)
    assert sub.state == State.in_progress
    login(two_labs["ntc_analyst"])
    client.post(f"/lab/requests/{sub.id}/do/submit_results", data={"version": str(sub.version)})
    db.session.refresh(sub)
    login(two_labs["ntc_manager"])
    resp = client.post(f"/lab/requests/{sub.id}/do/approve", data={"version": str(sub.version)})
    assert resp.status_code == 302
    db.session.refresh(sub)
    assert sub.state == State.approved and sub.approved_by_id == two_labs["ntc_manager"].id
    login(users[Role.sme])
    page = client.get(f"/requests/{req.id}").get_data(as_text=True)
    assert "80 mg/kg" in page and "out-of-range" in page
    assert "请复核平行样" not in page  # the internal review stays internal
    events = [e.action for e in db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.entity == "sub_requests",
                                    AuditEvent.entity_id == sub.id).order_by(AuditEvent.id))]
    assert events[:3] == ["routed", "quoted", "quote_detail"]
    assert "approved" in events and "sent_back" in events


def test_whoever_entered_results_cannot_approve_them(client, users, login, two_labs):
    req, parts = submitted(client, login, users, two_labs)
    sub = parts["FTC1"]
    manager = two_labs["ftc_manager"]
    quote(client, login, manager, sub, price="200")
    login(users[Role.sme])
    db.session.refresh(sub)
    client.post(f"/requests/{req.id}/parts/{sub.id}/confirm", data={"version": str(sub.version)})
    db.session.refresh(sub)
    login(manager)
    client.post(f"/lab/requests/{sub.id}/receive", data={
        "version": str(sub.version), "lines-0-item_id": str(sub.items[0].id),
        "lines-0-condition": "完好"})
    db.session.refresh(sub)
    item = sub.items[0]
    param = item.service.parameters[0]
    client.post(f"/lab/requests/{sub.id}/items/{item.id}/results",
                data={"version": str(sub.version), f"r-{item.id}-{param.id}-value": "10"})
    db.session.refresh(sub)
    client.post(f"/lab/requests/{sub.id}/do/submit_results", data={"version": str(sub.version)})
    db.session.refresh(sub)
    resp = client.post(f"/lab/requests/{sub.id}/do/approve", data={"version": str(sub.version)})
    assert resp.status_code == 400
    db.session.refresh(sub)
    assert sub.state == State.in_review
    login(two_labs["ftc_manager2"])
    client.post(f"/lab/requests/{sub.id}/do/approve", data={"version": str(sub.version)})
    db.session.refresh(sub)
    assert sub.state == State.approved


def test_lab_staff_cannot_act_on_another_labs_request(client, users, login, two_labs):
    req, parts = submitted(client, login, users, two_labs)
    other = parts["FTC1"]
    login(two_labs["ntc_manager"])
    assert client.get(f"/lab/requests/{other.id}").status_code == 404
    assert quote(client, login, two_labs["ntc_manager"], other).status_code == 404
    assert client.post(f"/lab/requests/{other.id}/do/reject",
                       data={"version": str(other.version), "reason": "x"}).status_code == 404
    db.session.refresh(other)
    assert other.state == State.submitted
    queue = client.get("/lab/queue").get_data(as_text=True)
    assert parts["NTC1"].number in queue and other.number not in queue


def test_an_sme_cannot_see_or_touch_another_enterprises_request(client, users, login, two_labs):
    req, parts = submitted(client, login, users, two_labs)
    stranger = factories.create_user(Role.sme)
    login(stranger)
    assert client.get(f"/requests/{req.id}").status_code == 404
    assert client.get(f"/requests/{req.id}/edit").status_code == 404
    sub = parts["NTC1"]
    assert client.post(f"/requests/{req.id}/parts/{sub.id}/cancel",
                       data={"version": str(sub.version)}).status_code == 404
    assert req.number not in client.get("/requests").get_data(as_text=True)
    db.session.refresh(sub)
    assert sub.state == State.submitted


def test_attachments_are_checked_by_content_and_served_only_to_those_allowed(
        client, users, login, two_labs):
    import io
    login(users[Role.sme])
    req = make_draft(client, two_labs["fabric"])
    fake = client.post(f"/requests/{req.id}/attachments", data={
        "file": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "report.pdf")},
        content_type="multipart/form-data")
    assert fake.status_code == 400
    real = client.post(f"/requests/{req.id}/attachments", data={
        "file": (io.BytesIO(b"%PDF-1.7\n%%EOF\n"), "spec.pdf")},
        content_type="multipart/form-data")
    assert real.status_code == 302
    db.session.refresh(req)
    att = req.attachments[0]
    assert (att.filename, att.content_type) == ("spec.pdf", "application/pdf")
    url = f"/requests/{req.id}/attachments/{att.id}"
    resp = client.get(url)
    assert resp.data.startswith(b"%PDF")
    resp.close()
    login(factories.create_user(Role.sme))
    assert client.get(url).status_code == 404
    login(two_labs["ftc_manager"])  # a lab with no part in it
    assert client.get(url).status_code == 404


def test_returned_request_goes_back_to_the_applicant_with_the_reason(client, users, login,
                                                                      two_labs):
    req, parts = submitted(client, login, users, two_labs)
    sub = parts["FTC1"]
    login(two_labs["ftc_manager"])
    assert client.post(f"/lab/requests/{sub.id}/do/return_for_info",
                       data={"version": str(sub.version), "reason": ""}).status_code == 400
    client.post(f"/lab/requests/{sub.id}/do/return_for_info",
                data={"version": str(sub.version), "reason": "请说明产品类别"})
    db.session.refresh(sub)
    assert sub.state == State.returned
    login(users[Role.sme])
    assert "请说明产品类别" in client.get(f"/requests/{req.id}").get_data(as_text=True)
    import io
    resp = client.post(f"/requests/{req.id}/attachments", data={
        "file": (io.BytesIO(b"%PDF-1.7\n%%EOF\n"), "category.pdf")},
        content_type="multipart/form-data")
    assert resp.status_code == 302  # a returned request takes files again
    client.post(f"/requests/{req.id}/parts/{sub.id}/resubmit",
                data={"version": str(sub.version), "answer": "婴幼儿用品，A 类"})
    db.session.refresh(sub)
    assert sub.state == State.submitted
    login(two_labs["ftc_manager"])
    page = client.get(f"/lab/requests/{sub.id}").get_data(as_text=True)
    assert "婴幼儿用品，A 类" in page and "category.pdf" in page
    login(users[Role.sme])
    late = client.post(f"/requests/{req.id}/attachments", data={
        "file": (io.BytesIO(b"%PDF-1.7\n%%EOF\n"), "late.pdf")},
        content_type="multipart/form-data")
    assert late.status_code == 403  # not once the lab has it again


def test_an_illegal_step_is_a_message_not_an_error(client, users, login, two_labs):
    req, parts = submitted(client, login, users, two_labs)
    sub = parts["NTC1"]
    login(two_labs["ntc_manager"])
    resp = client.post(f"/lab/requests/{sub.id}/do/approve", data={"version": str(sub.version)})
    assert resp.status_code == 400
    db.session.refresh(sub)
    assert sub.state == State.submitted


def test_a_stale_form_is_refused(client, users, login, two_labs):
    req, parts = submitted(client, login, users, two_labs)
    sub = parts["NTC1"]
    old = str(sub.version)
    login(two_labs["ntc_manager"])
    client.post(f"/lab/requests/{sub.id}/note", data={"version": old, "internal_note": "甲"})
    resp = client.post(f"/lab/requests/{sub.id}/note", data={"version": old,
                                                             "internal_note": "乙"})
    assert resp.status_code == 409
    db.session.refresh(sub)
    assert sub.internal_note == "甲"


def test_worklist_saves_a_grid_of_results_in_one_post(client, users, login, two_labs):
    sub_ids = [in_progress_part(client, login, users, two_labs, who="ntc_analyst")[1].id
               for _ in range(3)]
    service = two_labs["fabric"]
    param = service.parameters[0]
    page = client.get(f"/lab/worklist?service={service.id}").get_data(as_text=True)
    subs = [db.session.get(SubRequest, i) for i in sub_ids]
    data = {}
    for k, sub in enumerate(subs):
        db.session.refresh(sub)
        item = sub.items[0]
        assert f"r-{item.id}-{param.id}-value" in page
        data[f"v-{item.id}"] = str(sub.version)
        data[f"r-{item.id}-{param.id}-value"] = str(70 + k)
    resp = client.post(f"/lab/worklist?service={service.id}", data=data)
    assert resp.status_code == 302
    values = sorted(r.value for r in db.session.scalars(db.select(Result)))
    assert [int(v) for v in values] == [70, 71, 72]
    assert all(db.session.get(SubRequest, i).state == State.in_progress for i in sub_ids)


def test_lab_queue_runs_a_fixed_number_of_queries(client, users, login, two_labs, count_queries):
    for _ in range(3):
        submitted(client, login, users, two_labs)
    login(two_labs["ntc_manager"])
    with count_queries() as few:
        client.get("/lab/queue")
    for _ in range(6):
        submitted(client, login, users, two_labs)
    login(two_labs["ntc_manager"])
    with count_queries() as many:
        client.get("/lab/queue")
    assert few.count == many.count


def test_request_pages_run_a_fixed_number_of_queries(client, users, login, two_labs,
                                                     count_queries):
    req, parts = submitted(client, login, users, two_labs)
    login(users[Role.sme])
    url = f"/requests/{req.id}"  # read before counting: only the pages' queries count
    with count_queries() as one:
        client.get(url)
        client.get("/requests")
    for _ in range(5):
        submitted(client, login, users, two_labs)
    big = factories.create_service(labs=[two_labs["fabric_lab"]])
    login(users[Role.sme])
    many_items = make_draft(client, *([two_labs["fabric"]] * 3), big)
    client.post(f"/requests/{many_items.id}/submit", data={"version": str(many_items.version)})
    url = f"/requests/{many_items.id}"
    with count_queries() as more:
        client.get(url)
        client.get("/requests")
    assert one.count == more.count, "\n".join(more.statements)
    assert LimitKind  # the parameter kinds are exercised above


def test_a_free_service_skips_the_quote_and_can_be_rated_once(client, users, login, two_labs):
    req, sub = closed_part(client, login, users, two_labs)
    resp = client.post(f"/requests/{req.id}/parts/{sub.id}/rate", data={"level": "5",
                                                                         "comment": "很快"})
    assert resp.status_code == 302
    again = client.post(f"/requests/{req.id}/parts/{sub.id}/rate", data={"level": "1"})
    assert again.status_code == 400
    db.session.refresh(sub)
    assert sub.rating.level == 5 and sub.rating.follow_up_due is None


def test_a_bad_review_needs_a_comment_and_opens_a_follow_up(client, users, login, two_labs):
    from blueprints.service_requests.models import Rating
    req, sub = closed_part(client, login, users, two_labs)
    assert client.post(f"/requests/{req.id}/parts/{sub.id}/rate",
                       data={"level": "2"}).status_code == 400
    client.post(f"/requests/{req.id}/parts/{sub.id}/rate",
                data={"level": "2", "comment": "报告晚了三天"})
    rating = db.session.scalar(db.select(Rating))
    assert rating.follow_up_due is not None and rating.followed_up_at is None
    # The lab's managers hear of it, in-app and by mail, and My tasks keeps it.
    managers = [two_labs["ftc_manager"], two_labs["ftc_manager2"]]
    for manager in managers:
        [notice] = db.session.scalars(db.select(Notification).filter_by(
            user_id=manager.id, kind="bad_review")).all()
        assert notice.params["number"] == sub.number and notice.link.endswith("/lab/ratings")
    assert {m.to_address for m in db.session.scalars(db.select(OutgoingMail).filter_by(
        kind="bad_review"))} == {m.email for m in managers}
    assert not db.session.scalars(db.select(Notification).filter_by(
        user_id=two_labs["ntc_manager"].id, kind="bad_review")).all()
    login(two_labs["ftc_manager"])
    tasks = client.get("/tasks").get_data(as_text=True)
    assert sub.number in tasks.split('id="task-bad_reviews"')[1].split("</section>")[0]
    page = client.get("/lab/ratings").get_data(as_text=True)
    assert "报告晚了三天" in page
    client.post(f"/lab/ratings/{rating.id}/follow-up", data={"follow_up_note": "已电话致歉"})
    db.session.refresh(rating)
    assert rating.followed_up_at is not None
    tasks = client.get("/tasks").get_data(as_text=True)
    assert sub.number not in tasks.split('id="task-bad_reviews"')[1].split("</section>")[0]
    login(two_labs["ntc_manager"])  # another lab sees none of it
    assert "报告晚了三天" not in client.get("/lab/ratings").get_data(as_text=True)
    assert client.post(f"/lab/ratings/{rating.id}/follow-up",
                       data={"follow_up_note": "x"}).status_code == 404


def in_progress_part(client, login, users, two_labs, who="ntc_manager"):
    """An NTC part with its sample received, results entered by `who`."""
    req, parts = submitted(client, login, users, two_labs)
    sub = parts["NTC1"]
    quote(client, login, two_labs["ntc_manager"], sub)
    login(users[Role.sme])
    db.session.refresh(sub)
    client.post(f"/requests/{req.id}/parts/{sub.id}/confirm", data={"version": str(sub.version)})
    db.session.refresh(sub)
    login(two_labs[who])
    client.post(f"/lab/requests/{sub.id}/receive", data={
        "version": str(sub.version), "lines-0-item_id": str(sub.items[0].id),
        "lines-0-condition": "完好"})
    db.session.refresh(sub)
    return req, sub


def post_result(client, sub, value):
    db.session.refresh(sub)
    item = sub.items[0]
    param = item.service.parameters[0]
    return client.post(f"/lab/requests/{sub.id}/items/{item.id}/results",
                       data={"version": str(sub.version), f"r-{item.id}-{param.id}-value": value})


def test_saving_a_form_unchanged_does_not_take_over_the_results(client, users, login, two_labs):
    req, sub = in_progress_part(client, login, users, two_labs)
    post_result(client, sub, "80")                     # the manager enters the value
    login(two_labs["ntc_analyst"])
    post_result(client, sub, "80")                     # the analyst saves it unchanged
    db.session.refresh(sub)
    client.post(f"/lab/requests/{sub.id}/do/submit_results", data={"version": str(sub.version)})
    login(two_labs["ntc_manager"])
    db.session.refresh(sub)
    resp = client.post(f"/lab/requests/{sub.id}/do/approve", data={"version": str(sub.version)})
    assert resp.status_code == 400
    db.session.refresh(sub)
    assert sub.state == State.in_review


def test_amended_results_keep_their_history(client, users, login, two_labs):
    req, sub = in_progress_part(client, login, users, two_labs, who="ntc_analyst")
    post_result(client, sub, "80")
    post_result(client, sub, "70")
    events = db.session.scalars(db.select(AuditEvent).filter_by(action="results_entered")
                                .order_by(AuditEvent.id)).all()
    assert len(events) == 2
    (param_id, first), = events[0].after.items()
    assert first["value"] == "80" and first["verdict"] == "fail"
    assert events[1].before[param_id]["value"] == "80"
    assert events[1].after[param_id]["value"] == "70"


def test_an_empty_worklist_post_starts_nothing(client, users, login, two_labs):
    req, sub = in_progress_part(client, login, users, two_labs, who="ntc_analyst")
    assert sub.state == State.sample_received
    item = sub.items[0]
    resp = client.post(f"/lab/worklist?service={two_labs['fabric'].id}",
                       data={f"v-{item.id}": str(sub.version)})
    assert resp.status_code == 302
    db.session.refresh(sub)
    assert sub.state == State.sample_received


@pytest.mark.parametrize("value,ok", [("1,5", False), ("1,250.5", True), ("1e999999999999999999",
                                                                          False)])
def test_decimal_commas_and_overflows(client, users, login, two_labs, value, ok):
    req, sub = in_progress_part(client, login, users, two_labs, who="ntc_analyst")
    resp = post_result(client, sub, value)
    assert resp.status_code == (302 if ok else 400)
    stored = db.session.scalar(db.select(Result))
    assert (stored is not None and str(stored.value.normalize()) == "1250.5") if ok else \
        stored is None


@pytest.mark.parametrize("query", ["assignee=²", "assignee=99999999999999999999",
                                   "service=99999999999999999999", "state=nonsense",
                                   "sort=drop", "due=%00"])
def test_odd_queue_filters_are_not_errors(client, login, two_labs, query):
    login(two_labs["ntc_manager"])
    assert client.get(f"/lab/queue?{query}").status_code in (200, 400)


def test_quote_with_a_line_too_many_or_an_absurd_price_is_refused(client, users, login,
                                                                  two_labs):
    req, parts = submitted(client, login, users, two_labs)
    sub = parts["NTC1"]
    login(two_labs["ntc_manager"])
    base = {"version": str(sub.version), "lines-0-item_id": str(sub.items[0].id),
            "lines-0-price": "150"}
    extra = {**base, "lines-0-price": "x", "lines-1-item_id": "999", "lines-1-price": "1"}
    assert client.post(f"/lab/requests/{sub.id}/quote", data=extra).status_code == 400
    huge = {**base, "lines-0-price": "1e999999999999999999"}
    assert client.post(f"/lab/requests/{sub.id}/quote", data=huge).status_code == 400
    db.session.refresh(sub)
    assert sub.state == State.submitted


def test_a_rating_level_out_of_range_is_refused(client, users, login, two_labs):
    req, sub = closed_part(client, login, users, two_labs)
    for level in ("9", "-1", "abc"):
        assert client.post(f"/requests/{req.id}/parts/{sub.id}/rate",
                           data={"level": level}).status_code == 400
    db.session.refresh(sub)
    assert sub.rating is None


def test_a_follow_up_is_recorded_once(client, users, login, two_labs):
    from blueprints.service_requests.models import Rating
    req, sub = closed_part(client, login, users, two_labs)
    client.post(f"/requests/{req.id}/parts/{sub.id}/rate", data={"level": "1", "comment": "差"})
    rating = db.session.scalar(db.select(Rating))
    login(two_labs["ftc_manager"])
    client.post(f"/lab/ratings/{rating.id}/follow-up", data={"follow_up_note": "first"})
    resp = client.post(f"/lab/ratings/{rating.id}/follow-up", data={"follow_up_note": "second"})
    assert resp.status_code == 409
    db.session.refresh(rating)
    assert rating.follow_up_note == "first"


def test_a_stale_draft_is_neither_deleted_nor_overwritten(client, users, login, two_labs):
    login(users[Role.sme])
    req = make_draft(client, two_labs["fabric"])
    old = str(req.version)
    form = draft_form(two_labs["fabric"], title="第二版")
    form["version"] = old
    assert client.post(f"/requests/{req.id}/edit", data=form).status_code == 302
    form["title"] = "第三版"
    assert client.post(f"/requests/{req.id}/edit", data=form).status_code == 409
    assert client.post(f"/requests/{req.id}/delete", data={"version": old}).status_code == 409
    db.session.refresh(req)
    assert req.title == "第二版"


def test_a_draft_with_fifty_items_can_still_be_edited(client, users, login, two_labs):
    login(users[Role.sme])
    req = make_draft(client, *([two_labs["fabric"]] * 50))
    assert len(req.items) == 50
    assert client.get(f"/requests/{req.id}/edit").status_code == 200


def test_applicants_read_lab_names_not_codes(client, users, login, two_labs):
    login(users[Role.sme])
    req = make_draft(client, two_labs["fabric"], two_labs["food"])
    draft = client.get(f"/requests/{req.id}").get_data(as_text=True)
    assert "纺织中心" in draft and "食品中心" in draft
    assert "NTC1" not in draft and "FTC1" not in draft
    client.post(f"/requests/{req.id}/submit", data={"version": str(req.version)})
    for url in (f"/requests/{req.id}", "/requests"):
        page = client.get(url).get_data(as_text=True)
        assert "纺织中心" in page and "NTC1" not in page and "FTC1" not in page, url


def test_only_a_metrology_lab_is_offered_campaign_days(client, login, two_labs, metrology):
    login(two_labs["ntc_manager"])
    assert "/campaigns" not in client.get("/lab/queue").get_data(as_text=True)
    login(metrology["manager"])
    assert "/campaigns" in client.get("/lab/queue").get_data(as_text=True)
