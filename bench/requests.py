"""The request pages at province scale (issue 18): fills databases with bench/history.py's
realistic history at 10,000, 100,000 and 1,000,000 requests, and its backlog variant (one
lab with 50,000 open parts), then measures the pages a lab and an enterprise open all
day under gunicorn (2 workers) with wrk, against a bare Flask page doing one indexed
query on the same database in the same run, and times saving a 50-result worklist grid.
Targets: every page's p95 under 100 ms at 1,000,000 requests and within 1.25 times its
100,000 figure; under 300 ms at the backlog lab; the grid saved in under 300 ms.

    .venv/bin/python bench/requests.py [--db sqlite|postgresql|both]
                                       [--requests 10000 100000 1000000]
                                       [--backlog 100000] [--backlog-lab NTC]
                                       [--seconds 5] [--connections 4] [--explain]
                                       [--plans docs/query-plans.md]
                                       [--keep DIR [--fill-only] | --reuse DIR]
                                       [--limit-minutes 300]

The pages, as the lab's manager (NTC; the backlog lab's in the backlog variant) and as
the busiest enterprise's own user: the lab queue, its overdue filter, a week of the lab
calendar, My tasks, the enterprise's list of requests and its newest request's page.
"alone" is each page served in this process with nothing else running (median of 9) and
"SQL" its statements and their time; --explain also prints the slowest statement's plan
(EXPLAIN QUERY PLAN on SQLite, EXPLAIN ANALYZE on PostgreSQL); --plans FILE appends
them to a Markdown file (docs/query-plans.md is made so).

SQLite lives in a temporary folder (as the desk runs it: no ANALYZE); PostgreSQL in a
schema of its own in TEST_DATABASE_URL's database, VACUUMed and ANALYZEd once filled
(as autovacuum would in production) and dropped afterwards. --keep DIR keeps each filled database (SQLite
in DIR, the PostgreSQL schemas) with what the run learnt of it; --reuse DIR measures them
again, migrated to the code's schema, without refilling. Traffic goes to 127.0.0.1 only;
the script stops by itself, at the latest after --limit-minutes (cleaning up on the way
out).
"""
import argparse
import os
import re
import signal
import statistics
import sys
import time
import urllib.parse
import urllib.request
from datetime import timedelta

from harness import (
    ROOT,
    Store,
    alone,
    analyse,
    desk,
    print_plan,
    serve,
    sign_in,
    signed_in,
    statements,
    table,
    upgraded,
    warm,
    wrk,
)

sys.path.insert(0, ROOT)

TARGET_MS = 100
BACKLOG_TARGET_MS = 300
GRID_TARGET_MS = 300
GROWTH_LIMIT = 1.25
GRID_RESULTS = 50
FLOOR = "floor: bare page, 1 indexed query"


def extra_facts(url: str, lab_code: str, busy_enterprise: int) -> dict:
    """What this bench needs beyond the history's facts: the lab, its manager, the
    enterprise's newest request and the lab's service with the most results to enter."""
    from sqlalchemy import func, select

    from blueprints.auth.models import User
    from blueprints.catalogue.models import ServiceParameter
    from blueprints.labs.models import Lab
    from blueprints.service_requests.lifecycle import TAKES_RESULTS
    from blueprints.service_requests.models import RequestItem, ServiceRequest, SubRequest
    from core.roles import Role
    from extensions import db
    with desk(url).app_context():
        lab_id = db.session.scalar(select(Lab.id).where(Lab.code == lab_code))
        manager = db.session.scalar(select(User.email).where(
            User.lab_id == lab_id, User.role == Role.lab_manager).order_by(User.id).limit(1))
        newest = db.session.scalar(select(func.max(ServiceRequest.id)).where(
            ServiceRequest.enterprise_id == busy_enterprise))
        # A service whose grid takes numbers only (no grade scale, no text): the bench
        # types 12.x into every field.
        graded = select(ServiceParameter.service_id).where(
            (ServiceParameter.grade_scale != "") | (ServiceParameter.limit_kind == "text"))
        grid_service = db.session.scalar(
            select(RequestItem.service_id).join(RequestItem.sub_request)
            .where(SubRequest.lab_id == lab_id, SubRequest.state.in_(TAKES_RESULTS),
                   RequestItem.service_id.not_in(graded))
            .group_by(RequestItem.service_id).order_by(func.count().desc()).limit(1))
        db.engine.dispose()
    return {"lab": lab_code, "lab_id": lab_id, "manager": manager, "request_id": newest,
            "grid_service": grid_service}


