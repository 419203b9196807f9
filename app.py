"""QI Desk: create_app() reads as a list of what the desk is made of."""
import gc
import os
import secrets
import sqlite3

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

import models  # noqa: F401  (every model, so migrations and relationships see them)
from backup.commands import backup_command, restore_command
from blueprints.registry import BLUEPRINTS
from config import DefaultConfig
from core import errors, security, shared_state, storage, templating
from core.converters import IdConverter
from core.i18n import install_template_gettext, select_locale
from core.links import check_public_url
from demo.commands import demo_cli, setup_command
from extensions import babel, csrf, db, limiter, login_manager, migrate
from jobs import JOBS, worker_command


def create_app(test_config: dict | None = None) -> Flask:
    # QIDESK_INSTANCE_PATH puts config, keys and the SQLite file elsewhere (tests, deployments).
    app = Flask(__name__, instance_relative_config=True,
                instance_path=os.environ.get("QIDESK_INSTANCE_PATH") or None)
    app.config.from_object(DefaultConfig)
    os.makedirs(app.instance_path, exist_ok=True)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("QIDESK")
        if os.environ.get("DATABASE_URL"):
            app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    else:
        app.config.from_mapping(test_config)
    configure_database_uri(app)
    # Before the limiter is bound: with REDIS_URL the nodes count in one Redis.
    shared_state.configure(app)
    # Checked before anything is served or issued: an issued PDF's QR code never changes.
    app.config["PUBLIC_URL"] = check_public_url(
        app.config.get("PUBLIC_URL"), required=not (app.debug or app.testing)) \
        or "http://localhost"
    # Wrapped first, so that ProxyFix (outside it) has applied X-Forwarded-Host before
    # the host check runs.
    security.configure(app)
    if app.config["PROXY_HOPS"]:
        hops = int(app.config["PROXY_HOPS"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_or_create_secret_key(app.instance_path)

    register_extensions(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_template_helpers(app)
    register_commands(app)
    if not app.testing:
        # What start-up built (modules, models, templates, catalogues) lives as long as
        # the process: kept out of the collector's sight, a full collection walks only
        # what requests made. Measured under gunicorn: pauses of 150 ms every few
        # hundred requests become 20 ms (the p99 of every page). Tests make an app each.
        gc.freeze()
    return app


def configure_database_uri(app: Flask) -> None:
    uri = app.config.get("SQLALCHEMY_DATABASE_URI") or (
        "sqlite:///" + os.path.join(app.instance_path, "qidesk.db"))
    # We ship psycopg 3; plain postgres:// URLs (as hosting platforms hand them out)
    # would otherwise ask for psycopg2.
    for prefix in ("postgres://", "postgresql://"):
        if uri.startswith(prefix):
            uri = "postgresql+psycopg://" + uri[len(prefix):]
    app.config["SQLALCHEMY_DATABASE_URI"] = uri


def load_or_create_secret_key(instance_path: str) -> str:
    """Read instance/secret_key, creating it with a random key on first start.
    O_EXCL makes concurrent first starts (several workers) agree on one key."""
    path = os.path.join(instance_path, "secret_key")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        with open(path) as fh:
            key = fh.read().strip()
        if key:
            return key
        raise RuntimeError(f"{path} is empty; delete it to have a new key generated") from None
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w") as fh:
        fh.write(key + "\n")
    return key


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    if isinstance(dbapi_connection, sqlite3.Connection):
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=5000")
        cur.close()


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True,
                     directory=os.path.join(os.path.dirname(__file__), "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    install_template_gettext(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    storage.init_app(app)


def register_blueprints(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter

    for bp, prefix in BLUEPRINTS:
        app.register_blueprint(bp, url_prefix=prefix)


def register_error_handlers(app: Flask) -> None:
    errors.register(app)


def register_template_helpers(app: Flask) -> None:
    templating.register(app)


def register_commands(app: Flask) -> None:
    # The administrators' jobs page lists them from here, so no area imports jobs.py.
    app.extensions["qidesk.jobs"] = JOBS
    app.cli.add_command(demo_cli)
    app.cli.add_command(setup_command)
    app.cli.add_command(worker_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
