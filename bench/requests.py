"""The request pages at scale: fills a database with 100,000 requests over 5 labs
and 200 enterprises, then measures the lab queue, the SME's list and a request
page under gunicorn (2 workers) with wrk, against a bare Flask page doing one
indexed query on the same database in the same run. Also times saving a
50-result worklist grid.

    .venv/bin/python bench/requests.py [--db sqlite|postgresql|both] [--requests 100000]
                                       [--seconds 5] [--connections 4]

SQLite lives in a temporary instance folder; PostgreSQL in a schema of its own
(qidesk_bench) in TEST_DATABASE_URL's database (default: the machine's
postgresql://postgres@127.0.0.1:5432/test), dropped afterwards. Traffic goes to
127.0.0.1 only; the script stops by itself.
"""
import argparse
import os
import random
import re
import shutil
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta

from harness import ROOT, serve, sign_in, table, wrk

sys.path.insert(0, ROOT)

PASSWORD = "bench-pass-2026"
LAB_CODES = ["NTC", "JMI", "FTC", "CTC", "FML"]
STATES = (["closed"] * 50 + ["issued"] * 8 + ["approved"] * 4 + ["in_review"] * 4 +
          ["in_progress"] * 8 + ["sample_received"] * 4 + ["confirmed"] * 6 + ["quoted"] * 4 +
          ["submitted"] * 8 + ["returned"] * 2 + ["cancelled"] * 2)
PAUSED = {"returned", "quoted", "confirmed"}
WITH_RESULTS = {"in_progress", "in_review", "approved", "issued", "closed"}


