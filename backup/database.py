"""The database into and out of a backup.

SQLite: SQLite's online backup API copies the live database page by page under one read
lock, so the copy is consistent whatever the desk writes meanwhile (the file as it lies
may be mid-transaction, its latest pages still in the WAL). Restoring runs the same
API the other way, into the configured file.

PostgreSQL: pg_dump's custom format of the desk's schema (the first schema of the
connection's search_path: `public` unless the URL says otherwise), taken in one snapshot.
Restoring builds the archive's schema aside and swaps it in: the present schema is
renamed out of the way, pg_restore fills a new one in a single transaction, and only
then is the old one dropped (or renamed back when pg_restore failed). Dropping a schema
deletes no row one by one, so the audit log's append-only triggers never fire; the
restored tables get theirs back from the dump, after their rows."""
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from core.timeutil import utcnow

MEMBER = {"sqlite": "database/qidesk.sqlite3", "postgresql": "database/qidesk.pgdump"}


class DatabaseRefused(Exception):
    """The database cannot be backed up or restored as asked; the message says why."""


def kind(engine: Engine) -> str:
    name = engine.dialect.name
    if name not in MEMBER:
        raise DatabaseRefused(f"cannot back up a {name} database (SQLite and PostgreSQL only)")
    return name


def revision(engine: Engine) -> str | None:
    """The database's migration revision, None before the first migration."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.scalar(text("SELECT version_num FROM alembic_version"))


def tables_with_rows(engine: Engine) -> list[str]:
    """The desk's tables that hold a row (in the desk's schema on PostgreSQL)."""
    with engine.connect() as conn:
        names = [n for n in inspect(conn).get_table_names() if n != "alembic_version"]
        return [n for n in names if conn.scalar(
            text(f"SELECT 1 FROM {conn.dialect.identifier_preparer.quote(n)} LIMIT 1"))]


def dump(engine: Engine, dest: str) -> dict:
    """Write a consistent copy of the database to `dest`; what the manifest says of it."""
    if kind(engine) == "sqlite":
        raw = engine.raw_connection()
        copy = sqlite3.connect(dest)
        try:
            raw.driver_connection.backup(copy)
        finally:
            copy.close()
            raw.close()
        return {"kind": "sqlite"}
    schema = _schema(engine)
    server, server_major = _server_version(engine)
    pg_dump = _tool("pg_dump", server_major)
    url, env = _libpq(engine)
    _run([pg_dump, "--format=custom", "--no-owner", "--no-privileges",
          f"--schema={_pattern(schema)}", f"--file={dest}", url], env)
    return {"kind": "postgresql", "schema": schema, "server_version": server,
            "pg_dump_version": _version_of(pg_dump)}


def restore(engine: Engine, source: str, details: dict) -> str:
    """Put the database of `source` (a file dump() wrote, described by `details`) in
    place of the configured one; a sentence saying where it went."""
    if kind(engine) != details["kind"]:
        raise DatabaseRefused(f"the archive holds a {details['kind']} database; this desk is "
                              f"configured for {kind(engine)}")
    engine.dispose()
    try:
        if details["kind"] == "sqlite":
            return _restore_sqlite(engine, source)
        return _restore_postgresql(engine, source, details["schema"])
    finally:
        engine.dispose()       # no pooled connection still knows the replaced tables


def _restore_sqlite(engine: Engine, source: str) -> str:
    if engine.url.database:
        os.makedirs(os.path.dirname(os.path.abspath(engine.url.database)), exist_ok=True)
    staged = sqlite3.connect(source)
    raw = engine.raw_connection()
    try:
        staged.backup(raw.driver_connection)
    finally:
        raw.close()
        staged.close()
    return f"SQLite file {engine.url.database}"


def _restore_postgresql(engine: Engine, source: str, archived: str) -> str:
    schema = _schema(engine)
    _server, server_major = _server_version(engine)
    pg_restore = _tool("pg_restore", server_major)
    url, env = _libpq(engine)
    # pg_restore creates every object of the dump but its schema, which is made here.
    listing = _run([pg_restore, "--list", source], env).stdout
    kept = "".join(line + "\n" for line in listing.splitlines()
                   if not re.match(r"^\d+; \d+ \d+ SCHEMA - ", line))
    aside = f"{schema[:30]}_before_restore_{utcnow():%Y%m%d%H%M%S}"
    q = engine.dialect.identifier_preparer.quote
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        exists = conn.scalar(text("SELECT count(*) FROM pg_namespace WHERE nspname = :n"),
                             {"n": archived})
        if archived != schema and exists:
            raise DatabaseRefused(
                f"the archive's schema {archived} exists in this database besides the desk's "
                f"({schema}): restore into a database without it")
        conn.execute(text(f"ALTER SCHEMA {q(schema)} RENAME TO {q(aside)}"))
        try:
            conn.execute(text(f"CREATE SCHEMA {q(archived)}"))
            with tempfile.NamedTemporaryFile("w", suffix=".list") as listed:
                listed.write(kept)
                listed.flush()
                _run([pg_restore, "--no-owner", "--no-privileges", "--exit-on-error",
                      "--single-transaction", f"--use-list={listed.name}",
                      f"--dbname={url}", source], env)
            if archived != schema:
                conn.execute(text(f"ALTER SCHEMA {q(archived)} RENAME TO {q(schema)}"))
        except BaseException:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {q(archived)} CASCADE"))
            conn.execute(text(f"ALTER SCHEMA {q(aside)} RENAME TO {q(schema)}"))
            raise
        conn.execute(text(f"DROP SCHEMA {q(aside)} CASCADE"))
    return f"PostgreSQL schema {schema} of database {engine.url.database}"


def _schema(engine: Engine) -> str:
    with engine.connect() as conn:
        schema = conn.scalar(text("SELECT current_schema()"))
    if schema is None:
        raise DatabaseRefused("no schema of the connection's search_path exists: create the "
                              "desk's schema first (CREATE SCHEMA ...)")
    return schema


def _server_version(engine: Engine) -> tuple[str, int]:
    with engine.connect() as conn:
        version = conn.scalar(text("SHOW server_version")).split()[0]
        number = int(conn.scalar(text("SHOW server_version_num")))
    return version, number // 10000


def _tool(name: str, server_major: int) -> str:
    """The pg_dump or pg_restore on PATH, if it is as new as the server: an older one
    refuses the server (pg_dump) or cannot read what a newer one wrote."""
    path = shutil.which(name)
    if path is None:
        raise DatabaseRefused(f"{name} is not on PATH: install the PostgreSQL client of the "
                              f"server's version (postgresql-client-{server_major})")
    major = int(_version_of(path).split(".")[0])
    if major < server_major:
        raise DatabaseRefused(
            f"{path} is version {major}, older than the PostgreSQL {server_major} server: "
            f"install postgresql-client-{server_major} and put its bin folder first on PATH "
            f"(/usr/lib/postgresql/{server_major}/bin on Debian)")
    return path


def _version_of(tool: str) -> str:
    out = subprocess.run([tool, "--version"], capture_output=True, text=True, check=True)
    found = re.search(r"(\d+(?:\.\d+)*)", out.stdout)
    if not found:
        raise DatabaseRefused(f"cannot read the version of {tool}: {out.stdout!r}")
    return found.group(1)


def _libpq(engine: Engine) -> tuple[str, dict]:
    """The database URL as libpq reads it, and the environment carrying its password
    (not on the command line, where any user's `ps` would show it)."""
    url = engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return url.set(drivername="postgresql", password=None).render_as_string(
        hide_password=False), env


def _pattern(name: str) -> str:
    """A pg_dump pattern matching exactly `name` (quoted: no wildcard, case kept)."""
    return '"' + name.replace('"', '""') + '"'


def _run(command: list[str], env: dict) -> subprocess.CompletedProcess:
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise DatabaseRefused(f"{os.path.basename(command[0])} failed: "
                              f"{done.stderr.strip() or done.stdout.strip()}")
    return done
