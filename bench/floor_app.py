"""The floor to compare pages with: a bare Flask page doing one indexed query on
the same database, served the same way (gunicorn, same worker count).

FLOOR_DATABASE_URL names the database (any SQLAlchemy URL); without it a small
SQLite file of its own is used."""
import os

from flask import Flask
from sqlalchemy import create_engine, text

FALLBACK = "sqlite:////tmp/qidesk-floor.db"


def create_app() -> Flask:
    url = os.environ.get("FLOOR_DATABASE_URL") or FALLBACK
    engine = create_engine(url)
    if url == FALLBACK:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE IF NOT EXISTS item (id INTEGER PRIMARY KEY, "
                              "code TEXT UNIQUE)"))
            conn.execute(text("INSERT OR IGNORE INTO item (id, code) VALUES (500, 'C500')"))
    query = text(os.environ.get("FLOOR_QUERY", "SELECT code FROM item WHERE code = 'C500'"))
    app = Flask(__name__)

    @app.route("/item")
    def item():
        with engine.connect() as conn:
            value = conn.execute(query).scalar()
        return f"<p>{value}</p>"

    return app