def fill(url: str, n_requests: int) -> dict:
    """Migrate, load the demo catalogue, then bulk-insert the requests."""
    # Imported here, not at the top: `--help` answers without loading the desk, and
    # the desk's modules load only where the data is made.
    from flask_migrate import upgrade
    from sqlalchemy import func, insert, select
    from werkzeug.security import generate_password_hash

    from app import create_app
    from blueprints.audit.models import AuditEvent
    from blueprints.auth.models import User
    from blueprints.catalogue.models import Capability, ServiceParameter
    from blueprints.enterprises.models import Enterprise
    from blueprints.enterprises.uscc import check_character
    from blueprints.labs.models import Lab
    from blueprints.service_requests.models import RequestItem, Result, ServiceRequest, SubRequest
    from demo.loader import load_demo
    from extensions import db

    rng = random.Random(2026)
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
                      "PUBLIC_URL": "http://127.0.0.1",
                      "SQLALCHEMY_ENGINE_OPTIONS": {}})
    with app.app_context():
        upgrade()
        load_demo()
        labs = {lab.code: lab for lab in db.session.scalars(select(Lab))}
        offers = {code: [(c.service_id, c.price_cents, c.turnaround_days)
                         for c in db.session.scalars(select(Capability)
                                                     .where(Capability.lab_id == labs[code].id))]
                  for code in LAB_CODES}
        first_param = dict(db.session.execute(
            select(ServiceParameter.service_id, func.min(ServiceParameter.id))
            .group_by(ServiceParameter.service_id)).all())
        pw = generate_password_hash(PASSWORD)
        base_ent = db.session.scalar(select(func.coalesce(func.max(Enterprise.id), 0))) + 1
        base_user = db.session.scalar(select(func.coalesce(func.max(User.id), 0))) + 1
        now = datetime.now(UTC)
        ents, users = [], []
        for k in range(200):
            body = f"91350582B{k:08d}"
            ents.append({"id": base_ent + k, "uscc": body + check_character(body),
                         "name": f"晋江压测企业{k:03d}有限公司", "legal_representative": "测试",
                         "address": "晋江", "industry_chain": "textiles_footwear", "size": "small",
                         "contact_phone": "0595-85000000", "status": "verified",
                         "status_reason": "", "uscc_override": False, "created_at": now,
                         "updated_at": now, "version": 1})
            users.append({"id": base_user + k, "email": f"bench{k}@sme.example",
                          "name": f"压测用户{k}", "password_hash": pw, "role": "sme",
                          "enterprise_id": base_ent + k, "is_enterprise_admin": True,
                          "job_title": "", "active": True, "session_token": f"{k:032d}",
                          "created_at": now, "updated_at": now, "version": 1})
        manager = {"id": base_user + 200, "email": "bench-manager@ntc.example",
                   "name": "压测主任", "password_hash": pw, "role": "lab_manager",
                   "lab_id": labs["NTC"].id, "is_enterprise_admin": False, "job_title": "",
                   "active": True, "session_token": "m" * 32, "created_at": now,
                   "updated_at": now, "version": 1}
        db.session.execute(insert(Enterprise), ents)
        db.session.execute(insert(User), users + [manager])
        db.session.commit()

        batch = {"requests": [], "subs": [], "items": [], "results": [], "events": []}

        def top(model):  # the demo data holds a few rows already: number after them
            return db.session.scalar(select(func.coalesce(func.max(model.id), 0)))
        base_req = max(top(ServiceRequest), top(SubRequest))
        ids = {"item": top(RequestItem), "result": top(Result), "event": top(AuditEvent)}
        t0 = time.perf_counter()

        def flush():
            for model, key in ((ServiceRequest, "requests"), (SubRequest, "subs"),
                               (RequestItem, "items"), (Result, "results"),
                               (AuditEvent, "events")):
                if batch[key]:
                    db.session.execute(insert(model), batch[key])
                    batch[key].clear()
            db.session.commit()

        today = date.today()
        for r in range(base_req + 1, base_req + n_requests + 1):
            ent = rng.randrange(200)
            created = now - timedelta(minutes=r * 5)
            code = LAB_CODES[r % 5]
            state = rng.choice(STATES)
            due = today + timedelta(days=rng.randint(-20, 20))
            batch["requests"].append({
                "id": r, "number": f"QD-2025-{r:06d}", "state": "submitted",
                "enterprise_id": base_ent + ent, "applicant_id": base_user + ent,
                "title": f"压测委托 {r}", "contact_name": "测试", "contact_phone": "0595-1",
                "notes": "", "submitted_at": created, "due_date": due, "created_at": created,
                "updated_at": created, "version": 2})
            batch["subs"].append({
                "id": r, "request_id": r, "lab_id": labs[code].id, "part": 1, "state": state,
                "due_date": due, "routing_reason": [], "applicant_message": "",
                "internal_note": "", "created_at": created, "updated_at": created,
                "version": 3,
                "answer_by": created + timedelta(days=1) if state == "submitted" else None,
                "clock_paused_on": created.date() if state in PAUSED else None})
            for position in (1, 2)[:rng.choice((1, 1, 2))]:
                service_id, price, _days = rng.choice(offers[code])
                ids["item"] += 1
                batch["items"].append({
                    "id": ids["item"], "request_id": r, "sub_request_id": r,
                    "service_id": service_id, "position": position,
                    "sample_description": "面料", "quantity": 1, "requirements": "",
                    "price_cents": price, "price_reason": "", "method_deviation": "",
                    "due_date": due})
                if state in WITH_RESULTS and service_id in first_param:
                    ids["result"] += 1
                    batch["results"].append({
                        "id": ids["result"], "item_id": ids["item"],
                        "parameter_id": first_param[service_id], "value": 12.5,
                        "text_value": "", "verdict": "pass", "entered_by_id": manager["id"],
                        "entered_at": created})
            for action in ("submitted", "quoted", "sample_received"):
                ids["event"] += 1
                batch["events"].append({
                    "id": ids["event"], "created_at": created,
                    "actor_id": base_user + ent,
                    "entity": "service_requests" if action == "submitted" else "sub_requests",
                    "entity_id": r, "action": action, "before": None, "after": None,
                    "reason": ""})
            if (r - base_req) % 5000 == 0:
                flush()
        flush()
        if db.engine.dialect.name == "postgresql":  # explicit ids: move the sequences on
            for table_name in ("service_requests", "sub_requests", "request_items", "results",
                               "audit_events", "users", "enterprises"):
                db.session.execute(db.text(
                    f"SELECT setval(pg_get_serial_sequence('{table_name}', 'id'), "
                    f"(SELECT max(id) FROM {table_name}))"))
            db.session.execute(db.text("ANALYZE"))
            db.session.commit()
        filled = time.perf_counter() - t0
        sme_request = db.session.scalar(
            select(ServiceRequest.id).join(SubRequest)
            .where(ServiceRequest.enterprise_id == base_ent, SubRequest.state == "closed")
            .order_by(ServiceRequest.id.desc()).limit(1))
        db.engine.dispose()
    return {"seconds": filled, "sme": users[0]["email"], "manager": manager["email"],
            "request_id": sme_request, "counts": ids}


