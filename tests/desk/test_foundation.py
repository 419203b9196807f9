"""Configuration, storage and health."""
import os

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from app import create_app, load_or_create_secret_key
from blueprints.labs.models import Lab
from extensions import db


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
    app = create_app()
    assert app.instance_path == str(tmp_path / "instance")
    key_file = os.path.join(app.instance_path, "secret_key")
    with open(key_file) as fh:
        assert app.config["SECRET_KEY"] == fh.read().strip()
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("x.db")


def test_postgres_urls_use_psycopg3(monkeypatch, tmp_path):
    monkeypatch.setenv("QIDESK_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", "postgres://u@127.0.0.1:5432/d")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@127.0.0.1:5432/d"


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
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
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
