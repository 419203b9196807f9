"""The desk as a cluster on this machine, under load, losing a node and its leading worker.

Two app nodes and two background workers share one PostgreSQL database; partway through
the load, one node and the leading worker are killed. Nothing submitted may be lost or
doubled, no certificate number skipped or repeated, every stored PDF must match its
SHA-256, and the standby worker must take over and finish a 150-certificate batch.

    .venv/bin/python bench/cluster.py [--seconds 90] [--kill-at 0.4] [--smes 8]
                                      [--verifiers 3] [--batch 150] [--batch-wait 240]
                                      [--no-rate-limits] [--database qidesk_cluster]
                                      [--limit-minutes 10]

What runs (traffic to 127.0.0.1 only; everything is stopped and removed at the end, also
on an error, Ctrl-C or the time limit):
  - a PostgreSQL database of its own on TEST_DATABASE_URL's server (default
    postgresql://postgres@127.0.0.1:5432/test): a database, not a schema, because the
    workers' advisory lock is per database. `flask setup --demo` migrates it and loads the
    demo; this process then adds, through the desk's models, verified enterprises with a
    user each (half textile makers asking NTC for a test, half food makers asking FTC)
    and trade scales of market vendors at the metrology institute (JMI), verified by its
    metrologist and approved by its manager: what a campaign day leaves for a batch;
  - two app nodes (gunicorn, 2 workers each, `--no-control-socket`, each in a process
    group of its own) and two `flask worker` processes (one leads, one waits), sharing
    the database and one instance folder (the shared volume that keeps the PDFs), with
    QIDESK_PUBLIC_URL=https://qidesk.example.gov.cn behind one proxy hop
    (QIDESK_PROXY_HOPS=1): this process is the TLS proxy and the browsers at once;
  - shared services, passed in the nodes' environment (node_env(), the one place to add
    settings): Redis at 127.0.0.1:6379 when it answers, in a database number that was
    empty, flushed at the end (QIDESK_REDIS_URL: the rate limits' counts and the boards'
    kept figures), and an S3 server (moto) with a bucket of its own where every
    document is kept (QIDESK_STORAGE_BACKEND=s3, QIDESK_S3_*).

The load, for --seconds, from threads of this process, each a person with a cookie jar
of their own who signs in through the login form and posts forms with the CSRF token and
version fields read from the pages (urllib, no redirects followed unasked): enterprises
draft and submit requests and accept quotes; the labs' people quote, receive samples,
enter and submit results, and a second signatory approves and issues each report (four
eyes); the metrology institute's manager starts the batch at /lab/batches/new and
follows its progress; members of the public verify issued certificates at /verify (the
numbers and codes their holders read off the request pages and the vendors' papers).
Requests go round-robin to both nodes; a refused connection (or a broken GET) is tried
again on the other node, as a reverse proxy would; a POST whose connection breaks is an
error the person saw. Rate limits stay on (unless --no-rate-limits): every person comes
from an address of their own (each verification from another member of the public), so
no limit is reached.

At --kill-at of the time (or as soon as half the batch is issued, if sooner), once the
batch has issued its first certificates, the first node's process group and the worker
holding the advisory lock (read from pg_locks) get SIGKILL.
After the load, and the batch (at most --batch-wait seconds), the checks: each
acknowledged submission is in the database exactly once (and any submission never
acknowledged is one whose connection broke at the kill), numbers of requests and
certificates run 1..n in each series and year, each certificate's stored PDF matches its
SHA-256 (stored() reads it back) and prints its verification link on the public
address, the batch issued all its certificates, the standby took the lock and ran the
batch, verifications saw valid certificates, and no person saw an error but for
requests in flight on the killed node. Exits 1 when a check fails.
"""
import argparse
import hashlib
import http.client
import http.cookiejar
import io
import json
import logging
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser

from harness import ROOT, VENV_BIN, desk, free_port

sys.path.insert(0, ROOT)

PUBLIC_URL = "https://qidesk.example.gov.cn"
PUBLIC_HOST = "qidesk.example.gov.cn"
PASSWORD = "cluster-pass-2026"
TIMEOUT = 120                      # seconds a person waits for an answer
DOWN_FOR = 5                       # seconds the proxy leaves a node alone after a refusal
# What the enterprises ask for: one lab each, paid (so quoted and accepted), one result.
ASKED = {"NTC": ("TX-009", "textiles_footwear", "晋江集群鞋服有限公司"),
         "FTC": ("FD-008", "leisure_food", "晋江集群食品有限公司")}
# Who works each lab's parts, and the queue states each of them takes: the later
# state first (work under way is finished before new work is taken on).
LAB_PEOPLE = {
    "NTC": [("manager@ntc.qidesk.example", ["confirmed", "submitted"]),
            ("analyst@ntc.qidesk.example", ["in_progress", "sample_received"]),
            ("quality@ntc.qidesk.example", ["in_review"])],
    "FTC": [("manager@ftc.qidesk.example",
             ["in_progress", "sample_received", "confirmed", "submitted"]),
            ("signatory@ftc.qidesk.example", ["in_review"])],
}
BATCH_MANAGER = "manager@jmi.qidesk.example"
METROLOGIST = "metrologist@jmi.qidesk.example"
SCALES_PER_VENDOR = 3
# A 15 kg / 5 g class III scale's readings that pass (JJG 539), as the metrologist types them.
READINGS = {
    "vtype": "subsequent",
    "zero-load": "0", "zero-ind": "0", "zero-add": "2.5",
    **{f"w{i}-load": load for i, load in enumerate(["100", "2500", "5000", "10000", "15000"])},
    **{f"w{i}-ind": ind for i, ind in enumerate(["100", "2500", "5000", "10000", "15000"])},
    **{f"w{i}-add": "2.5" for i in range(5)},
    "ecc-load": "5000", **{f"ecc{i}-ind": "5000" for i in range(5)},
    **{f"ecc{i}-add": "2.5" for i in range(5)},
    "rep-load": "12000", **{f"rep{i}-ind": "12000" for i in range(3)},
    **{f"rep{i}-add": "2.5" for i in range(3)},
    "disc-load": "12000", "disc-before": "12000", "disc-after": "12005",
}
REDIS_CLAIM = "qidesk-cluster-bench"  # the key that marks a Redis database as a run's
TITLE = "集群压测"                  # every load request's title starts so
CERT_NUMBER = re.compile(r"^([A-Z0-9]+)-(\d{4})-(\d{5})$")
REQUEST_NUMBER = re.compile(r"^QD-(\d{4})-(\d{6})$")


def say(text: str) -> None:
    print(text, flush=True)


# -- the cluster's shared things ---------------------------------------------------------


@dataclass
class Shared:
    """What every desk process of the run shares: the database, the instance folder
    (a shared volume in a real cluster), the secret key, and the shared services."""
    folder: str
    database: str
    server_url: object                   # sqlalchemy URL of the server's own database
    secret_key: str = field(default_factory=lambda: "cluster-" + secrets.token_hex(24))
    mail_port: int = field(default_factory=free_port)   # nothing listens there
    redis_url: str = ""
    redis_db: int | None = None
    s3_endpoint: str = ""
    s3_bucket: str = ""
    rate_limits: bool = True

    @property
    def instance(self) -> str:
        return os.path.join(self.folder, "instance")

    def database_url(self, application_name: str = "") -> str:
        url = self.server_url.set(database=self.database)
        if application_name:  # names each process's connections in pg_stat_activity
            url = url.update_query_dict({"application_name": application_name})
        return url.render_as_string(hide_password=False)