def pages(facts: dict) -> list[tuple[str, str, str]]:
    """(name, path, who) of each measured page."""
    from core.timeutil import local_today
    monday = local_today() - timedelta(days=local_today().weekday())
    week = urllib.parse.urlencode({"start": f"{monday}T00:00:00",
                                   "end": f"{monday + timedelta(days=7)}T00:00:00"})
    return [("lab queue (/lab/queue)", "/lab/queue", "manager"),
            ("lab queue, overdue filter", "/lab/queue?due=overdue", "manager"),
            ("lab calendar, a week's events", f"/lab/calendar/events?{week}", "manager"),
            ("my tasks (/tasks), lab manager", "/tasks", "manager"),
            ("SME's list (/requests)", "/requests", "sme"),
            ("request page (/requests/<id>)", f"/requests/{facts['request_id']}", "sme")]


def accounts(facts: dict) -> dict[str, tuple[str, str]]:
    from history import PASSWORD

    from demo.loader import DEMO_PASSWORD
    return {"manager": (facts["manager"], DEMO_PASSWORD), "sme": (facts["busy_user"], PASSWORD)}


def grid_save(base: str, cookie: str, service_id: int) -> tuple[float, int]:
    """Milliseconds to save a worklist grid of up to 50 results in one POST (median of 5,
    each with new values, so every save writes) and how many results it held."""
    opener = urllib.request.build_opener()
    opener.addheaders = [("Cookie", cookie)]
    path = f"/lab/worklist?service={service_id}"
    taken, fields = [], []
    for k in range(5):
        page = opener.open(base + path).read().decode()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        # The whole grid is posted, as a browser posts the form: every row's version
        # and field, the first 50 fields typed in.
        every = re.findall(r'name="(r-\d+-\d+-value)" autocomplete="off"[^>]* value="([^"]*)"',
                           page)
        fields = [name for name, _value in every][:GRID_RESULTS]
        versions = re.findall(r'name="(v-\d+)" value="(\d+)"', page)
        data = {"csrf_token": token, **dict(versions), **dict(every),
                **{f: f"12.{k + 1}" for f in fields}}
        started = time.perf_counter()
        response = opener.open(base + path, data=urllib.parse.urlencode(data).encode())
        response.read()
        taken.append(time.perf_counter() - started)
        if "?service=" not in response.url:
            raise SystemExit(f"the grid was not saved: {response.url}")
    return statistics.median(taken) * 1000, len(fields)


def measure(url: str, facts: dict, folder: str, args) -> tuple[list, tuple[float, int]]:
    """wrk on the floor and on each page (and the floor again), under gunicorn; then
    the grid saved."""
    env = {**os.environ, "QIDESK_INSTANCE_PATH": folder, "DATABASE_URL": url,
           "QIDESK_PUBLIC_URL": "http://127.0.0.1", "QIDESK_RATELIMIT_ENABLED": "false",
           "FLOOR_DATABASE_URL": url,
           "FLOOR_QUERY": f"SELECT number FROM service_requests WHERE id = {facts['floor_id']}"}
    procs = []
    try:
        floor_proc, floor_base = serve("floor_app:create_app()", env, os.path.dirname(__file__))
        desk_proc, desk_base = serve("app:create_app()", env, ROOT)
        procs = [floor_proc, desk_proc]
        cookies = {who: sign_in(desk_base, login, password)
                   for who, (login, password) in accounts(facts).items()}
        for _name, path, who in pages(facts):
            warm(desk_base, path, cookies[who])
        warm(floor_base, "/item", "")
        rows = [(FLOOR, wrk(floor_base + "/item", args.seconds, args.connections))]
        for name, path, who in pages(facts):
            rows.append((name, wrk(desk_base + path, args.seconds, args.connections,
                                   cookies[who])))
        rows.append(("floor again, after the pages",
                     wrk(floor_base + "/item", args.seconds, args.connections)))
        return rows, grid_save(desk_base, cookies["manager"], facts["grid_service"])
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(10)


