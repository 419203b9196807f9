"""Fixtures: an app on a migrated database (SQLite by default, PostgreSQL when
QIDESK_TEST_DB=postgresql and TEST_DATABASE_URL is set), a client, and sign-in."""
import gc
import logging
import os
import re
import uuid
import warnings
from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, event, text

from blueprints.audit.models import APPEND_ONLY_SQL, DROP_APPEND_ONLY_SQL
from extensions import db
from tests import factories

TEST_SECRET = "tests-only-secret-key"
# The desk's public address in tests: not the test client's host (desk.test), so a
# link built on the request's host, or on localhost, cannot pass for a right one.
PUBLIC_URL = "https://qidesk.jinjiang.example"
# The Redis the shared-state tests (marked `redis`) use; each test keeps to a prefix
# of its own there, so test processes and runs never see each other's keys.
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def create_app(config: dict):
    # Imported when a test first needs the app, so tests/unit runs without it.
    from app import create_app as factory
    return factory(config)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def pytest_sessionstart(session):
    """Compile the translations, as the README's commands do, so a bare
    `pytest` tests the same pages people see."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    folder = os.path.join(ROOT, "translations")
    for lang in os.listdir(folder):
        po = os.path.join(folder, lang, "LC_MESSAGES", "messages.po")
        if not os.path.exists(po):
            continue
        mo = po[:-3] + ".mo"
        if not os.path.exists(mo) or os.path.getmtime(mo) < os.path.getmtime(po):
            with open(po, "rb") as src:
                catalog = read_po(src, locale=lang)
            tmp = f"{mo}.{os.getpid()}.tmp"
            with open(tmp, "wb") as dst:
                write_mo(dst, catalog)
            os.replace(tmp, mo)


def _postgres_url(worker: str) -> str | None:
    if os.environ.get("QIDESK_TEST_DB") != "postgresql":
        return None
    base = os.environ["TEST_DATABASE_URL"]
    base = re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", base)
    schema = f"qidesk_test_{worker}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(scope="session")
def database_uri(tmp_path_factory, worker_id):
    """One migrated database per test process, built by the real migrations."""
    uri = _postgres_url(worker_id) or "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")
    app = create_app({"TESTING": True, "SECRET_KEY": TEST_SECRET, "SQLALCHEMY_DATABASE_URI": uri})
    with app.app_context():
        from flask_migrate import upgrade
        upgrade()
        db.engine.dispose()
    return uri


@pytest.fixture(scope="session")
def worker_id(request):
    return getattr(request.config, "workerinput", {}).get("workerid", "main")


@pytest.fixture(scope="session")
def signing_folder(tmp_path_factory):
    """One signing pair for the whole run, generated as on a desk's first start."""
    from blueprints.certificates.signing import ensure_signing_pair
    folder = str(tmp_path_factory.mktemp("signing"))
    ensure_signing_pair(folder)
    return folder


def make_config(database_uri, tmp_path, **overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "SQLALCHEMY_DATABASE_URI": database_uri,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": "desk.test",
        "ALLOWED_HOSTS": ("desk.test", "localhost", "127.0.0.1"),
        "PUBLIC_URL": PUBLIC_URL,
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "CERTIFICATE_FOLDER": str(tmp_path / "certificates"),
        "DOSSIER_FOLDER": str(tmp_path / "dossiers"),
    }
    config.update(overrides)
    return config