def node_env(shared: Shared, role: str) -> dict[str, str]:
    """The environment of every desk process of the run (`flask setup`, app nodes,
    workers); `role` names its database connections (pg_stat_activity.application_name)."""
    env = {**os.environ,
           "FLASK_APP": "app", "PYTHONUNBUFFERED": "1",
           "QIDESK_INSTANCE_PATH": shared.instance,
           "DATABASE_URL": shared.database_url(f"qidesk-{role}"),
           "QIDESK_SECRET_KEY": shared.secret_key,
           "QIDESK_PUBLIC_URL": PUBLIC_URL,
           "QIDESK_PROXY_HOPS": "1",
           "QIDESK_BATCH_PROCESSES": "2",
           # Mail waits in the outbox: nothing listens on this loopback port.
           "QIDESK_MAIL_SERVER": "127.0.0.1", "QIDESK_MAIL_PORT": str(shared.mail_port)}
    if not shared.rate_limits:
        env["QIDESK_RATELIMIT_ENABLED"] = "false"
    # ---- shared services --------------------------------------------------------------
    if shared.redis_url:
        # Rate limits counted once for all nodes, and the boards' kept figures shared.
        env["QIDESK_REDIS_URL"] = shared.redis_url
    env.update({f"QIDESK_{name}": str(value) for name, value in storage_settings(shared).items()})
    # ---------------------------------------------------------------------------------------
    return env


def storage_settings(shared: Shared) -> dict[str, str]:
    """Where the desk keeps its documents: the run's bucket on the local S3 server."""
    if not shared.s3_endpoint:
        return {}
    return {"STORAGE_BACKEND": "s3", "S3_BUCKET": shared.s3_bucket,
            "S3_ENDPOINT_URL": shared.s3_endpoint, "S3_REGION": "us-east-1",
            "S3_ACCESS_KEY": "bench", "S3_SECRET_KEY": "bench"}