def grid_save_time(base: str, cookie: str) -> float:
    """Seconds to save a worklist grid of 50 results in one POST (median of 5)."""
    import urllib.request
    opener = urllib.request.build_opener()
    opener.addheaders = [("Cookie", cookie)]
    times = []
    for _ in range(5):
        page = opener.open(base + "/lab/worklist?service=1").read().decode()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        fields = re.findall(r'name="(r-\d+-\d+-value)"', page)[:50]
        versions = re.findall(r'name="(v-\d+)" value="(\d+)"', page)
        data = {"csrf_token": token, **dict(versions)}
        data.update({f: "12.5" for f in fields})
        body = urllib.parse.urlencode(data).encode()
        t0 = time.perf_counter()
        opener.open(base + page_path(page), data=body).read()
        times.append(time.perf_counter() - t0)
    return sorted(times)[2], len(fields)


def page_path(page: str) -> str:
    return "/lab/worklist?service=" + re.search(r'<option value="(\d+)" selected', page).group(1)


def run(kind: str, args) -> None:
    instance = tempfile.mkdtemp(prefix="qidesk-bench-")
    pg_base = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    pg_base = re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", pg_base)
    if kind == "sqlite":
        url = "sqlite:///" + os.path.join(instance, "bench.db")
    else:
        from sqlalchemy import create_engine, text
        admin = create_engine(pg_base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS qidesk_bench CASCADE"))
            conn.execute(text("CREATE SCHEMA qidesk_bench"))
        admin.dispose()
        url = pg_base + ("&" if "?" in pg_base else "?") + "options=-csearch_path%3Dqidesk_bench"
    print(f"[{kind}] filling {args.requests:,} requests ...", flush=True)
    info = fill(url, args.requests)
    print(f"[{kind}] filled in {info['seconds']:.0f} s: {info['counts']}", flush=True)
    env = {**os.environ, "QIDESK_INSTANCE_PATH": instance, "DATABASE_URL": url,
           "QIDESK_PUBLIC_URL": "http://127.0.0.1",
           "FLOOR_DATABASE_URL": url,
           "FLOOR_QUERY": "SELECT number FROM service_requests WHERE id = 50000"}
    procs = []
    try:
        floor_proc, floor_base = serve("floor_app:create_app()", env, os.path.dirname(__file__))
        desk_proc, desk_base = serve("app:create_app()", env, ROOT)
        procs = [floor_proc, desk_proc]
        manager = sign_in(desk_base, info["manager"], PASSWORD)
        sme = sign_in(desk_base, info["sme"], PASSWORD)
        floor = wrk(floor_base + "/item", args.seconds, args.connections)
        rows = [("floor: bare page, 1 indexed query", floor)]
        monday = date.today() - timedelta(days=date.today().weekday())
        week = f"start={monday}T00:00:00&end={monday + timedelta(days=7)}T00:00:00"
        for name, path, cookie in (
                ("lab queue (/lab/queue)", "/lab/queue", manager),
                ("lab queue, overdue filter", "/lab/queue?due=overdue", manager),
                ("lab calendar, a week's events", f"/lab/calendar/events?{week}", manager),
                ("my tasks (/tasks), lab manager", "/tasks", manager),
                ("SME's list (/requests)", "/requests", sme),
                ("request page (/requests/<id>)", f"/requests/{info['request_id']}", sme)):
            rows.append((name, wrk(desk_base + path, args.seconds, args.connections, cookie)))
        grid, n = grid_save_time(desk_base, manager)
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(10)
        shutil.rmtree(instance, ignore_errors=True)
        if kind == "postgresql":
            from sqlalchemy import create_engine, text
            admin = create_engine(pg_base, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text("DROP SCHEMA IF EXISTS qidesk_bench CASCADE"))
            admin.dispose()
    print(f"\n{kind}, {args.requests:,} requests, wrk {args.connections} connections "
          f"x {args.seconds} s per page:")
    print(table(rows, floor))
    print(f"worklist grid: saving {n} results in one POST took {grid * 1000:.0f} ms (median of 5)")
    worst = max(r["p95"] for name, r in rows[1:])
    print(f"slowest page p95: {worst:.1f} ms (target < 100 ms)\n", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()
    for kind in (["sqlite", "postgresql"] if args.db == "both" else [args.db]):
        run(kind, args)


if __name__ == "__main__":
    main()
