"""The pages a lab and an applicant open all day read what they show through an index:
no statement of theirs reads a whole table that grows with the desk's history, on
either database. Each page's statements are caught as it is served and explained
(SQLite's EXPLAIN QUERY PLAN; PostgreSQL's EXPLAIN with sequential scans priced out, so
that a table read whole means no index could serve it, not that the test's few rows
were cheaper to read whole). docs/query-plans.md shows the same pages' plans at a
million requests."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import event

from core.roles import Role
from core.timeutil import local_today
from extensions import db
from tests.journeys import submitted

# The tables that grow with the history (a row per request, part, item, result, event,
# booking, certificate, notification...), which no page of one lab or one applicant
# may read whole.
GROWING = {"service_requests", "sub_requests", "request_items", "results", "audit_events",
           "bookings", "slots", "certificates", "notifications", "ratings", "samples",
           "attachments", "scale_verifications", "outgoing_mail"}


def explained(app, client, path: str) -> list[tuple[str, str]]:
    """(statement, plan) of each SELECT the page sends."""
    seen = []

    def catch(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", catch)
    try:
        response = client.get(path)
    finally:
        event.remove(db.engine, "before_cursor_execute", catch)
    assert response.status_code == 200, path
    postgres = db.engine.dialect.name == "postgresql"
    plans = []
    with db.engine.connect() as conn:
        if postgres:
            conn.exec_driver_sql("SET enable_seqscan = off")
        for statement, parameters in seen:
            prefix = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
            rows = conn.exec_driver_sql(prefix + statement, parameters).all()
            plans.append((statement, "\n".join(" | ".join(str(c) for c in r) for r in rows)))
    return plans


def whole_reads(plan: str, postgres: bool) -> set[str]:
    """The growing tables the plan reads whole."""
    if postgres:
        found = re.findall(r"Seq Scan on (\w+)", plan)
    else:  # "SCAN t" alone is the table read whole; "SCAN t USING INDEX" the index
        found = [m.group(1) for m in re.finditer(r"\bSCAN (\w+)(?! USING)", plan)]
        aliases = dict(re.findall(r"\b(\w+) AS (\w+)", plan))
        found = [aliases.get(name, name) for name in found]
    return {re.sub(r"_\d+$", "", name) for name in found} & GROWING


@pytest.fixture
def busy(client, login, users, two_labs):
    """Two requests submitted, so each page has rows to show."""
    req, parts = submitted(client, login, users, two_labs)
    submitted(client, login, users, two_labs)
    return req, parts


def pages(req, two_labs, users):
    monday = local_today() - timedelta(days=local_today().weekday())
    week = f"start={monday}T00:00:00&end={monday + timedelta(days=7)}T00:00:00"
    manager = two_labs["ntc_manager"]
    return [(manager, "/lab/queue"), (manager, "/lab/queue?due=overdue"),
            (manager, "/lab/queue?state=closed"), (manager, f"/lab/calendar/events?{week}"),
            (manager, "/tasks"), (manager, f"/lab/requests/{req.sub_requests[0].id}"),
            (manager, "/lab/worklist"), (two_labs["ntc_analyst"], "/tasks"),
            (two_labs["ntc_analyst"], "/lab/queue?assignee=me"),
            (users[Role.sme], "/requests"), (users[Role.sme], f"/requests/{req.id}")]


def test_no_page_of_the_day_reads_a_growing_table_whole(app, client, login, users, two_labs,
                                                        busy):
    req, _parts = busy
    postgres = db.engine.dialect.name == "postgresql"
    found = {}
    for user, path in pages(req, two_labs, users):
        login(user)
        for statement, plan in explained(app, client, path):
            if whole := whole_reads(plan, postgres):
                found.setdefault(path, []).append((sorted(whole), statement[:300], plan))
    assert not found, "\n\n".join(f"{path}: {w}\n{s}\n{p}" for path, hits in found.items()
                                  for w, s, p in hits)


def test_the_lab_queue_reads_the_open_parts_index(app, client, login, users, two_labs, busy):
    """The queue of open parts, and its overdue filter, walk the partial index of open
    parts in due-date order (some thousands of entries), not the lab's history."""
    login(two_labs["ntc_manager"])
    for path in ("/lab/queue", "/lab/queue?due=overdue"):
        plans = [plan for statement, plan in explained(app, client, path)
                 if "FROM sub_requests" in statement and "ORDER BY" in statement]
        assert plans and all("ix_sub_requests_open_due" in plan for plan in plans), plans


def test_what_is_assigned_to_a_person_is_read_by_person_and_state(app, client, login,
                                                                   two_labs, busy):
    """An analyst's "assigned to you" reads their parts in the states that take results
    (what they have at hand), or the lab's parts at work: never every part they ever
    worked on."""
    login(two_labs["ntc_analyst"])
    plans = [plan for statement, plan in explained(app, client, "/tasks")
             if "assignee_id" in statement and "UNION ALL" in statement]
    at_hand = ("ix_sub_requests_assignee_state_due", "ix_sub_requests_at_work_due")
    assert plans and all(any(name in plan for name in at_hand) for plan in plans), plans


def test_the_check_sees_a_table_read_whole(app):
    """The same reading of plans flags a statement no index serves."""
    postgres = db.engine.dialect.name == "postgresql"
    with db.engine.connect() as conn:
        if postgres:
            conn.exec_driver_sql("SET enable_seqscan = off")
        prefix = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
        rows = conn.exec_driver_sql(
            prefix + "SELECT count(*) FROM audit_events WHERE length(reason) > 3").all()
    plan = "\n".join(" | ".join(str(c) for c in r) for r in rows)
    assert whole_reads(plan, postgres) == {"audit_events"}, plan
