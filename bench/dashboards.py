"""The dashboards at scale (issue 17): fills a database with bench/history.py's realistic
history at 100,000 and at 1,000,000 requests, has the worker's job
(blueprints/dashboards/refresh.py) compute the figures over the whole history, then
measures the boards and an enterprise's quality profile under gunicorn (2 workers) with
wrk, against a bare Flask page doing one indexed query on the same database in the same
run. Target: p95 under 100 ms at 1,000,000 requests, and no more than 1.25 times the
page's p95 at 100,000.

    .venv/bin/python bench/dashboards.py [--db sqlite|postgresql|both]
                                         [--requests 100000 1000000] [--seconds 5]
                                         [--connections 4] [--explain]
                                         [--refresh-minutes 60] [--limit-minutes 300]
                                         [--keep DIR | --reuse DIR [--refresh]]
                                         [--backlog-lab CODE]

The pages: the desk's board unfiltered and filtered (a lab, a chain, a kind, the last
twelve whole months), a lab manager's board (own lab), the public board (its rate limit
is off for the run: wrk would be answered 429 after 60 requests), and the busiest
enterprise's profile as the desk's administrator and as its own user.

The figures: the worker's refresh is run as the worker runs it, in a process of its own,
reading the audit trail from where the demo left it (far behind: it catches up day by
day); it is stopped if it has not finished after --refresh-minutes (it commits as it
goes, so nothing is half-written). Then "routine run" times the job as the worker runs
it every two minutes, after the last 1,000 events of the trail.

The "alone" column is each page served in this process with nothing else running
(median of 9), "SQL" its statements and their time (on SQLite the time to the first
row: the rest is fetched after); --explain also prints the slowest statement's plan
(EXPLAIN QUERY PLAN on SQLite, EXPLAIN ANALYZE on PostgreSQL). A board keeps the
figures it read until the worker computes them again (every two minutes), so wrk
and "alone" mostly see kept figures; "afresh" is the page served alone reading them
at every view, as the first view after each computation does.

SQLite lives in a temporary instance folder (as the desk runs it: no ANALYZE);
PostgreSQL in a schema of its own (qidesk_bench_dash_<requests>) in TEST_DATABASE_URL's
database (default: the machine's postgresql://postgres@127.0.0.1:5432/test), ANALYZEd
once filled and once the figures are in (and the figure tables VACUUMed, as autovacuum
would after the worker rewrote them), dropped afterwards. --keep DIR keeps each
filled database (SQLite in DIR, the PostgreSQL schemas) with what the run learnt of it;
--reuse DIR measures them again, migrated to the code's schema, without refilling
(--refresh: and has the worker's job compute the figures from the start again).
Traffic goes to 127.0.0.1 only; the script stops by itself, at the latest after
--limit-minutes (cleaning up on the way out).
"""
import argparse
import multiprocessing
import os
import signal
import sys
import time
import urllib.parse
import urllib.request

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
GROWTH_LIMIT = 1.25
ROUTINE_EVENTS = 1000
CHAIN, KIND = "textiles_footwear", "testing"
DEMO_LOGINS = {"admin": "admin@qidesk.example", "manager": "manager@ntc.qidesk.example"}


# -- the figures: the worker's job over the whole history -------------------------------


def _refresh_child(url: str, queue) -> None:
    from blueprints.dashboards.refresh import refresh
    from extensions import db
    with desk(url).app_context():
        queue.put(refresh())
        db.engine.dispose()


def trail(url: str) -> dict:
    """How far the job has read the audit trail."""
    from sqlalchemy import func, select

    from blueprints.audit.models import AuditEvent
    from blueprints.dashboards.models import FigureState
    from blueprints.dashboards.refresh import STATE
    from extensions import db
    with desk(url).app_context():
        mark = db.session.scalar(select(FigureState.last_event_id)
                                 .where(FigureState.name == STATE)) or 0
        total, left = db.session.execute(select(
            func.count(AuditEvent.id),
            func.count(AuditEvent.id).filter(AuditEvent.id > mark))).one()
        db.engine.dispose()
    return {"mark": mark, "events": total, "left": left}


