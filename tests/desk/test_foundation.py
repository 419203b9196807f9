"""Configuration, storage and health."""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from app import create_app, load_or_create_secret_key
from blueprints.labs.models import Lab
from core.links import PublicUrlError
from extensions import db
from tests.conftest import PUBLIC_URL, ROOT


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path):
    first = load_or_create_secret_key(str(tmp_path))
    second = load_or_create_secret_key(str(tmp_path))
    assert first == second and len(first) == 64
    path = tmp_path / "secret_key"
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_app_without_test_config_uses_instance_key_not_a_constant(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite:///" + str(tmp_path / "x.db"))
    monkeypatch.setenv("QIDESK_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.delenv("QIDESK_SECRET_KEY", raising=False)
    monkeypatch.setenv("QIDESK_PUBLIC_URL", PUBLIC_URL)
    app = create_app()
    assert app.instance_path == str(tmp_path / "instance")
    key_file = os.path.join(app.instance_path, "secret_key")
    with open(key_file) as fh:
        assert app.config["SECRET_KEY"] == fh.read().strip()
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("x.db")


def test_postgres_urls_use_psycopg3(monkeypatch, tmp_path):
    monkeypatch.setenv("QIDESK_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", "postgres://u@127.0.0.1:5432/d")
    monkeypatch.setenv("QIDESK_PUBLIC_URL", PUBLIC_URL)
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@127.0.0.1:5432/d"


def test_the_desk_does_not_start_without_its_public_address(monkeypatch, tmp_path):
    """Certificates print their QR code once and for all, so the web processes and the
    worker refuse to start until they know the address people reach the desk at."""
    monkeypatch.setenv("QIDESK_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", "sqlite:///" + str(tmp_path / "x.db"))
    monkeypatch.delenv("QIDESK_PUBLIC_URL", raising=False)
    with pytest.raises(PublicUrlError, match="QIDESK_PUBLIC_URL is not set"):
        create_app()
    for wrong in ("qidesk.jinjiang.gov.cn", "ftp://qidesk.example", "https://", "https://x.cn/?a=1"):
        monkeypatch.setenv("QIDESK_PUBLIC_URL", wrong)
        with pytest.raises(PublicUrlError, match="must be an http or https address"):
            create_app()
    monkeypatch.setenv("QIDESK_PUBLIC_URL", "https://qidesk.jinjiang.gov.cn/desk/")
    assert create_app().config["PUBLIC_URL"] == "https://qidesk.jinjiang.gov.cn/desk"


def test_the_worker_says_why_it_does_not_start(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "QIDESK_PUBLIC_URL"}
    env.update(FLASK_APP="app", QIDESK_INSTANCE_PATH=str(tmp_path),
               DATABASE_URL="sqlite:///" + str(tmp_path / "x.db"))
    done = subprocess.run([sys.executable, "-m", "flask", "worker"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "QIDESK_PUBLIC_URL is not set" in done.stderr


def test_links_are_built_on_the_public_address_not_the_requests_host(app):
    from core.links import public_url
    with app.test_request_context("/", base_url="http://evil.example"):
        assert public_url("certificates.verify", number="A-1", code="x y") == \
            f"{PUBLIC_URL}/verify?number=A-1&code=x+y"
    with app.app_context():  # the worker's case: no request at all
        assert public_url("tasks.index") == f"{PUBLIC_URL}/tasks"


def test_no_link_is_built_on_the_requests_host():
    """url_for(..., _external=True) takes the request's Host (or localhost in the
    worker): every absolute link goes through core.links.public_url instead."""
    offenders = [str(path.relative_to(ROOT))
                 for folder, pattern in (("blueprints", "*.py"), ("core", "*.py"),
                                         ("demo", "*.py"), ("templates", "*.html"))
                 for path in Path(ROOT, folder).rglob(pattern)
                 if re.search(r"\b_external=True", path.read_text())]
    assert not offenders


def test_healthz(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.json == {"status": "ok", "database": "ok"}


def test_healthz_reports_a_dead_database(app_factory, tmp_path):
    app = app_factory(SQLALCHEMY_DATABASE_URI="sqlite:///" + str(tmp_path / "no" / "such.db"))
    resp = app.test_client().get("/healthz")
    assert resp.status_code == 503
    assert resp.json["status"] == "unavailable"


def test_sqlite_runs_in_wal_mode_with_foreign_keys(app):
    if db.engine.dialect.name != "sqlite":
        return
    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_migrations_match_the_models(app):
    """The schema built by the migrations is exactly what the models describe."""
    from blueprints.standards.search import not_the_index
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": not_the_index})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_session_cookie_is_httponly_and_samesite(client, users):
    from core.roles import Role
    resp = client.post("/login", data={"login": users[Role.sme].email,
                                       "password": "factory-pass-1"})
    set_cookie = "; ".join(resp.headers.getlist("Set-Cookie"))
    assert "session=" in set_cookie
    assert "HttpOnly" in set_cookie
    assert "SameSite=Lax" in set_cookie


def test_friendly_404_page(client):
    resp = client.get("/no/such/page")
    assert resp.status_code == 404
    assert "页面不存在" in resp.get_data(as_text=True)


def test_an_unexpected_error_shows_a_friendly_500_and_saves_nothing(app_factory):
    app = app_factory()

    @app.route("/boom")  # a route that fails halfway through a change
    def boom():
        db.session.add(Lab(code="HALF", name_zh="半", name_en="Half", address="x"))
        db.session.flush()
        raise RuntimeError("unexpected")

    resp = app.test_client().get("/boom")
    assert resp.status_code == 500
    page = resp.get_data(as_text=True)
    assert "系统出错" in page and "所有内容均未保存" in page
    assert "RuntimeError" not in page
    with app.app_context():
        assert db.session.scalar(db.select(Lab).filter_by(code="HALF")) is None


def test_json_errors_under_the_api_prefix(client):
    resp = client.get("/api/v1/nothing")
    assert resp.status_code == 404
    assert resp.json["error"]
