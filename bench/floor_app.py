"""The floor to compare pages with: a bare Flask page doing one indexed SQLite
query, served the same way (gunicorn, same worker count)."""
import os
import sqlite3

from flask import Flask

DB = os.environ.get("FLOOR_DB", "/tmp/qidesk-floor.db")


def create_app() -> Flask:
    with sqlite3.connect(DB) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS item (id INTEGER PRIMARY KEY, code TEXT UNIQUE)")
        conn.executemany("INSERT OR IGNORE INTO item (code) VALUES (?)",
                         [(f"C{i}",) for i in range(1000)])
    app = Flask(__name__)

    @app.route("/item")
    def item():
        conn = sqlite3.connect(DB)
        row = conn.execute("SELECT id, code FROM item WHERE code = ?", ("C500",)).fetchone()
        conn.close()
        return f"<p>{row[1]}</p>"

    return app