def first_figures(url: str, minutes: float, from_scratch: bool = False) -> dict:
    """The worker's refresh over the whole history (far behind the trail, the job
    catches up day by day), in a process of its own as the worker runs it, stopped
    after `minutes` if it has not finished. `from_scratch` first sets the job's mark
    back to the start of the trail (a kept database, measured again)."""
    if from_scratch:
        reset_mark(url, 0)
    before = trail(url)
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_refresh_child, args=(url, queue))
    started = time.perf_counter()
    child.start()
    child.join(minutes * 60)
    finished = not child.is_alive()
    if not finished:
        child.terminate()
        child.join(30)
    seconds = time.perf_counter() - started
    return {"refresh_seconds": seconds, "refresh_finished": finished and child.exitcode == 0,
            "events_to_read": before["left"], "events_left": trail(url)["left"],
            "refresh_result": queue.get() if finished and not queue.empty() else None}


def reset_mark(url: str, mark: int) -> None:
    from blueprints.dashboards.models import FigureState
    from blueprints.dashboards.refresh import STATE
    from extensions import db
    with desk(url).app_context():
        db.session.get(FigureState, STATE).last_event_id = mark
        db.session.commit()
        db.engine.dispose()


def routine_run(url: str) -> dict:
    """The job as the worker runs it every two minutes: after the last ROUTINE_EVENTS
    events of the trail (recomputing what they touch)."""
    from sqlalchemy import func, select

    from blueprints.audit.models import AuditEvent
    from blueprints.dashboards.refresh import refresh
    from extensions import db
    with desk(url).app_context():
        last = db.session.scalar(select(func.max(AuditEvent.id)))
    reset_mark(url, last - ROUTINE_EVENTS)
    with desk(url).app_context():
        started = time.perf_counter()
        result = refresh()
        seconds = time.perf_counter() - started
        db.engine.dispose()
    return {"seconds": seconds, **result}


# -- the pages --------------------------------------------------------------------------


def pages(facts: dict) -> list[tuple[str, str, str | None]]:
    """(name, path, who) of each measured page."""
    from core.timeutil import local_today, months_back
    today = local_today()
    since, until = months_back(today, 12), months_back(today, 1)
    filtered = urllib.parse.urlencode({"since": f"{since:%Y-%m}", "until": f"{until:%Y-%m}",
                                       "lab": facts["labs"]["NTC"], "chain": CHAIN,
                                       "kind": KIND})
    profile = f"/dashboards/enterprises/{facts['busy_enterprise']}"
    return [("board, admin", "/dashboards/", "admin"),
            ("board, admin, lab+chain+kind+12 months", f"/dashboards/?{filtered}", "admin"),
            ("board, lab manager (own lab)", "/dashboards/", "manager"),
            ("public board", "/dashboards/public", None),
            ("profile of the busiest enterprise, admin", profile, "admin"),
            ("profile, the enterprise's own user", profile, "sme")]


def accounts(facts: dict) -> dict[str, tuple[str, str]]:
    from history import PASSWORD

    from demo.loader import DEMO_PASSWORD
    return {"admin": (DEMO_LOGINS["admin"], DEMO_PASSWORD),
            "manager": (DEMO_LOGINS["manager"], DEMO_PASSWORD),
            "sme": (facts["busy_user"], PASSWORD)}


def measure(url: str, facts: dict, folder: str, args) -> list[tuple[str, dict]]:
    """wrk on the floor and on each page (and the floor again), under gunicorn."""
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
        cookies[None] = ""
        for _name, path, who in pages(facts):
            warm(desk_base, path, cookies[who])
        warm(floor_base, "/item", "")
        rows = [("floor: bare page, 1 indexed query",
                 wrk(floor_base + "/item", args.seconds, args.connections))]
        for name, path, who in pages(facts):
            rows.append((name, wrk(desk_base + path, args.seconds, args.connections,
                                   cookies[who])))
        rows.append(("floor again, after the pages",
                     wrk(floor_base + "/item", args.seconds, args.connections)))
        return rows
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(10)