def server_url():
    """TEST_DATABASE_URL's server, refused unless it is on this machine."""
    from sqlalchemy.engine import make_url
    base = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    url = make_url(re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", base))
    if url.host not in (None, "127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"bench/cluster.py runs on this machine only; {url.host} is not it")
    return url


def _admin(shared: Shared, *sql: str, fetch: bool = False):
    from sqlalchemy import create_engine, text
    engine = create_engine(shared.server_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            rows = [conn.execute(text(one)).all() if fetch else conn.execute(text(one))
                    for one in sql]
    finally:
        engine.dispose()
    return rows


def create_database(shared: Shared) -> None:
    """A fresh database; one left by an earlier run is dropped, one in use is refused."""
    name = shared.database
    busy = _admin(shared, f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{name}'",
                  fetch=True)[0][0][0]
    if busy:
        raise SystemExit(f"database {name} is in use ({busy} connections): another run? "
                         "Choose another with --database.")
    _admin(shared, f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}")


def drop_database(shared: Shared) -> None:
    _admin(shared, f"DROP DATABASE IF EXISTS {shared.database} WITH (FORCE)")


def start_redis(shared: Shared):
    """Redis at 127.0.0.1:6379, in the highest database number that is empty, or None."""
    try:
        import redis
        client = redis.Redis(host="127.0.0.1", port=6379, socket_timeout=2)
        client.ping()
    except Exception as err:  # no Redis here: the nodes keep their limits in memory
        return f"no Redis at 127.0.0.1:6379 ({type(err).__name__})"
    for number in range(15, 0, -1):
        client = redis.Redis(host="127.0.0.1", port=6379, db=number)
        # Claimed with a key of the run's own, so that another run looks elsewhere.
        if client.dbsize() == 0 and client.set(REDIS_CLAIM, shared.secret_key, nx=True) \
                and client.dbsize() == 1:
            shared.redis_db = number
            shared.redis_url = f"redis://127.0.0.1:6379/{number}"
            return None
    return "Redis has no empty database number"


def clean_redis(shared: Shared) -> int:
    """Flush the run's database number (it was empty when the run chose it)."""
    if shared.redis_db is None:
        return 0
    import redis
    client = redis.Redis(host="127.0.0.1", port=6379, db=shared.redis_db)
    if client.get(REDIS_CLAIM) != shared.secret_key.encode():
        return 0  # not (or no longer) this run's
    keys = client.dbsize() - 1
    client.flushdb()
    return keys


def start_s3(shared: Shared):
    """A local S3 server (moto) with a bucket of the run's own, or why there is none."""
    # This script's folder holds bench/requests.py, which would stand in for the
    # `requests` package moto imports: import moto with the folder out of the path.
    here, path = os.path.dirname(os.path.abspath(__file__)), sys.path[:]
    sys.path[:] = [p for p in path if os.path.abspath(p or ".") != here]
    try:
        import boto3
        from botocore.config import Config
        from moto.server import ThreadedMotoServer
    except ImportError as err:
        return f"no S3 server ({err})"
    finally:
        sys.path[:] = path
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # not a line per S3 request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    shared.s3_endpoint = f"http://{host}:{port}"
    shared.s3_bucket = "qidesk-cluster-" + secrets.token_hex(4)
    boto3.client("s3", endpoint_url=shared.s3_endpoint, region_name="us-east-1",
                 aws_access_key_id="bench", aws_secret_access_key="bench",
                 config=Config(s3={"addressing_style": "path"})
                 ).create_bucket(Bucket=shared.s3_bucket)
    return server


def s3_objects(shared: Shared) -> int:
    import boto3
    from botocore.config import Config
    client = boto3.client("s3", endpoint_url=shared.s3_endpoint, region_name="us-east-1",
                          aws_access_key_id="bench", aws_secret_access_key="bench",
                          config=Config(s3={"addressing_style": "path"}))
    return client.list_objects_v2(Bucket=shared.s3_bucket).get("KeyCount", 0)


# -- what the load needs, made in this process through the desk's models ----------------


def prepare(app, smes: int, scales: int) -> dict:
    """`smes` verified enterprises with a user each (alternately textile makers for NTC
    and food makers for FTC), and `scales` trade scales of market vendors at JMI (three
    a vendor, a part each), accepted, verified by the metrologist and approved by the
    manager: the parts a campaign day leaves for its batch."""
    from decimal import Decimal

    from werkzeug.security import generate_password_hash

    from blueprints.auth.models import User
    from blueprints.catalogue.kinds import IndustryChain
    from blueprints.catalogue.models import Service
    from blueprints.enterprises.models import Enterprise, EnterpriseSize, EnterpriseStatus
    from blueprints.enterprises.uscc import check_character
    from blueprints.labs.models import Lab
    from blueprints.metrology import readings, verifying
    from blueprints.metrology.models import InstrumentKind
    from blueprints.metrology.scale_verification import VerificationType
    from blueprints.metrology.scales import ScaleEntry, request_verification, scale_service
    from blueprints.service_requests.lifecycle import Action
    from core.roles import Role
    from core.timeutil import utcnow
    from extensions import db

    with app.test_request_context(base_url=PUBLIC_URL):
        password_hash = generate_password_hash(PASSWORD)  # scrypt is slow: once
        services = {s.code: s.id for s in db.session.scalars(db.select(Service))}
        people = []
        for i in range(smes):
            lab = sorted(ASKED)[i % len(ASKED)]
            code, chain, name = ASKED[lab]
            body = f"91350582{770000000 + i:09d}"
            enterprise = Enterprise(
                uscc=body + check_character(body), name=f"{name}{i + 1:02d}",
                legal_representative="施志明", address="福建省晋江市陈埭镇",
                industry_chain=IndustryChain(chain), size=EnterpriseSize.small,
                contact_phone="0595-85661234", status=EnterpriseStatus.verified,
                verified_at=utcnow())
            login = f"sme{i + 1:02d}@cluster.qidesk.example"
            db.session.add(User(email=login, name=f"集群用户{i + 1:02d}", role=Role.sme,
                                enterprise=enterprise, is_enterprise_admin=True,
                                password_hash=password_hash))
            people.append({"login": login, "lab": lab, "service_id": services[code]})
        db.session.commit()

        manager = db.session.scalar(db.select(User).filter_by(email=BATCH_MANAGER))
        metrologist = db.session.scalar(db.select(User).filter_by(email=METROLOGIST))
        service = scale_service()
        vtype = VerificationType.subsequent
        made = 0
        for v in range((scales + SCALES_PER_VENDOR - 1) // SCALES_PER_VENDOR):
            phone = f"1397{v:07d}"
            vendor = User(phone=phone, name=f"摊主{v + 1:03d}", role=Role.citizen,
                          password_hash=password_hash)
            db.session.add(vendor)
            db.session.flush()
            entries = [ScaleEntry(InstrumentKind.price_computing_scale, "上海友声", "ACS-15",
                                  f"JQ{v:04d}{k}", Decimal(15000), Decimal(5), "III", "青阳农贸市场",
                                  f"C-{v + 1:03d}")
                       for k in range(min(SCALES_PER_VENDOR, scales - made))]
            req = request_verification(vendor, entries, vendor.name, phone, service)
            for sub in req.sub_requests:
                sub.step(Action.accept_free, manager)
                item = sub.items[0]
                assessment = readings.assess(verifying.scale_of(item.instrument), vtype,
                                             READINGS)
                verifying.record(sub, item, metrologist, vtype, READINGS, assessment,
                                 on_site=False)
                sub.approve(manager)
            made += len(entries)
            db.session.commit()
        lab_ids = dict(db.session.execute(db.select(Lab.code, Lab.id)).all())
    return {"smes": people, "scales": made, "lab_ids": lab_ids}


# -- the processes ------------------------------------------------------------------------


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen
    log: str
    base: str = ""             # an app node's address

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def log_text(self) -> str:
        with open(self.log, errors="replace") as fh:
            return fh.read()


def spawn(name: str, cmd: list[str], env: dict, folder: str) -> Proc:
    """A process in a process group of its own (so its children go with it), its
    output in a log file."""
    log = os.path.join(folder, f"{name}.log")
    with open(log, "wb") as out:
        popen = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL, start_new_session=True)
    return Proc(name, popen, log)


def start_node(shared: Shared, name: str) -> Proc:
    port = free_port()
    proc = spawn(name, [os.path.join(VENV_BIN, "gunicorn"), "--no-control-socket",
                        "--workers", "2", "--bind", f"127.0.0.1:{port}",
                        "--log-level", "warning", "app:create_app()"],
                 node_env(shared, name), shared.folder)
    proc.base = f"http://127.0.0.1:{port}"
    return proc


def wait_answering(proc: Proc, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not proc.alive():
            raise SystemExit(f"{proc.name} stopped:\n{proc.log_text()[-3000:]}")
        try:
            urllib.request.urlopen(proc.base + "/", timeout=5).close()
            return
        except urllib.error.HTTPError:
            return  # an HTTP answer, whatever it is, means it serves
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{proc.name} did not answer within {seconds:.0f} s")


def start_worker(shared: Shared, name: str) -> Proc:
    return spawn(name, [os.path.join(VENV_BIN, "flask"), "worker"], node_env(shared, name),
                 shared.folder)


def kill_group(proc: Proc, sig=signal.SIGKILL) -> None:
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass


def stop(proc: Proc) -> None:
    """SIGTERM to the process group, SIGKILL after 15 s."""
    kill_group(proc, signal.SIGTERM)
    try:
        proc.popen.wait(15)
    except subprocess.TimeoutExpired:
        pass
    kill_group(proc, signal.SIGKILL)
    try:
        proc.popen.wait(10)
    except subprocess.TimeoutExpired:
        pass


class Database:
    """This process's look at the run's database: the lock holder, the batch, the
    certificates the public may verify."""

    HOLDER = ("SELECT a.application_name, a.pid FROM pg_locks l "
              "JOIN pg_stat_activity a ON a.pid = l.pid "
              "WHERE l.locktype = 'advisory' AND l.granted "
              "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
              "AND ((l.classid::bigint << 32) | l.objid::bigint) = :key")

    def __init__(self, url: str):
        from sqlalchemy import create_engine
        self.engine = create_engine(url, isolation_level="AUTOCOMMIT", pool_size=2)

    def rows(self, sql: str, **params) -> list:
        from sqlalchemy import text
        with self.engine.connect() as conn:
            return conn.execute(text(sql), params).all()

    def lock_holder(self) -> str | None:
        """The application name of the worker holding the scheduler's advisory lock."""
        from core.leadership import LOCK_KEY
        found = self.rows(self.HOLDER, key=LOCK_KEY)
        return found[0][0].removeprefix("qidesk-") if found else None

    def batch(self, batch_id: int | None) -> tuple | None:
        if batch_id is None:
            return None
        found = self.rows("SELECT state, done, total FROM certificate_batches WHERE id = :i",
                          i=batch_id)
        return tuple(found[0]) if found else None

    def certificates_of(self, lab_id: int) -> list[tuple[str, str]]:
        return [tuple(r) for r in self.rows(
            "SELECT number, verification_code FROM certificates WHERE lab_id = :l", l=lab_id)]


# -- the people's browsers ----------------------------------------------------------------


class SecureOverLoopback(http.cookiejar.DefaultCookiePolicy):
    """The browser speaks https to the proxy; this process is both, so the desk's Secure
    cookies travel on the loopback hop too."""

    def return_ok_secure(self, cookie, request):
        return True


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # a 302 comes back as it is: its Location is the acknowledgment


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str]]
    buttons: list[tuple[str, str]]

    def names(self) -> set[str]:
        return {n for n, _v in self.fields}

    def data(self, changes: dict | None = None, button: tuple | None = None) -> list:
        """What a browser sends: the fields as shown, `changes` typed in, and the
        button pressed (if it has a name)."""
        changes = changes or {}
        sent = [(n, changes.get(n, v)) for n, v in self.fields]
        sent += [(n, v) for n, v in changes.items() if n not in self.names()]
        return sent + ([button] if button else [])


class Forms(HTMLParser):
    """The forms of a page, with the values a browser would send (hidden and text
    inputs, checked boxes, selected options, textareas; nothing disabled, nothing inside
    a <template>)."""

    def __init__(self, path: str):
        super().__init__(convert_charrefs=True)
        self.path, self.forms, self._form = path, [], None
        self._template = 0
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "template":
            self._template += 1
        if self._template:
            return
        if tag == "form":
            self._form = Form(a.get("action") or self.path, (a.get("method") or "get").lower(),
                              [], [])
            self.forms.append(self._form)
        if self._form is None or "disabled" in a or not a.get("name") and tag != "option":
            return
        name = a.get("name")
        kind = (a.get("type") or ("submit" if tag == "button" else "text")).lower()
        if tag == "input":
            if kind in ("submit", "image", "button"):
                self._form.buttons.append((name, a.get("value") or ""))
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form.fields.append((name, a.get("value") or "on"))
            elif kind != "file":
                self._form.fields.append((name, a.get("value") or ""))
        elif tag == "button" and kind == "submit":
            self._form.buttons.append((name, a.get("value") or ""))
        elif tag == "select":
            self._select = [name, None, None]        # name, first option, selected option
        elif tag == "option" and self._select is not None:
            value = a.get("value") or ""
            if self._select[1] is None:
                self._select[1] = value
            if "selected" in a:
                self._select[2] = value
        elif tag == "textarea":
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "template":
            self._template -= 1
        elif tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            name, first, chosen = self._select
            self._form.fields.append((name, chosen if chosen is not None else first or ""))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._form.fields.append(tuple(self._textarea))
            self._textarea = None


@dataclass
class Reply:
    status: int
    location: str
    text: str
    path: str                  # the path asked for

    def forms(self) -> list[Form]:
        parser = Forms(self.path.split("?")[0])
        parser.feed(self.text)
        return parser.forms

    def form(self, action_end: str = "", has: str = "") -> Form | None:
        """The first POST form whose action ends with `action_end` and that has a field
        named `has`."""
        return next((f for f in self.forms() if f.method == "post"
                     and f.action.split("?")[0].endswith(action_end)
                     and (not has or has in f.names())), None)


class Trouble(Exception):
    """A step the person could not take; already counted where it happened."""


class Broken(Trouble):
    """The connection broke after the request was sent: the desk may have done it."""


class Proxy:
    """Round-robin over the nodes, as the reverse proxy in front of them would; a node
    that refused a connection is left alone for a few seconds."""

    def __init__(self, nodes: list[Proc]):
        self.nodes = nodes
        self.turn = 0
        self.down_until = {n.base: 0.0 for n in nodes}
        self.lock = threading.Lock()

    def order(self) -> list[str]:
        with self.lock:
            self.turn += 1
            bases = [n.base for n in self.nodes]
            start = self.turn % len(bases)
            bases = bases[start:] + bases[:start]
            now = time.monotonic()
            up = [b for b in bases if self.down_until[b] <= now]
            return up + [b for b in bases if b not in up]

    def down(self, base: str) -> None:
        with self.lock:
            self.down_until[base] = time.monotonic() + DOWN_FOR


class Ledger:
    """What the people saw, shared by the threads: counts, errors, and the facts the
    checks compare with the database."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts = Counter()
        self.errors = Counter()
        self.examples: list[str] = []
        self.acknowledged: dict[str, int] = {}       # title -> request id
        self.numbers: dict[str, str] = {}            # title -> number shown
        self.broken_submits: set[str] = set()        # titles whose submit broke in flight
        self.issued: dict[int, str] = {}             # part id -> certificate number seen
        self.to_verify: set[tuple[str, str]] = set()  # (number, code)
        self.batch_id: int | None = None
        self.broken_at: list[tuple[float, str]] = []  # when a POST broke, on which node
        self.faults: list[str] = []                   # the bench's own mistakes

    def count(self, key: str, n: int = 1) -> None:
        with self.lock:
            self.counts[key] += n

    def error(self, kind: str, detail: str) -> None:
        with self.lock:
            self.errors[kind] += 1
            if len(self.examples) < 25:
                self.examples.append(f"{kind}: {detail}")


class Person:
    """One person's browser behind the proxy: a cookie jar, an address, the forms."""

    def __init__(self, proxy: Proxy, ledger: Ledger, name: str, address: str,
                 login: str = "", password: str = ""):
        self.proxy, self.ledger, self.name = proxy, ledger, name
        self.address, self.login, self.password = address, login, password
        self.jar = http.cookiejar.CookieJar(SecureOverLoopback())
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar),
                                                  NoRedirects())

    def send(self, method: str, path: str, data=None, referer: str = "") -> Reply:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        headers = {"X-Forwarded-For": self.address, "X-Forwarded-Proto": "https",
                   "X-Forwarded-Host": PUBLIC_HOST, "User-Agent": "qidesk-cluster-bench"}
        if referer:
            headers["Referer"] = PUBLIC_URL + referer
        route = re.sub(r"\d+", "<n>", path.split("?")[0])
        self.ledger.count("requests")
        self.ledger.count(method)
        for base in self.proxy.order():
            request = urllib.request.Request(base + path, data=body, headers=headers,
                                             method=method)
            try:
                try:
                    response = self.opener.open(request, timeout=TIMEOUT)
                except urllib.error.HTTPError as answer:  # a status other than 2xx
                    response = answer
                with response:
                    return Reply(response.getcode(), response.headers.get("Location", ""),
                                 response.read().decode("utf-8", "replace"), path)
            except urllib.error.URLError as err:
                # Not connected, or not all sent: the desk never had the request.
                self.proxy.down(base)
                self.ledger.count("failovers")
                last = err
                continue
            except TimeoutError:
                self.ledger.error("timeout", f"{method} {route} after {TIMEOUT} s")
                raise Trouble(path) from None
            except (http.client.HTTPException, OSError) as err:
                if method == "GET":  # the proxy tries an idempotent request again
                    self.proxy.down(base)
                    self.ledger.count("failovers")
                    last = err
                    continue
                with self.ledger.lock:
                    self.ledger.broken_at.append((time.monotonic(), base))
                self.ledger.error("connection broke", f"{method} {route} on {base}: "
                                                      f"{type(err).__name__}")
                raise Broken(path) from None
        self.ledger.error("no node answered", f"{method} {route}: {last}")
        raise Trouble(path)

    def get(self, path: str, expect: int = 200) -> Reply:
        return self.expect(self.send("GET", path), expect, "GET")

    def post(self, path: str, data, referer: str, expect: int = 302) -> Reply:
        return self.expect(self.send("POST", path, data, referer), expect, "POST")

    def submit(self, form: Form | None, page: Reply, changes: dict | None = None,
               button: tuple | None = None, expect: int = 302) -> Reply:
        if form is None:
            self.ledger.error("form not on the page", f"{self.name}: {page.path} "
                              f"{_flash(page.text)}")
            raise Trouble(page.path)
        return self.post(form.action, form.data(changes, button), page.path, expect)

    def expect(self, reply: Reply, status: int, method: str) -> Reply:
        if reply.status != status:
            route = re.sub(r"\d+", "<n>", reply.path.split("?")[0])
            self.ledger.error(f"HTTP {reply.status}", f"{self.name}: {method} {route} "
                              f"(expected {status}) {_flash(reply.text)}")
            raise Trouble(reply.path)
        return reply

    def sign_in(self) -> None:
        page = self.get("/login")
        form = page.form(has="password")
        reply = self.submit(form, page, {"login": self.login, "password": self.password})
        if "/login" in reply.location:
            self.ledger.error("sign-in", f"{self.login} was not signed in")
            raise Trouble("/login")