def in_process(url: str, facts: dict, explain: bool,
               plans: list | None = None) -> dict[str, tuple[float, int, float]]:
    """Each page served alone in this process: (ms, SQL statements, their ms); with
    `plans`, each page's slowest statement and its plan are added to it."""
    from extensions import db
    app = desk(url)
    with app.app_context():
        engine = db.engine
    clients = signed_in(app, accounts(facts))
    found = {}
    for name, path, who in pages(facts):
        ms = alone(clients[who], path)
        seen = statements(engine, clients[who], path)
        found[name] = (ms, len(seen), sum(s[0] for s in seen) * 1000)
        if explain:
            print_plan(engine, f"{name} ({path})", ms, seen)
        if plans is not None:
            plans.append((name, path, ms, seen, slowest_plan(engine, seen)))
    engine.dispose()
    return found


def slowest_plan(engine, seen: list) -> tuple[float, str, str]:
    """(ms, SQL, plan) of the slowest statement (EXPLAIN ANALYZE on PostgreSQL, EXPLAIN
    QUERY PLAN on SQLite)."""
    took, sql, parameters = max(seen, key=lambda s: s[0])
    prefix = "EXPLAIN ANALYZE " if engine.dialect.name == "postgresql" else \
        "EXPLAIN QUERY PLAN "
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(prefix + sql, parameters).all()
    return took * 1000, sql, "\n".join(" | ".join(str(c) for c in row) for row in rows)


def write_plans(path: str, title: str, plans: list) -> None:
    """Each page's statements and its slowest one's plan, appended to a Markdown file."""
    with open(path, "a") as out:
        out.write(f"\n## {title}\n")
        for name, page, ms, seen, (took, sql, plan) in plans:
            out.write(f"\n### {name}: `{page.split('?')[0]}`\n\n{len(seen)} statements, "
                      f"{sum(s[0] for s in seen) * 1000:.1f} ms of SQL; the page alone "
                      f"{ms:.1f} ms. The slowest statement ({took:.2f} ms):\n\n```sql\n"
                      f"{' '.join(sql.split())[:1500]}\n```\n\n```\n{plan}\n```\n")


def prepared(store: Store, n: int, backlog_lab: str | None, args) -> dict:
    """The database filled (or a kept one, brought to the code's schema)."""
    if args.reuse:
        upgraded(store.url)
        facts = store.load()
        facts["analyse_seconds"] = analyse(store.url, vacuum=True)
        return facts
    import history
    store.create()
    print(f"[{store.kind} {store.name}] filling ...", flush=True)
    facts = history.fill(store.url, n, backlog_lab=backlog_lab)
    facts.update(extra_facts(store.url, backlog_lab or args.lab, facts["busy_enterprise"]))
    facts["analyse_seconds"] = analyse(store.url, vacuum=True)
    print(f"[{store.kind} {store.name}] filled in {facts['seconds']:.0f} s: {facts['counts']};"
          f" open parts {facts['open']}", flush=True)
    store.save(facts)
    return facts


def one(kind: str, n: int, backlog_lab: str | None, args) -> dict:
    name = f"req_{n}" + (f"_backlog_{backlog_lab}" if backlog_lab else "")
    store = Store(kind, name, args.keep or args.reuse)
    try:
        facts = prepared(store, n, backlog_lab, args)
        if args.fill_only:
            return {}
        rows, (grid_ms, grid_n) = measure(store.url, facts, store.folder, args)
        plans = [] if args.plans else None
        by_itself = in_process(store.url, facts, args.explain, plans)
        lines = table(rows, rows[0][1]).split("\n")
        lines[0] += f" {'alone ms':>8} {'SQL':>4} {'SQL ms':>7}"
        for k, (page, _r) in enumerate(rows, start=1):
            if page in by_itself:
                ms, count, sql = by_itself[page]
                lines[k] += f" {ms:8.1f} {count:4d} {sql:7.1f}"
        counts = facts["counts"]
        title = (f"{kind}, {n:,} requests" + (f", backlog at {backlog_lab}" if backlog_lab
                                               else "") +
                 f" ({counts['sub_requests']:,} parts, {counts['audit_events']:,} audit events;"
                 f" open parts at {facts['lab']}: {facts['open'].get(facts['lab'], 0):,}), "
                 f"gunicorn 2 workers, wrk {args.connections} connections x {args.seconds} s")
        text = "\n".join([f"\n{title}", *lines,
                          f"worklist grid: saving {grid_n} results in one POST took "
                          f"{grid_ms:.0f} ms (median of 5)"])
        print(text, flush=True)
        if args.plans:
            write_plans(args.plans, title.split(" (")[0], plans)
        return {"rows": dict(rows), "grid": grid_ms, "text": text}
    finally:
        store.drop()