def in_process(url: str, facts: dict, explain: bool,
               kept: bool = True) -> dict[str, tuple[float, int, float]]:
    """Each page served in this process with nothing else running: (harness.alone,
    SQL statements, their ms) of one request; with `explain`, prints each statement's
    time and the slowest one's plan. `kept=False`: the boards read their figures at
    every view (as right after the worker computed them), not from what they kept."""
    from extensions import db
    app = desk(url, DASHBOARD_FIGURES_KEPT=kept)
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
    engine.dispose()
    return found


# -- one database, both sizes, the report -----------------------------------------------


def prepared(store: Store, n: int, args) -> dict:
    """The database filled and its figures computed (or a kept one, brought up to date)."""
    if args.reuse:
        started = time.perf_counter()
        upgraded(store.url)
        facts = store.load()
        facts["upgrade_seconds"] = time.perf_counter() - started
        if args.refresh:
            print(f"[{store.kind} {n:,}] the worker's refresh over the whole history "
                  f"again ...", flush=True)
            facts.update(first_figures(store.url, args.refresh_minutes, from_scratch=True))
        # The routine run timed again with the code as it is now; then what autovacuum
        # would do after the migrations and the worker rewrote rows.
        facts["routine"] = routine_run(store.url)
        facts["analyse_seconds"] = analyse(store.url, vacuum="figure_")
        store.save(facts)
        return facts
    import history
    store.create()
    print(f"[{store.kind} {n:,}] filling ...", flush=True)
    facts = history.fill(store.url, n, years=args.years, seed=args.seed,
                         backlog_lab=args.backlog_lab)
    print(f"[{store.kind} {n:,}] filled: {facts['counts']}; open parts {facts['open']}",
          flush=True)
    facts["labs"] = lab_ids(store.url)
    facts["analyse_seconds"] = analyse(store.url, vacuum="figure_")
    print(f"[{store.kind} {n:,}] the worker's refresh over the whole history ...",
          flush=True)
    facts.update(first_figures(store.url, args.refresh_minutes))
    facts["analyse_seconds"] += analyse(store.url, vacuum="figure_")
    facts["routine"] = routine_run(store.url)
    store.save(facts)
    return facts


def lab_ids(url: str) -> dict[str, int]:
    from sqlalchemy import select

    from blueprints.labs.models import Lab
    from extensions import db
    with desk(url).app_context():
        found = dict(db.session.execute(select(Lab.code, Lab.id)).all())
        db.engine.dispose()
    return found


def figures_line(facts: dict) -> str:
    """How long the fill and the first figures took."""
    line = (f"fill: migrate + demo {facts['demo_seconds']:.0f} s, history "
            f"{facts['seconds']:.0f} s ({facts['counts']['service_requests']:,} requests, "
            f"{facts['counts']['sub_requests']:,} parts, "
            f"{facts['counts']['audit_events']:,} audit events); ")
    done = facts["refresh_result"] or {}
    if facts["refresh_finished"]:
        line += (f"first refresh over the whole history {facts['refresh_seconds']:.0f} s "
                 f"({facts['events_to_read']:,} events behind, {done.get('days', 0):,} days "
                 f"recomputed)")
    else:
        line += (f"first refresh STOPPED unfinished after {facts['refresh_seconds'] / 60:.0f}"
                 f" min ({facts['events_to_read'] - facts['events_left']:,} of "
                 f"{facts['events_to_read']:,} events behind read)")
    routine = facts["routine"]
    return line + (f"; routine run after the last {ROUTINE_EVENTS:,} events "
                   f"{routine['seconds']:.1f} s ({routine['days']} days recomputed)")


def report(rows: list, floor: dict, by_itself: dict, cold: dict) -> str:
    """harness.table's columns, the page served alone and its SQL, and served alone
    with its figures read afresh."""
    lines = table(rows, floor).split("\n")
    lines[0] += f" {'alone ms':>8} {'SQL':>4} {'SQL ms':>7} {'afresh ms':>9} {'SQL':>4}"
    for k, (name, _r) in enumerate(rows, start=1):
        if name in by_itself:
            ms, count, sql = by_itself[name]
            lines[k] += f" {ms:8.1f} {count:4d} {sql:7.1f} {cold[name][0]:9.1f} " \
                        f"{cold[name][1]:4d}"
    return "\n".join(lines)