def signed_in(p: Person, stop: threading.Event) -> bool:
    """Sign in, again after a refusal or a broken connection, until the load stops."""
    while not stop.is_set():
        try:
            p.sign_in()
            return True
        except Trouble:
            stop.wait(1.0)
    return False


def _flash(html: str) -> str:
    found = re.search(r'class="flash[^"]*"[^>]*>(.*?)<', html, re.S)
    return found.group(1).strip()[:120] if found else ""


# -- what each person does ----------------------------------------------------------------


def applicant(p: Person, number: int, service_id: int, stop: threading.Event) -> None:
    """An enterprise's user: submits requests one after another, accepts each quote,
    and passes on the certificates it gets (to be verified by its customers)."""
    rng = random.Random(number)
    open_ones: deque[int] = deque()
    n = 0
    signed_in(p, stop)
    while not stop.is_set():
        try:
            for _ in range(min(2, len(open_ones))):
                follow_up(p, open_ones)
            n += 1
            submit_one(p, f"{TITLE} {number:02d}-{n:04d}", service_id, open_ones)
        except Trouble:
            pass
        stop.wait(rng.uniform(0.5, 1.5))


def submit_one(p: Person, title: str, service_id: int, open_ones: deque) -> None:
    page = p.get("/requests/new")
    form = page.form(has="title")
    draft = p.submit(form, page, {
        "title": title, "contact_name": "施志明", "contact_phone": "0595-85661234",
        "notes": "", "items-0-service_id": str(service_id),
        "items-0-sample_description": f"{title} 样品", "items-0-quantity": "1",
        "items-0-requirements": ""}, button=form.buttons[0] if form and form.buttons else None)
    request_id = int(re.search(r"/requests/(\d+)", draft.location).group(1))
    page = p.get(f"/requests/{request_id}")
    try:
        sent = p.submit(page.form(f"/requests/{request_id}/submit"), page)
    except Broken:
        with p.ledger.lock:
            p.ledger.broken_submits.add(title)
        raise
    with p.ledger.lock:  # acknowledged: the desk answered with the request's page
        p.ledger.acknowledged[title] = request_id
    open_ones.append(request_id)
    after = p.get(urllib.parse.urlsplit(sent.location).path)
    shown = re.search(r"QD-\d{4}-\d{6}", after.text)
    if shown:
        with p.ledger.lock:
            p.ledger.numbers[title] = shown.group(0)


def follow_up(p: Person, open_ones: deque) -> None:
    """Look at the oldest open request: accept its quote, or take its certificate."""
    request_id = open_ones.popleft()
    page = p.get(f"/requests/{request_id}")
    confirm = page.form("/confirm")
    if confirm is not None:
        p.submit(confirm, page)
        p.ledger.count("quotes accepted")
    cert = re.search(r'class="small muted">([A-Z]+-\d{4}-\d{5}) · [^<]*?([A-Z2-9]{10})</span>',
                     page.text)
    if cert:
        with p.ledger.lock:
            p.ledger.to_verify.add((cert.group(1), cert.group(2)))
    else:
        open_ones.append(request_id)