def verdicts(kind: str, found: dict, args) -> str:
    """p95 of each page at each size, the growth from 100,000 to 1,000,000 (also with
    each run's floor taken out), the backlog, and the verdict against the targets."""
    sizes = [n for n in args.requests if n in found]
    columns = [f"{n:,}" for n in sizes] + (["backlog"] if "backlog" in found else [])
    small, large = (100_000, 1_000_000) if {100_000, 1_000_000} <= set(sizes) else (None, None)
    head = f"{'page':34}" + "".join(f" {c:>10}" for c in columns)
    if large:
        head += f" {'growth':>7} {'x floor':>7}"
    lines = [f"\n{kind}: p95 in ms (targets: under {TARGET_MS} ms at the largest size, "
             f"growth from 100,000 to 1,000,000 at most {GROWTH_LIMIT}, under "
             f"{BACKLOG_TARGET_MS} ms at the backlog lab, the grid under {GRID_TARGET_MS} ms)",
             head + "  verdict"]
    keys = sizes + (["backlog"] if "backlog" in found else [])
    largest = keys[len(sizes) - 1] if sizes else None
    for name in [*found[keys[0]]["rows"], "worklist grid, 50 results saved"]:
        if name.startswith("floor again"):
            continue
        p95 = {k: (found[k]["grid"] if name.startswith("worklist") else
                   found[k]["rows"][name]["p95"]) for k in keys}
        line = f"{name[:34]:34}" + "".join(f" {p95[k]:10.1f}" for k in keys)
        missed = []
        if large:
            ratio = p95[large] / p95[small]
            floors = found[large]["rows"][FLOOR]["p95"] / found[small]["rows"][FLOOR]["p95"]
            line += f" {ratio:7.2f} {ratio / floors:7.2f}"
            if ratio > GROWTH_LIMIT and not name.startswith(("floor", "worklist")):
                missed.append("growth")
        limit = GRID_TARGET_MS if name.startswith("worklist") else TARGET_MS
        if largest and p95[largest] >= limit:
            missed.append(f"{largest:,}")
        if "backlog" in p95 and p95["backlog"] >= (GRID_TARGET_MS if name.startswith("worklist")
                                                  else BACKLOG_TARGET_MS):
            missed.append("backlog")
        if not name.startswith("floor"):
            line += "  " + (f"FAIL ({', '.join(missed)})" if missed else "PASS")
        lines.append(line)
    return "\n".join(lines)


def _out_of_time(signum, frame):
    raise SystemExit("bench/requests.py: out of time (--limit-minutes); cleaning up")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--requests", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--backlog", type=int, default=100_000, metavar="REQUESTS",
                        help="the backlog variant's size (0: none)")
    parser.add_argument("--backlog-lab", default="NTC", metavar="CODE")
    parser.add_argument("--lab", default="NTC", metavar="CODE", help="whose manager signs in")
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--explain", action="store_true",
                        help="print each page's SQL times and the slowest one's plan")
    parser.add_argument("--plans", metavar="FILE",
                        help="append each page's slowest statement and its plan (Markdown)")
    parser.add_argument("--limit-minutes", type=int, default=300,
                        help="stop (and clean up) after this long")
    kept = parser.add_mutually_exclusive_group()
    kept.add_argument("--keep", metavar="DIR", help="keep the filled databases for --reuse")
    kept.add_argument("--reuse", metavar="DIR", help="measure databases kept by --keep")
    parser.add_argument("--fill-only", action="store_true",
                        help="with --keep: fill and keep the databases, measure nothing "
                             "(fill on a busy machine, measure with --reuse on a quiet one)")
    args = parser.parse_args()
    if args.fill_only and not args.keep:
        parser.error("--fill-only needs --keep DIR")
    signal.signal(signal.SIGALRM, _out_of_time)
    signal.alarm(args.limit_minutes * 60)
    for kind in (["sqlite", "postgresql"] if args.db == "both" else [args.db]):
        found = {n: one(kind, n, None, args) for n in args.requests}
        if args.backlog:
            found["backlog"] = one(kind, args.backlog, args.backlog_lab, args)
        if args.fill_only:
            continue
        print(verdicts(kind, found, args), flush=True)


if __name__ == "__main__":
    main()