def one(kind: str, n: int, args) -> dict:
    store = Store(kind, f"dash_{n}", args.keep or args.reuse)
    try:
        facts = prepared(store, n, args)
        load_before = os.getloadavg()[0]
        rows = measure(store.url, facts, store.folder, args)
        load_after = os.getloadavg()[0]
        kept = in_process(store.url, facts, args.explain)
        cold = in_process(store.url, facts, False, kept=False)
        text = "\n".join([
            f"\n{kind}, {n:,} requests, gunicorn 2 workers, wrk 2 threads x "
            f"{args.connections} connections x {args.seconds} s per page; machine load "
            f"{load_before:.1f} before wrk, {load_after:.1f} after ({os.cpu_count()} cores):",
            figures_line(facts), report(rows, rows[0][1], kept, cold)])
        print(text, flush=True)
        return {"rows": dict(rows), "text": text}
    finally:
        store.drop()


def compare(kind: str, small: int, large: int, found: dict) -> str:
    """p95 at both sizes, their ratio, and the verdict against the target."""
    a, b = found[small]["rows"], found[large]["rows"]
    floor_a, floor_b = a["floor: bare page, 1 indexed query"], b["floor: bare page, 1 indexed query"]
    lines = [f"\n{kind}: p95 at {small:,} and {large:,} requests (target: under {TARGET_MS} ms "
             f"at {large:,} and at most {GROWTH_LIMIT} x the {small:,} figure; 'x floor': "
             f"the ratio with each run's floor taken out)",
             f"{'page':46} {'p95 small':>9} {'p95 large':>9} {'ratio':>6} {'x floor':>7}  verdict"]
    for name in a:
        if name not in b:
            continue
        ratio = b[name]["p95"] / a[name]["p95"]
        relative = ratio / (floor_b["p95"] / floor_a["p95"])
        missed = [why for why, bad in (("p95", b[name]["p95"] >= TARGET_MS),
                                       ("growth", ratio > GROWTH_LIMIT)) if bad]
        verdict = "" if name.startswith("floor") else \
            f"FAIL ({', '.join(missed)})" if missed else "PASS"
        lines.append(f"{name:46} {a[name]['p95']:9.1f} {b[name]['p95']:9.1f} {ratio:6.2f} "
                     f"{relative:7.2f}  {verdict}")
    return "\n".join(lines)


def _out_of_time(signum, frame):
    raise SystemExit("bench/dashboards.py: out of time (--limit-minutes); cleaning up")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--requests", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--explain", action="store_true",
                        help="print each page's SQL times and the slowest one's plan")
    parser.add_argument("--refresh-minutes", type=float, default=60,
                        help="stop the first refresh after this long")
    parser.add_argument("--refresh", action="store_true",
                        help="with --reuse: run the first refresh over the whole history "
                             "again (the code may have changed since the fill)")
    parser.add_argument("--limit-minutes", type=int, default=300,
                        help="stop (and clean up) after this long")
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--backlog-lab", metavar="CODE",
                        help="the history's backlog variant: 50,000 open parts at this lab")
    kept = parser.add_mutually_exclusive_group()
    kept.add_argument("--keep", metavar="DIR", help="keep the filled databases for --reuse")
    kept.add_argument("--reuse", metavar="DIR", help="measure databases kept by --keep")
    args = parser.parse_args()
    signal.signal(signal.SIGALRM, _out_of_time)
    signal.alarm(args.limit_minutes * 60)
    said = []
    for kind in (["sqlite", "postgresql"] if args.db == "both" else [args.db]):
        found = {n: one(kind, n, args) for n in args.requests}
        said += [found[n]["text"] for n in args.requests]
        sizes = sorted(args.requests)
        if len(sizes) > 1:
            said.append(compare(kind, sizes[0], sizes[-1], found))
            print(said[-1], flush=True)
    print("\n" + "\n".join(said))


if __name__ == "__main__":
    main()