def lab_person(p: Person, states: list[str], stop: threading.Event) -> None:
    """A lab's manager, analyst or signatory: takes the oldest part in each of their
    queue states and does its next step."""
    signed_in(p, stop)
    while not stop.is_set():
        worked = False
        for state in states:
            try:
                queue = p.get(f"/lab/queue?state={state}&sort=old")
                found = re.findall(r'href="/lab/requests/(\d+)"', queue.text)
                if found:
                    STEPS[state](p, int(found[0]))
                    worked = True
                    break
            except Trouble:
                worked = True
                break
        stop.wait(0.3 if worked else 1.0)


def quote(p: Person, sub_id: int) -> None:
    page = p.get(f"/lab/requests/{sub_id}")
    p.submit(page.form("/quote"), page)  # the catalogue's prices, as shown
    p.ledger.count("parts quoted")


def receive(p: Person, sub_id: int) -> None:
    page = p.get(f"/lab/requests/{sub_id}")
    form = page.form("/receive")
    p.submit(form, page, {n: "完好" for n in (form.names() if form else ()) if
                          n.endswith("-condition")})
    p.ledger.count("samples received")


def results(p: Person, sub_id: int) -> None:
    """Type a result for every empty field, item by item, then send the part to review."""
    path = f"/lab/requests/{sub_id}"
    page = p.get(path)
    for action in [f.action for f in page.forms() if re.search(r"/items/\d+/results$", f.action)]:
        form = page.form(action)
        typed = {}
        for name, value in form.fields if form else ():
            if value:
                continue
            if name.endswith("-value"):
                typed[name] = "12.5"
            elif name.endswith("-text"):
                typed[name] = "符合"
            elif name.endswith("-judged"):
                typed[name] = "pass"
        if typed:
            p.submit(form, page, typed)
            page = p.get(path)
    done = page.form("/do/submit_results")
    if done is not None:
        p.submit(done, page)
        p.ledger.count("results submitted")


def approve_and_issue(p: Person, sub_id: int) -> None:
    path = f"/lab/requests/{sub_id}"
    page = p.get(path)
    p.submit(page.form("/do/approve"), page, button=("and_issue", "1"))
    page = p.get(path)
    number = re.search(r'href="/certificates/\d+\.pdf">([A-Z]+-\d{4}-\d{5})<', page.text)
    with p.ledger.lock:
        p.ledger.issued[sub_id] = number.group(1) if number else ""


STEPS = {"submitted": quote, "confirmed": receive, "sample_received": results,
         "in_progress": results, "in_review": approve_and_issue}


def batch_manager(p: Person, stop: threading.Event) -> None:
    """The metrology institute's manager: issues every approved scale in one batch and
    follows its progress bar."""
    signed_in(p, stop)
    while p.ledger.batch_id is None and not stop.is_set():
        try:
            page = p.get("/lab/batches/new")
            form = page.form(has="sub_id")
            reply = p.submit(form, page)
        except Trouble:  # a broken POST may have queued it: look before trying again
            stop.wait(2.0)
            try:
                found = re.findall(r'href="/lab/batches/(\d+)"', p.get("/lab/batches").text)
            except Trouble:
                continue
            p.ledger.batch_id = int(found[0]) if found else None
            continue
        p.ledger.batch_id = int(re.search(r"/lab/batches/(\d+)", reply.location).group(1))
    while not stop.wait(2.0):  # the batch's page, whose progress bar asks every 2 s
        try:
            json.loads(p.get(f"/lab/batches/{p.ledger.batch_id}/progress").text)
        except Trouble:
            pass


def verifier(p: Person, number: int, stop: threading.Event) -> None:
    """Members of the public, each from an address of their own, checking certificates
    by number and code."""
    rng = random.Random(1000 + number)
    while not stop.is_set():
        with p.ledger.lock:
            known = sorted(p.ledger.to_verify)
        if not known:
            stop.wait(1.0)
            continue
        cert, code = rng.choice(known)
        p.address = f"198.19.{rng.randrange(256)}.{rng.randrange(1, 255)}"
        try:
            page = p.get("/verify?" + urllib.parse.urlencode({"number": cert, "code": code}))
            if cert in page.text and "status-valid" in page.text:
                p.ledger.count("verifications")
            else:
                p.ledger.error("verification", f"{cert}: not shown as valid")
        except Trouble:
            pass
        stop.wait(rng.uniform(0.2, 0.6))


def guarded(ledger: Ledger, name: str, work, *args) -> None:
    """A person's thread: a mistake of the bench itself is kept, not lost."""
    try:
        work(*args)
    except Trouble:
        pass
    except Exception:
        with ledger.lock:
            ledger.faults.append(f"{name}: {traceback.format_exc(limit=4)}")


# -- the checks ---------------------------------------------------------------------------


# Where the desk keeps its files, read back: the one place to change when the desk
# stores them through an interface of its own (object storage).


def stored(name: str, batch: bool = False) -> bytes:
    """The bytes the desk stored under `name`, read through its storage interface (the
    run's bucket): a certificate's PDF, or (`batch`) a batch's ZIP or merged PDF."""
    from core import storage
    return storage.get(storage.key("certificates", "batches", name) if batch
                       else storage.key("certificates", name))


def stored_certificate_names(shared: Shared) -> set[str]:
    """The names under which certificates' PDFs are stored, committed or not."""
    if not shared.s3_endpoint:
        from flask import current_app
        folder = current_app.config.get("CERTIFICATE_FOLDER") or os.path.join(
            current_app.instance_path, "certificates")
        return {n for n in os.listdir(folder) if n.endswith(".pdf")}
    import boto3
    from botocore.config import Config
    client = boto3.client("s3", endpoint_url=shared.s3_endpoint, region_name="us-east-1",
                          aws_access_key_id="bench", aws_secret_access_key="bench",
                          config=Config(s3={"addressing_style": "path"}))
    names = set()
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=shared.s3_bucket,
                                                                 Prefix="certificates/"):
        names.update(o["Key"].split("/", 1)[1] for o in page.get("Contents", [])
                     if o["Key"].count("/") == 1 and o["Key"].endswith(".pdf"))
    return names


def runs_of(numbers: list[int]) -> str:
    """1..n with nothing skipped or repeated, or what is wrong."""
    seen = Counter(numbers)
    repeated = sorted(n for n, k in seen.items() if k > 1)
    skipped = sorted(set(range(1, max(numbers, default=0) + 1)) - set(numbers))
    if not repeated and not skipped:
        return ""
    return f"repeated {repeated[:10]}, skipped {skipped[:10]}"


def check_submissions(ledger: Ledger) -> tuple[list, str]:
    """Each acknowledged submission stored once, with the number the person saw; any
    other submitted request of the load one whose submit broke in flight."""
    from blueprints.service_requests.lifecycle import State
    from blueprints.service_requests.models import ServiceRequest
    from extensions import db

    rows = db.session.execute(db.select(ServiceRequest.id, ServiceRequest.title,
                                        ServiceRequest.number, ServiceRequest.state)
                              .where(ServiceRequest.title.startswith(TITLE))).all()
    stored: dict[str, list] = {}
    for rid, title, number, state in rows:
        if state != State.draft:
            stored.setdefault(title, []).append((rid, number))
    acked = ledger.acknowledged
    lost = [t for t, rid in acked.items() if [r for r, _n in stored.get(t, [])] != [rid]]
    doubled = [t for t, found in stored.items() if len(found) > 1]
    renumbered = [t for t, shown in ledger.numbers.items()
                  if stored.get(t) and stored[t][0][1] != shown]
    unacked = [t for t in stored if t not in acked]
    unexplained = [t for t in unacked if t not in ledger.broken_submits]
    drafts = sum(1 for row in rows if row.state == State.draft)
    figure = (f"acknowledged {len(acked)}, found exactly once {len(acked) - len(lost)}, lost "
              f"{len(lost)}, doubled {len(doubled)}; submitted but never acknowledged "
              f"{len(unacked)} (submits whose connection broke at the kill: "
              f"{len(ledger.broken_submits)}); drafts left {drafts}")
    return [("every acknowledged submission is stored exactly once, with the number shown",
             not lost and not doubled and not renumbered,
             f"lost {lost[:5]}, doubled {doubled[:5]}, number differs {renumbered[:5]}"),
            ("a submission never acknowledged was in flight when its node died",
             not unexplained, f"unexplained {unexplained[:5]}")], figure


