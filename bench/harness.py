"""What the bench scripts share: wrk, a gunicorn server on a free port, sign-in, the
desk's app in the bench's own process, and a page timed there alone with its SQL."""
import http.cookiejar
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV_BIN = os.path.dirname(sys.executable)
LUA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "latency.lua")


def ensure_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk:
        return wrk
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "wrk"], check=True,
                   stdout=subprocess.DEVNULL)
    return shutil.which("wrk")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(app_spec: str, env: dict, cwd: str, workers: int = 2) -> tuple[subprocess.Popen, str]:
    """Start gunicorn on 127.0.0.1 and wait until it answers."""
    port = free_port()
    proc = subprocess.Popen(
        [os.path.join(VENV_BIN, "gunicorn"), "--no-control-socket", "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", app_spec], cwd=cwd, env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/", timeout=1)
            break
        except OSError as exc:
            if getattr(exc, "code", None):  # an HTTP error still means it is up
                break
            time.sleep(0.1)
    return proc, base


def sign_in(base: str, login: str, password: str) -> str:
    """Sign in through the login form; returns the Cookie header value."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrf_token": token, "login": login,
                                   "password": password}).encode()
    opener.open(base + "/login", data=data)
    cookies = "; ".join(f"{c.name}={c.value}" for c in jar)
    if "session=" not in cookies:
        raise SystemExit(f"could not sign in as {login}")
    return cookies


def wrk(url: str, seconds: int, connections: int, cookie: str = "") -> dict:
    """p50/p95/p99 in ms and requests/s of one URL; refuses a run with errors."""
    cmd = [ensure_wrk(), "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "-s", LUA]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    p50, p95, p99, rps, errors = re.search(r"LATENCY (\S+) (\S+) (\S+) (\S+) (\S+)", out).groups()
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx or int(errors):
        raise SystemExit(f"{url}: error responses\n{out}")
    return {"p50": float(p50), "p95": float(p95), "p99": float(p99), "rps": float(rps)}


def table(rows: list[tuple[str, dict]], floor: dict) -> str:
    lines = [f"{'page':46} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>7} "
             f"{'p95/floor':>9}"]
    for name, r in rows:
        lines.append(f"{name:46} {r['p50']:8.2f} {r['p95']:8.2f} {r['p99']:8.2f} "
                     f"{r['rps']:7.0f} {r['p95'] / floor['p95']:9.1f}")
    return "\n".join(lines)


def warm(base: str, path: str, cookie: str) -> None:
    """A few requests first, so both workers have loaded templates and caches."""
    opener = urllib.request.build_opener()
    if cookie:
        opener.addheaders = [("Cookie", cookie)]
    for _ in range(4):
        opener.open(base + path, timeout=60).read()


# -- the desk in this process -----------------------------------------------------------


def desk(url: str, **config):
    """The desk's app on this database, for work done in the bench's own process."""
    from app import create_app
    return create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
                       "PUBLIC_URL": "http://127.0.0.1", "RATELIMIT_ENABLED": False,
                       "SQLALCHEMY_ENGINE_OPTIONS": {}, **config})


def upgraded(url: str) -> None:
    """A kept database brought to the code's schema (--reuse)."""
    from flask_migrate import upgrade

    from extensions import db
    with desk(url).app_context():
        upgrade()
        db.engine.dispose()


def signed_in(app, accounts: dict[str, tuple[str, str]]) -> dict:
    """A test client per person, signed in through the login form; None: nobody. No
    application context around the requests: each has its own, as under gunicorn (a
    shared one would keep the first signed-in user in `g` for every client)."""
    clients = {None: app.test_client()}
    for who, (login, password) in accounts.items():
        client = clients[who] = app.test_client()
        page = client.get("/login", base_url="http://127.0.0.1").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        client.post("/login", base_url="http://127.0.0.1",
                    data={"csrf_token": token, "login": login, "password": password})
    return clients


def alone(client, path: str) -> float:
    """The median milliseconds of 9 requests for the page, served in this process with
    nothing else running (what it costs before the queueing that 4 connections on 2
    workers add); the first two warm the caches."""
    taken = []
    for _ in range(11):
        started = time.perf_counter()
        response = client.get(path, base_url="http://127.0.0.1")
        taken.append(time.perf_counter() - started)
    if response.status_code != 200:
        raise SystemExit(f"{path}: {response.status_code}")
    return statistics.median(taken[2:]) * 1000


def statements(engine, client, path: str) -> list[tuple[float, str, object]]:
    """(seconds, SQL, parameters) of each statement one request for the page sends (on
    SQLite the time to the first row: the rest is fetched after)."""
    from sqlalchemy import event
    seen = []

    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info["started"] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        seen.append((time.perf_counter() - conn.info["started"], statement, parameters))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        client.get(path, base_url="http://127.0.0.1")
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
    return seen


def print_plan(engine, title: str, ms: float, seen: list) -> None:
    """Each statement's time, and the slowest one with its plan (EXPLAIN QUERY PLAN on
    SQLite, EXPLAIN ANALYZE on PostgreSQL)."""
    slowest = max(seen, key=lambda s: s[0])
    prefix = "EXPLAIN ANALYZE " if engine.dialect.name == "postgresql" else \
        "EXPLAIN QUERY PLAN "
    with engine.connect() as conn:
        plan = conn.exec_driver_sql(prefix + slowest[1], slowest[2]).all()
    each = ", ".join(f"{s[0] * 1000:.1f}" for s in seen)
    print(f"\n-- {title}: alone {ms:.1f} ms; SQL {len(seen)} statements "
          f"{sum(s[0] for s in seen) * 1000:.1f} ms ({each}); the slowest, "
          f"{slowest[0] * 1000:.1f} ms:\n{slowest[1]}\n{slowest[2]}\n"
          + "\n".join(" | ".join(str(c) for c in row) for row in plan), flush=True)


# -- where each filled database lives ---------------------------------------------------


class Store:
    """One filled database of a bench: its URL, folder and facts file. SQLite lives in
    a folder (a temporary one, or `kept`/`name` to keep it for a later run); PostgreSQL
    in a schema of its own in TEST_DATABASE_URL's database (default: the machine's
    postgresql://postgres@127.0.0.1:5432/test). A kept database survives `drop`."""

    def __init__(self, kind: str, name: str, kept: str | None = None):
        self.kind, self.name, self.kept = kind, name, bool(kept)
        self.folder = os.path.join(os.path.abspath(kept), f"{kind}-{name}") if kept else \
            tempfile.mkdtemp(prefix=f"qidesk-bench-{kind}-")
        os.makedirs(self.folder, exist_ok=True)
        self.facts_file = os.path.join(self.folder, "facts.json")
        self.schema = "qidesk_bench_" + re.sub(r"\W", "_", name).lower()
        base = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
        self.pg_base = re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", base)
        if kind == "sqlite":
            self.url = "sqlite:///" + os.path.join(self.folder, "bench.db")
        else:
            self.url = self.pg_base + ("&" if "?" in self.pg_base else "?") + \
                f"options=-csearch_path%3D{self.schema}"

    def create(self) -> None:
        if self.kind == "postgresql":
            self._admin(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE",
                        f"CREATE SCHEMA {self.schema}")
        elif os.path.exists(self.url[len("sqlite:///"):]):
            os.remove(self.url[len("sqlite:///"):])

    def drop(self) -> None:
        if self.kept:
            return
        shutil.rmtree(self.folder, ignore_errors=True)
        if self.kind == "postgresql":
            self._admin(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE")

    def _admin(self, *sql: str) -> None:
        from sqlalchemy import create_engine, text
        engine = create_engine(self.pg_base, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            for one in sql:
                conn.execute(text(one))
        engine.dispose()

    def save(self, facts: dict) -> None:
        if self.kept:
            with open(self.facts_file, "w") as f:
                json.dump(facts, f, indent=1)

    def load(self) -> dict:
        with open(self.facts_file) as f:
            return json.load(f)


def analyse(url: str, vacuum: str | bool = "") -> float:
    """On PostgreSQL, what autovacuum does to a live desk's tables: ANALYZE, after a
    VACUUM of every table (`vacuum=True`) or of those whose names start with `vacuum`
    (rows written in bulk leave the visibility map unset, so no index-only scan, and
    rows rewritten in bulk leave their index entries dead, until vacuumed). SQLite is
    left as the desk runs it. Seconds taken."""
    if not url.startswith("postgresql"):
        return 0.0
    from sqlalchemy import inspect

    from extensions import db
    started = time.perf_counter()
    with desk(url).app_context():
        names = [t for t in inspect(db.engine).get_table_names()
                 if vacuum is True or (vacuum and t.startswith(vacuum))]
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for name in names:
                conn.exec_driver_sql(f"VACUUM {name}")
            conn.exec_driver_sql("ANALYZE")
        db.engine.dispose()
    return time.perf_counter() - started