def _empty_tables():
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(t.name for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        # The audit log refuses DELETE (its triggers): lift them, clear, put them back.
        for statement in DROP_APPEND_ONLY_SQL["sqlite"]:
            db.session.execute(text(statement))
        for t in tables:
            db.session.execute(t.delete())
        for statement in APPEND_ONLY_SQL["sqlite"]:
            db.session.execute(text(statement))
    db.session.commit()


@pytest.fixture(scope="session")
def s3_server():
    """An S3-compatible server (moto's) over real HTTP on 127.0.0.1, one a test process:
    its address."""
    from moto.server import ThreadedMotoServer
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line a request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def s3_client(settings: dict):
    """A boto3 client of the bucket in `settings`, made as the desk makes its own: for
    tests to look into the bucket, or change what is in it, behind the desk's back."""
    import boto3

    from core.s3_storage import CLIENT_CONFIG
    return boto3.session.Session().client(
        "s3", endpoint_url=settings["S3_ENDPOINT_URL"], region_name=settings["S3_REGION"],
        aws_access_key_id=settings["S3_ACCESS_KEY"],
        aws_secret_access_key=settings["S3_SECRET_KEY"], config=CLIENT_CONFIG)


@pytest.fixture
def s3_bucket(s3_server):
    """A new, empty bucket on the test server, and the settings that keep a desk's
    documents in it."""
    settings = {"STORAGE_BACKEND": "s3", "S3_BUCKET": f"qidesk-{uuid.uuid4().hex}",
                "S3_ENDPOINT_URL": s3_server, "S3_REGION": "us-east-1",
                "S3_ACCESS_KEY": "test-key", "S3_SECRET_KEY": "test-secret"}
    s3_client(settings).create_bucket(Bucket=settings["S3_BUCKET"])
    return settings


@pytest.fixture
def storage_config():
    """Where the app keeps its documents: the instance folders (make_config's), unless a
    test module overrides this fixture (with s3_bucket's settings, say)."""
    return {}


@pytest.fixture
def app_factory(database_uri, tmp_path, signing_folder, storage_config):
    """Build an app with config overrides; every table is emptied afterwards."""
    made = []

    def build(**overrides):
        app = create_app(make_config(database_uri, tmp_path,
                                     **{"SIGNING_FOLDER": signing_folder, **storage_config,
                                        **overrides}))
        made.append(app)
        return app

    yield build
    # A connection some test left for the garbage collector is collected here, in
    # its own test's teardown, rather than warned about in whichever later test the
    # collector happens to run (warnings are errors in this suite).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()
    for made_app in made:
        with made_app.app_context():
            db.session.remove()
            db.engine.dispose()
    cleaner = create_app(make_config(database_uri, tmp_path))
    with cleaner.app_context():
        _empty_tables()
        db.engine.dispose()


def _forget_request_state():
    # The fixture keeps one app context open for the test's own database work, so
    # requests share its `g`; a real server gives each request a fresh one. Drop
    # what Flask-Login and Flask-Babel cache there so each request starts clean.
    from flask import g
    for name in ("_login_user", "_flask_babel", "_qidesk_translations", "clinic_expert"):
        g.pop(name, None)


@pytest.fixture
def shared_redis(worker_id):
    """Redis for the nodes of one test: its URL, a key prefix of the test's own and a
    client; the prefix's keys are deleted afterwards. Fails, never skips, when Redis
    cannot be reached: CI has one (deselect with -m "not redis" where none is)."""
    import redis
    client = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as err:
        pytest.fail(f"Redis is not reachable at {TEST_REDIS_URL} ({err}). The shared-state "
                    "tests need one: start it, point TEST_REDIS_URL at one, or deselect "
                    "them with -m 'not redis'.", pytrace=False)
    prefix = f"qidesk-test:{worker_id}:{uuid.uuid4().hex[:12]}:"
    yield SimpleNamespace(url=TEST_REDIS_URL, prefix=prefix, client=client,
                          keys=lambda: sorted(k.decode() for k in
                                              client.scan_iter(match=prefix + "*")))
    for key in client.scan_iter(match=prefix + "*"):
        client.delete(key)
    client.close()


@pytest.fixture
def app(app_factory):
    app = app_factory()
    app.before_request(_forget_request_state)
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def login(client):
    """Sign a user in through the real login form."""
    def do(user, password=factories.PASSWORD):
        client.post("/logout")
        resp = client.post("/login", data={"login": user.login_name, "password": password})
        assert resp.status_code == 302, resp.get_data(as_text=True)
        return user
    return do


@pytest.fixture
def count_queries(app):
    """Counts SQL statements sent while the returned context is active."""
    class Counter:
        def __init__(self):
            self.statements = []

        def __enter__(self):
            event.listen(db.engine, "before_cursor_execute", self._hit)
            return self

        def __exit__(self, *exc):
            event.remove(db.engine, "before_cursor_execute", self._hit)

        def _hit(self, conn, cursor, statement, *args):
            self.statements.append(statement)

        @property
        def count(self):
            return len(self.statements)

    return Counter


@pytest.fixture
def dummy_lab(app):
    return factories.create_lab()


@pytest.fixture
def dummy_service(app, dummy_lab):
    return factories.create_service(labs=[dummy_lab])


@pytest.fixture
def dummy_enterprise(app):
    return factories.create_enterprise()


@pytest.fixture
def users(app, dummy_lab, dummy_enterprise):
    """One user of each role: the SME belongs to dummy_enterprise, lab staff to dummy_lab."""
    from core.roles import Role
    return {
        Role.admin: factories.create_user(Role.admin),
        Role.sme: factories.create_user(Role.sme, enterprise=dummy_enterprise),
        Role.citizen: factories.create_user(Role.citizen),
        Role.lab_staff: factories.create_user(Role.lab_staff, lab=dummy_lab),
        Role.lab_manager: factories.create_user(Role.lab_manager, lab=dummy_lab),
        Role.expert: factories.create_user(Role.expert),
    }


@pytest.fixture
def two_labs(app):
    """Two labs, each the only one offering its service, with their managers."""
    from core.roles import Role
    fabric_lab = factories.create_lab(code="NTC1", name_zh="纺织中心")
    food_lab = factories.create_lab(code="FTC1", name_zh="食品中心")
    fabric = factories.create_service(labs=[fabric_lab], name_en="Formaldehyde",
                                      price_cents=15000, turnaround_days=5)
    food = factories.create_service(labs=[food_lab], name_en="Lead in food", price_cents=20000,
                                    turnaround_days=3)
    staff = {
        "ntc_manager": factories.create_user(Role.lab_manager, lab=fabric_lab),
        "ntc_manager2": factories.create_user(Role.lab_manager, lab=fabric_lab),
        "ntc_analyst": factories.create_user(Role.lab_staff, lab=fabric_lab),
        "ftc_manager": factories.create_user(Role.lab_manager, lab=food_lab),
        "ftc_manager2": factories.create_user(Role.lab_manager, lab=food_lab),
    }
    return {"fabric_lab": fabric_lab, "food_lab": food_lab, "fabric": fabric, "food": food,
            **staff}


TRACEABILITY = "E2 级砝码，证书号 JJ2026-0815，福建省计量科学研究院校准 traceable to NIM"


@pytest.fixture
def metrology(app):
    """A metrology lab with its signing manager, a calibration service (uncertainty,
    traceability) and a trade-scale verification service."""
    from blueprints.catalogue.kinds import LimitKind, ServiceKind
    from blueprints.catalogue.models import Capability, ServiceParameter
    from core.roles import Role
    lab = factories.create_lab(code="JMI1", name_zh="晋江市计量所")
    manager = factories.create_user(Role.lab_manager, lab=lab, name="陈建华",
                                    job_title="授权签字人")
    calibration = factories.create_service(labs=[lab], kind=ServiceKind.calibration,
                                           name_zh="电子天平校准", name_en="Balance calibration",
                                           method_standard="JJF 1847-2020", parameters=[
        ServiceParameter(position=1, name_zh="示值误差", name_en="Error of indication",
                         unit="mg", limit_kind=LimitKind.none, has_uncertainty=True)])
    db.session.scalar(db.select(Capability).filter_by(service_id=calibration.id)) \
        .traceability = TRACEABILITY
    verification = factories.create_service(labs=[lab], kind=ServiceKind.verification,
                                            name_zh="电子秤检定", name_en="Scale verification",
                                            code="MT-001",  # the desk's SCALE_SERVICE_CODE
                                            method_standard="JJG 539-2016", price_cents=0,
                                            parameters=[
        ServiceParameter(position=1, name_zh="称量误差", name_en="Weighing error", unit="g",
                         limit_kind=LimitKind.range, limit_min=-5, limit_max=5)])
    db.session.commit()
    return {"lab": lab, "manager": manager, "calibration": calibration,
            "verification": verification}