def check_numbers(certs: list) -> tuple[list, str]:
    """Request and certificate numbers: 1..n in each series and year, n the counter's."""
    from blueprints.service_requests.models import ServiceRequest
    from core.numbering import NumberSequence
    from extensions import db

    counters = {(s.series, s.year): s.last for s in db.session.scalars(
        db.select(NumberSequence))}
    series: dict[tuple, list[int]] = {}
    for number in db.session.scalars(db.select(ServiceRequest.number)
                                     .where(ServiceRequest.number.is_not(None))):
        year, n = REQUEST_NUMBER.match(number).groups()
        series.setdefault(("request", int(year)), []).append(int(n))
    for cert in certs:
        code, year, n = CERT_NUMBER.match(cert.number).groups()
        series.setdefault((f"cert-{code}", int(year)), []).append(int(n))
    wrong = {f"{s} {y}": runs_of(ns) or f"counter at {counters.get((s, y))}"
             for (s, y), ns in series.items()
             if runs_of(ns) or counters.get((s, y)) != max(ns)}
    figure = ", ".join(f"{s} {y}: 1..{max(ns)}" for (s, y), ns in sorted(series.items()))
    return [("request and certificate numbers run 1..n, nothing skipped or repeated",
             not wrong, str(wrong))], figure


def check_certificates(ledger: Ledger, certs: list) -> tuple[list, str]:
    """Every stored PDF against its SHA-256; every part a signatory issued has the
    certificate the lab's page showed, valid."""
    from blueprints.certificates.models import CertificateStatus

    mismatched, unreadable = [], []
    for cert in certs:
        try:
            if hashlib.sha256(stored(cert.stored_name)).hexdigest() != cert.sha256:
                mismatched.append(cert.number)
        except OSError as err:
            unreadable.append(f"{cert.number} ({type(err).__name__})")
    valid = {c.sub_request_id: c.number for c in certs if c.status == CertificateStatus.valid}
    differ = {sub: n for sub, n in ledger.issued.items() if valid.get(sub) != n}
    labs = Counter(cert.number.split("-")[0] for cert in certs)
    figure = (f"{len(certs)} ({', '.join(f'{k} {v}' for k, v in sorted(labs.items()))}); "
              f"stored PDFs matching their SHA-256: "
              f"{len(certs) - len(mismatched) - len(unreadable)}")
    return [("every certificate's stored PDF matches its SHA-256",
             bool(certs) and not mismatched and not unreadable,
             f"mismatched {mismatched[:5]}, unreadable {unreadable[:5]}"),
            ("each part a signatory issued has the certificate its page showed, valid",
             not differ, f"{differ}")], figure


def check_links(certs: list) -> list:
    """The verification link printed on certificates (and carried by their QR code) is
    on the public address, whether a node behind the proxy or the worker made them: every
    lab-issued one and every tenth of the batch's."""
    from pypdf import PdfReader

    sample = [c for c in certs if not c.number.startswith("JMI-")] + \
        [c for c in certs if c.number.startswith("JMI-")][::10]
    elsewhere = []
    for cert in sample:
        text = "".join("".join(page.extract_text() for page in
                               PdfReader(io.BytesIO(stored(cert.stored_name))).pages).split())
        if f"{PUBLIC_URL}/verify?number={cert.number}" not in text:
            elsewhere.append(cert.number)
    return [(f"certificates link to {PUBLIC_URL}/verify ({len(sample)} read)",
             bool(sample) and not elsewhere, f"not found in {elsewhere[:5]}")]


def orphans(certs: list, names: set[str]) -> int:
    """PDFs written and never committed (a process killed between writing the file and
    committing its row): stored files that no certificate names."""
    return len(names - {c.stored_name for c in certs})


def check_batch(ledger: Ledger, scales: int) -> tuple[list, str]:
    """The batch done, a certificate for each part, and its ZIP holding each of them
    byte for byte (its merged PDF there too)."""
    import zipfile

    from blueprints.certificates.models import BatchState, Certificate, CertificateBatch
    from extensions import db

    name = "the batch issued a certificate for each part; its ZIP holds them byte for byte"
    batch = db.session.get(CertificateBatch, ledger.batch_id) if ledger.batch_id else None
    if batch is None:
        return [(name, False, "no batch was started")], "never started"
    issued = sum(1 for i in batch.items if i.certificate_id and not i.skipped)
    figure = (f"#{batch.id} {batch.state.value}, {batch.done}/{batch.total}, certificates "
              f"{issued} of {len(batch.items)} parts" + (f", error: {batch.error}"
                                                         if batch.error else ""))
    hashes = dict(db.session.execute(
        db.select(Certificate.number, Certificate.sha256).where(Certificate.id.in_(
            [i.certificate_id for i in batch.items if i.certificate_id]))).all())
    try:
        with zipfile.ZipFile(io.BytesIO(stored(batch.zip_name, batch=True))) as archive:
            zipped = {n.removesuffix(".pdf"): hashlib.sha256(archive.read(n)).hexdigest()
                      for n in archive.namelist()}
        merged = stored(batch.merged_name, batch=True).startswith(b"%PDF")
    except (OSError, zipfile.BadZipFile) as err:
        zipped, merged = {}, False
        figure += f"; outputs unreadable ({type(err).__name__})"
    figure += f"; ZIP {len(zipped)} PDFs, merged PDF {'made' if merged else 'missing'}"
    return [(name, batch.state == BatchState.done and merged and zipped == hashes
             and issued == len(batch.items) == batch.total == scales, figure)], figure


def check_takeover(kill, standby: Proc) -> list:
    """The standby holds the lock, said it resumed the batch, and ran the batch job last."""
    from core.job_state import JobState
    from extensions import db

    job = db.session.get(JobState, "certificate-batches")
    return [("the standby worker took the lock, resumed the batch and ran its job",
             kill.took_over is not None and job is not None and job.pid == standby.pid
             and "Resuming 1 batch" in standby.log_text(),
             f"{kill.text}; job certificate-batches last run by pid {job.pid if job else None}")]


def check(app, shared: Shared, ledger: Ledger, facts: dict, kill,
          standby: Proc) -> tuple[list, dict]:
    """(name, passed, detail) of each check on the database, and the figures to print."""
    from blueprints.certificates.models import Certificate
    from extensions import db

    with app.app_context():
        db.session.remove()
        certs = db.session.scalars(db.select(Certificate).order_by(Certificate.id)).all()
        checks, figures = [], {}
        for name, (found, figure) in (("submissions", check_submissions(ledger)),
                                      ("numbers", check_numbers(certs)),
                                      ("certificates", check_certificates(ledger, certs)),
                                      ("batch", check_batch(ledger, facts["scales"]))):
            checks += found
            figures[name] = figure
        checks += check_links(certs) + check_takeover(kill, standby)
        figures["certificates"] += f"; orphan PDFs (written, never committed): "\
                                 f"{orphans(certs, stored_certificate_names(shared))}"
        db.session.remove()
    figures["lab work"] = (f"quoted {ledger.counts['parts quoted']}, quotes accepted "
                           f"{ledger.counts['quotes accepted']}, samples received "
                           f"{ledger.counts['samples received']}, results submitted "
                           f"{ledger.counts['results submitted']}, approved and issued "
                           f"{len(ledger.issued)}")
    return checks, figures


# -- the run ------------------------------------------------------------------------------


