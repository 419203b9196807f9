"""The audit log as an administrator reads it: sentences with people's names and the
record's name or number, linked; changes in plain values; filters by request number,
person, what happened and date; a fixed number of queries whatever it shows."""
import re
from datetime import timedelta

from blueprints.audit.models import record_event
from blueprints.labs.models import Signatory
from core.roles import Role
from core.timeutil import local_today
from extensions import db
from tests.journeys import quote, submitted


def log(client, **args):
    resp = client.get("/admin/audit", query_string=args)
    return resp.status_code, resp.get_data(as_text=True)


def entries(page: str) -> list[str]:
    """The text of each entry, tags stripped."""
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", li)).strip()
            for li in re.findall(r'<li id="event-\d+">(.*?)</li>\s*(?=<li id="event-|</ol>)',
                                 page, re.S)]


def test_events_read_as_sentences_with_names_and_links(client, users, login, two_labs):
    req, parts = submitted(client, login, users, two_labs)
    quote(client, login, two_labs["ntc_manager"], parts["NTC1"], price="180.00",
          reason="加测一个色号")
    login(users[Role.admin])
    status, page = log(client)
    assert status == 200
    sme, manager = users[Role.sme].name, two_labs["ntc_manager"].name
    text = entries(page)
    assert f"{sme} —— 已提交至平台：委托 {req.number}" in " ".join(text)
    assert f"{manager} —— 实验室已完成合同评审并报价：分单 {req.number}-1（纺织中心）" \
        in " ".join(text)
    assert f'href="/requests/{req.id}"' in page                       # the record, linked
    assert "平台自动 —— 已分派至实验室" in " ".join(text)              # routing: the desk
    assert "合计：¥360.00" in page                                     # money as money
    # Nothing raw: no table names, no Python values.
    for raw in ("sub_requests #", "service_requests", "{'", "'state'", "None"):
        assert raw not in " ".join(text), raw


def test_filters_by_request_number_person_action_and_date(client, users, login, two_labs):
    req, parts = submitted(client, login, users, two_labs)
    other, _ = submitted(client, login, users, two_labs)
    assert quote(client, login, two_labs["ftc_manager"], parts["FTC1"],
                 price="200.00").status_code == 302
    login(users[Role.admin])
    _, page = log(client, number=req.number)
    shown = " ".join(entries(page))
    assert req.number in shown and other.number not in shown
    assert len(entries(page)) == 6  # draft, submitted, routed × 2, quoted, quote detail
    _, page = log(client, number=f"{req.number}-2")                     # one part only
    assert len(entries(page)) == 3 and "已提交至平台" not in " ".join(entries(page))
    _, page = log(client, number=req.number.lower())                    # as typed
    assert len(entries(page)) == 6
    _, page = log(client, who=two_labs["ftc_manager"].name)
    assert len(entries(page)) == 2 and all(two_labs["ftc_manager"].name in e
                                           for e in entries(page))
    _, page = log(client, action="submitted")
    assert len(entries(page)) == 2
    today = local_today()
    assert len(entries(log(client, since=today.isoformat(), until=today.isoformat())[1])) >= 9
    assert entries(log(client, since=(today + timedelta(days=1)).isoformat())[1]) == []


def test_bad_filters_are_refused_with_a_message(client, users, login, two_labs):
    login(users[Role.admin])
    status, page = log(client, since="2026-13-45")
    assert status == 400 and 'aria-invalid="true"' in page
    status, page = log(client, since="2026-12-03", until="2026-12-01")
    assert status == 400 and "结束日期早于起始日期" in page
    status, page = log(client, number="QD-2099-999999")
    assert status == 404 and "没有编号为 QD-2099-999999 的委托" in page
    status, page = log(client, action="<script>")
    assert status == 400


def test_only_administrators_read_the_log(client, users, login):
    for role in (Role.sme, Role.citizen, Role.lab_manager, Role.lab_staff):
        login(users[role])
        assert client.get("/admin/audit").status_code == 403


def test_the_log_runs_a_fixed_number_of_queries(client, users, login, two_labs,
                                                 count_queries):
    login(users[Role.admin])
    signatory = db.session.scalars(db.select(Signatory.id)).first()

    def queries_for(n):
        for i in range(n):
            submitted(client, login, users, two_labs)
            record_event(users[Role.admin], "labs", two_labs["fabric_lab"].id, "edited",
                         before={"name_zh": f"旧名{i}"}, after={"name_zh": "纺织中心"})
            record_event(users[Role.admin], "users", users[Role.sme].id, "edited",
                         after={"role": "sme"})
            record_event(users[Role.admin], "signatories", signatory, "signatory_changed",
                         after={"kinds": "testing", "user_id": users[Role.sme].id})
            db.session.commit()
        login(users[Role.admin])
        with count_queries() as counter:
            assert client.get("/admin/audit").status_code == 200
        return counter.count

    assert queries_for(1) == queries_for(8)