@dataclass
class Cluster:
    nodes: list[Proc]
    workers: list[Proc]
    leading: Proc | None = None
    standby: Proc | None = None

    @property
    def procs(self) -> list[Proc]:
        return self.nodes + self.workers


def start_cluster(shared: Shared) -> Cluster:
    """Two app nodes and two workers, started at once (they boot while this process
    prepares the load's data)."""
    return Cluster([start_node(shared, "node-a"), start_node(shared, "node-b")],
                   [start_worker(shared, "worker-a"), start_worker(shared, "worker-b")])


def wait_ready(cluster: Cluster, database: Database) -> None:
    """Until both nodes answer and one worker holds the lock while the other says it
    waits; which one leads is read from pg_locks."""
    for node in cluster.nodes:
        wait_answering(node)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        leader = database.lock_holder()
        others = [w for w in cluster.workers if w.name != leader]
        if leader and all("Standby" in w.log_text() for w in others):
            cluster.leading = next(w for w in cluster.workers if w.name == leader)
            cluster.standby = others[0]
            return
        if not all(w.alive() for w in cluster.workers):
            raise SystemExit("a worker stopped:\n" + "\n".join(
                w.log_text()[-2000:] for w in cluster.workers))
        time.sleep(0.5)
    raise SystemExit("no worker leading and another waiting within 90 s")


def start_load(proxy: Proxy, ledger: Ledger, facts: dict, verifiers: int,
               stop: threading.Event) -> list[threading.Thread]:
    """A thread per person, each from an address of their own (198.18.0.0/15, the
    range kept for benchmarks)."""
    from demo.loader import DEMO_PASSWORD

    def person(n: int, login: str, password: str = DEMO_PASSWORD) -> Person:
        return Person(proxy, ledger, login, f"198.18.{n // 250}.{n % 250 + 1}", login,
                      password)

    work = [(applicant, person(i, sme["login"], PASSWORD), i, sme["service_id"])
            for i, sme in enumerate(facts["smes"], start=1)]
    n = 100
    for people in LAB_PEOPLE.values():
        for login, states in people:
            n += 1
            work.append((lab_person, person(n, login), states))
    work.append((batch_manager, person(200, BATCH_MANAGER)))
    work += [(verifier, Person(proxy, ledger, f"public-{v}", "", ""), v)
             for v in range(verifiers)]
    threads = [threading.Thread(target=guarded, args=(ledger, who.name, fn, who, *rest, stop),
                                daemon=True) for fn, who, *rest in work]
    for thread in threads:
        thread.start()
    return threads


@dataclass
class Kill:
    at: float | None = None            # time.monotonic() of the kill
    took_over: float | None = None     # seconds from the kill to the standby's lead
    text: str = "nothing was killed: the batch was not running during the load"

    def watch(self, cluster: Cluster, database: Database) -> None:
        if self.at is not None and self.took_over is None \
                and database.lock_holder() == cluster.standby.name:
            self.took_over = time.monotonic() - self.at
            self.text += (f"; {cluster.standby.name} (pid {cluster.standby.pid}) took the "
                          f"lock {self.took_over:.1f} s later")
            say(f"{cluster.standby.name} leads, {self.took_over:.1f} s after the kill")


def drive(cluster: Cluster, database: Database, ledger: Ledger, facts: dict, args) -> Kill:
    """The load's time: the kill, the takeover, the vendors' certificates handed to the
    public as the batch issues them, and a line of progress every 10 s."""
    kill = Kill()
    started = last_print = last_fed = time.monotonic()
    node = cluster.nodes[0]
    while (elapsed := time.monotonic() - started) < args.seconds:
        state = database.batch(ledger.batch_id)
        # At --kill-at of the time (or at half the batch, if sooner), once the batch has
        # issued its first certificates, so that the standby resumes a batch half done
        # (at 80 % of the time whatever it has issued).
        if kill.at is None and state and state[0] == "running" and (
                state[1] > 0 or elapsed >= 0.8 * args.seconds) and (
                elapsed >= args.kill_at * args.seconds or state[1] >= state[2] / 2):
            why = (f"{args.kill_at:.0%} of the time" if elapsed >= args.kill_at * args.seconds
                   else "half the batch issued")
            kill_group(node)
            kill_group(cluster.leading)
            kill.at = time.monotonic()
            node.popen.wait()
            cluster.leading.popen.wait()
            kill.text = (f"at t={elapsed:.1f} s ({why}; batch {state[1]}/{state[2]}) SIGKILL "
                         f"to {node.name}'s process group (gunicorn pid {node.pid}) and "
                         f"{cluster.leading.name}'s (the leader, pid {cluster.leading.pid})")
            say(kill.text)
        kill.watch(cluster, database)
        now = time.monotonic()
        if now - last_fed >= 2:
            last_fed = now
            issued = database.certificates_of(facts["lab_ids"]["JMI"])
            with ledger.lock:
                ledger.to_verify.update(issued)
        if now - last_print >= 10:
            last_print = now
            with ledger.lock:
                say(f"t={elapsed:4.0f} s: {ledger.counts['requests']} requests, "
                    f"{sum(ledger.errors.values())} errors, {len(ledger.acknowledged)} "
                    f"submissions acknowledged, {len(ledger.issued)} parts issued, "
                    f"{ledger.counts['verifications']} verifications, batch "
                    + (f"{state[1]}/{state[2]} {state[0]}" if state else "not started"))
        time.sleep(0.5)
    return kill


def wait_for_batch(cluster: Cluster, database: Database, ledger: Ledger, kill: Kill,
                   seconds: int) -> float:
    """Until the batch is done or failed, at most `seconds`; how long it took."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        kill.watch(cluster, database)
        state = database.batch(ledger.batch_id)
        if state is None or state[0] in ("done", "failed"):
            break
        time.sleep(1)
    return time.monotonic() - started


def report(cluster: Cluster, ledger: Ledger, checks: list, figures: dict, kill: Kill,
           shared: Shared, s3, title: str) -> bool:
    """Print the figures and each check; True when every check passed."""
    node = cluster.nodes[0]
    at_kill = sum(1 for t, base in ledger.broken_at
                  if kill.at and base == node.base and abs(t - kill.at) <= 5)
    errors = sum(ledger.errors.values())
    checks.append(("no person saw an error but for requests in flight on the killed node",
                   errors == at_kill and not ledger.faults,
                   "; ".join(ledger.examples[:8]) + "".join(ledger.faults[:2])))
    checks.append(("verifications saw valid certificates",
                   ledger.counts["verifications"] > 0 and not ledger.errors["verification"],
                   f"{ledger.counts['verifications']} valid, "
                   f"{ledger.errors['verification']} not"))
    gone = [p.name for p in (cluster.nodes[1], cluster.standby) if not p.alive()]
    checks.append(("the surviving node and the standby are still running", not gone,
                   f"stopped: {gone}"))
    sent = ledger.counts["requests"]
    lines = [
        ("client requests", f"{sent} ({ledger.counts['GET']} GET, {ledger.counts['POST']} "
                            f"POST); errors {errors} ({100 * errors / max(sent, 1):.2f} %): "
                            f"{dict(ledger.errors) or 'none'}, of which in flight on the "
                            f"killed node {at_kill}"),
        ("failovers", f"{ledger.counts['failovers']} (refused, or a GET broken: sent to the "
                      "other node by the proxy, not seen by the person)"),
        ("submissions", figures["submissions"]),
        ("lab work", figures["lab work"]),
        ("certificates", figures["certificates"]),
        ("numbers", figures["numbers"]),
        ("batch", figures.get("batch", "never started")),
        ("verifications", f"{ledger.counts['verifications']} valid, "
                          f"{ledger.errors['verification']} not"),
        ("killed", kill.text),
        ("server logs", ", ".join(f"{p.name} {p.log_text().count('Traceback')} tracebacks"
                                  for p in cluster.procs)),
    ]
    if s3 is not None:
        lines.append(("S3", f"{s3_objects(shared)} objects in {shared.s3_bucket}"))
    say(f"\n== {title}")
    for name, text in lines:
        say(f"{name:16} {text}")
    say("")
    for name, ok, detail in checks:
        say(f"{'PASS' if ok else 'FAIL'}  {name}" + ("" if ok else f"\n      {detail}"))
    passed = all(ok for _name, ok, _detail in checks)
    if not passed:
        for proc in cluster.procs:
            if "Traceback" in proc.log_text():
                say(f"\n-- the end of {proc.name}'s log:\n{proc.log_text()[-3000:]}")
    return passed


def _lines(proc: Proc, starts: tuple[str, ...]) -> str:
    return " | ".join(line.strip() for line in proc.log_text().splitlines()
                      if line.startswith(starts)) or "(nothing)"


def clean_up(shared: Shared, cluster: Cluster | None, database: Database | None, app, s3,
             created: bool) -> None:
    """Every process group, the database, Redis's keys, the S3 server, the folder."""
    for proc in cluster.procs if cluster else []:
        stop(proc)
    if database is not None:
        database.engine.dispose()
    if app is not None:
        from extensions import db
        with app.app_context():
            db.engine.dispose()
    left = []
    if created:
        try:
            drop_database(shared)
        except Exception as err:
            left.append(f"database {shared.database} ({err})")
    flushed = clean_redis(shared)
    if s3 is not None:
        s3.stop()
    shutil.rmtree(shared.folder, ignore_errors=True)
    say(f"cleaned up: {len(cluster.procs) if cluster else 0} process groups stopped, "
        f"database {shared.database} " + ("dropped" if created else "not made")
        + (f", Redis db {shared.redis_db} flushed ({flushed} keys)" if shared.redis_url else "")
        + (", S3 server stopped" if s3 is not None else "") + ", temporary folder removed"
        + (f"; LEFT: {left}" if left else ""))


class OutOfTime(SystemExit):
    pass


def _out_of_time(signum, frame):
    raise OutOfTime("bench/cluster.py: out of time (--limit-minutes); cleaning up")


def _terminated(signum, frame):
    raise SystemExit("bench/cluster.py: terminated; cleaning up")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=90, help="how long the load runs")
    parser.add_argument("--kill-at", type=float, default=0.4,
                        help="when to kill a node and the leading worker, as a share of "
                             "--seconds (sooner if half the batch is issued before)")
    parser.add_argument("--smes", type=int, default=8, help="enterprises submitting")
    parser.add_argument("--verifiers", type=int, default=3, help="public verifying threads")
    parser.add_argument("--batch", type=int, default=150, help="scales in the batch")
    parser.add_argument("--batch-wait", type=int, default=240,
                        help="seconds to wait for the batch after the load")
    parser.add_argument("--no-rate-limits", action="store_true",
                        help="turn the desk's rate limits off (QIDESK_RATELIMIT_ENABLED=false)")
    parser.add_argument("--database", default="qidesk_cluster",
                        help="the PostgreSQL database to create (and drop)")
    parser.add_argument("--limit-minutes", type=int, default=10,
                        help="stop (and clean up) after this long")
    args = parser.parse_args()
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", args.database):
        parser.error("--database: lower-case letters, digits and _ only")
    signal.signal(signal.SIGALRM, _out_of_time)
    signal.signal(signal.SIGTERM, _terminated)
    signal.alarm(args.limit_minutes * 60)
    started = time.monotonic()
    shared = Shared(tempfile.mkdtemp(prefix="qidesk-cluster-"), args.database, server_url(),
                    rate_limits=not args.no_rate_limits)
    cluster = database = app = s3 = None
    created = passed = False
    try:
        create_database(shared)
        created = True
        no_redis = start_redis(shared)
        s3 = start_s3(shared)
        no_s3, s3 = (s3, None) if isinstance(s3, str) else ("", s3)
        os.environ["QIDESK_INSTANCE_PATH"] = shared.instance  # this process's desk too
        say(f"database {shared.database} on {shared.server_url.host}; instance folder "
            f"{shared.instance}")
        say("shared services: " + (f"Redis {shared.redis_url} ("
                                   "QIDESK_REDIS_URL)" if shared.redis_url else no_redis)
            + "; " + (f"S3 (moto) {shared.s3_endpoint}, bucket {shared.s3_bucket} "
                      "(QIDESK_STORAGE_BACKEND=s3, QIDESK_S3_*)" if s3 else no_s3))
        say("rate limits: " + ("on, as deployed; every person comes from an address of "
                               "their own (X-Forwarded-For, one proxy hop) and every "
                               "verification from another, so no limit is reached; a 429 "
                               "would count as an error" if shared.rate_limits else
                               "OFF (--no-rate-limits: QIDESK_RATELIMIT_ENABLED=false)"))

        t = time.monotonic()
        setup = subprocess.run([os.path.join(VENV_BIN, "flask"), "setup", "--demo"], cwd=ROOT,
                               env=node_env(shared, "setup"), capture_output=True, text=True)
        if setup.returncode:
            raise SystemExit(f"flask setup --demo failed:\n{setup.stdout}\n{setup.stderr}")
        demo_seconds = time.monotonic() - t
        cluster = start_cluster(shared)
        app = desk(shared.database_url("qidesk-bench"), PUBLIC_URL=PUBLIC_URL,
                   SECRET_KEY=shared.secret_key, **storage_settings(shared))
        with app.app_context():
            facts = prepare(app, args.smes, args.batch)
        say(f"set up: the demo loaded by flask setup --demo in {demo_seconds:.0f} s; "
            f"{args.smes} enterprises and {facts['scales']} approved scales at JMI made in "
            f"{time.monotonic() - t - demo_seconds:.0f} s")
        database = Database(shared.database_url("qidesk-bench-monitor"))
        wait_ready(cluster, database)
        say(f"started in {time.monotonic() - t - demo_seconds:.0f} s: " + ", ".join(
            f"{n.name} {n.base} (pid {n.pid})" for n in cluster.nodes)
            + f"; {cluster.leading.name} leads (pid {cluster.leading.pid}, holds the "
            f"advisory lock), {cluster.standby.name} waits (pid {cluster.standby.pid})")

        ledger, stop_load = Ledger(), threading.Event()
        threads = start_load(Proxy(cluster.nodes), ledger, facts, args.verifiers, stop_load)
        say(f"load: {args.smes} enterprises, {sum(len(p) for p in LAB_PEOPLE.values())} "
            f"lab people at NTC and FTC, the JMI manager's batch, {args.verifiers} verifying "
            f"threads, {args.seconds} s over both nodes")
        load_started = time.monotonic()
        kill = drive(cluster, database, ledger, facts, args)
        stop_load.set()
        joined_by = time.monotonic() + TIMEOUT + 10  # each finishes the step in hand
        for thread in threads:
            thread.join(max(0.0, joined_by - time.monotonic()))
        say(f"load stopped at t={time.monotonic() - load_started:.0f} s; waiting for the "
            f"batch (at most {args.batch_wait} s)")
        wait_for_batch(cluster, database, ledger, kill, args.batch_wait)
        batch_seconds = time.monotonic() - load_started

        checks, figures = check(app, shared, ledger, facts, kill, cluster.standby)
        figures["batch"] = figures.get("batch", "never started") + \
            f"; over at t={batch_seconds:.0f} s"
        passed = report(cluster, ledger, checks, figures, kill, shared, s3,
                        f"QI Desk on two app nodes and two workers, one PostgreSQL database: "
                        f"{args.seconds} s of load, {time.monotonic() - started:.0f} s in all")
        say(f"workers' logs: {cluster.leading.name}: "
            f"{_lines(cluster.leading, ('Leader', 'Standby', 'Resum'))}; "
            f"{cluster.standby.name}: {_lines(cluster.standby, ('Leader', 'Standby', 'Resum'))}")
    except KeyboardInterrupt:
        say("bench/cluster.py: interrupted; cleaning up")
    finally:
        signal.alarm(0)
        # Cleaning up is not to be cut short by a second Ctrl-C or a TERM.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        clean_up(shared, cluster, database, app, s3, created)
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
