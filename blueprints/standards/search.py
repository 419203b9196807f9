"""Full-text search of the standards catalogue on either database, with no extension
Debian does not ship: the rows keep their search terms (tokens.py), SQLite indexes them
with FTS5 over unicode61, PostgreSQL with a GIN index on to_tsvector('simple', ...).
A query's terms must all be present; an exact number comes first, then title matches,
then the newest editions."""
from sqlalchemy import func, select, text

from blueprints.standards.models import Standard
from blueprints.standards.tokens import compact, query_terms
from extensions import db


def index_sql(table: str) -> dict[str, tuple[str, ...]]:
    """The statements that put a full-text index beside a table with a `search_terms`
    column, per database: an FTS5 table kept by triggers on SQLite, a GIN index on
    PostgreSQL."""
    fts = f"{table}_fts"
    return {
        "sqlite": (
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5(search_terms, "
            f"content='{table}', content_rowid='id', tokenize='unicode61')",
            f"CREATE TRIGGER IF NOT EXISTS {fts}_insert AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO {fts}(rowid, search_terms) VALUES (new.id, new.search_terms); END",
            f"CREATE TRIGGER IF NOT EXISTS {fts}_delete AFTER DELETE ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, search_terms) "
            f"VALUES ('delete', old.id, old.search_terms); END",
            f"CREATE TRIGGER IF NOT EXISTS {fts}_update AFTER UPDATE OF search_terms "
            f"ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, search_terms) "
            f"VALUES ('delete', old.id, old.search_terms); "
            f"INSERT INTO {fts}(rowid, search_terms) VALUES (new.id, new.search_terms); END",
            # Rows that were there before the index: the rebuild reads them all.
            f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
        ),
        "postgresql": (
            f"CREATE INDEX IF NOT EXISTS ix_{table}_search ON {table} "
            f"USING gin (to_tsvector('simple', search_terms))",
        ),
    }


def drop_index_sql(table: str) -> dict[str, tuple[str, ...]]:
    fts = f"{table}_fts"
    return {
        "sqlite": (f"DROP TRIGGER IF EXISTS {fts}_update", f"DROP TRIGGER IF EXISTS {fts}_delete",
                   f"DROP TRIGGER IF EXISTS {fts}_insert", f"DROP TABLE IF EXISTS {fts}"),
        "postgresql": (f"DROP INDEX IF EXISTS ix_{table}_search",),
    }


# The tables with a full-text index (each migration that adds one names it here).
INDEXED = ("standards", "services", "clinic_articles", "clinic_cases")
# Migration 0019's statements, as it ran them.
INDEX_SQL = index_sql("standards")
DROP_INDEX_SQL = drop_index_sql("standards")
# What the databases keep for the indexes (not models): migrations leave them alone.
INDEX_TABLES = tuple(f"{table}_fts" for table in INDEXED)
INDEX_NAMES = tuple(f"ix_{table}_search" for table in INDEXED)


def settle_index(table: str = "standards") -> None:
    """After a bulk load on PostgreSQL: move the GIN index's pending entries into the
    index now, as a vacuum would later; until then every search scans them (a search at
    76,000 standards takes 0.9 ms on the list instead of 0.015 ms)."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT gin_clean_pending_list(CAST(:ix AS regclass))"),
                           {"ix": f"ix_{table}_search"})


def not_the_index(obj, name, type_, *_args) -> bool:
    """For Alembic's include_object: everything but the full-text index's own parts."""
    return not ((type_ == "table" and name.startswith(INDEX_TABLES))
                or (type_ == "index" and name in INDEX_NAMES))


def holding(model, terms: list[str]):
    """A condition on `model` (a table indexed by index_sql) for rows holding every
    term, or None when there are no terms."""
    if not terms:
        return None
    table = model.__tablename__
    if db.engine.dialect.name == "sqlite":
        phrase = " AND ".join(f'"{t}"' for t in terms)
        return model.id.in_(select(text("rowid")).select_from(text(f"{table}_fts"))
                            .where(text(f"{table}_fts MATCH :phrase_{table}"))
                            .params(**{f"phrase_{table}": phrase}))
    return func.to_tsvector("simple", model.search_terms).op("@@")(
        func.plainto_tsquery("simple", " ".join(terms)))


def matching(query: str, loose: bool = False):
    """A condition on Standard for rows holding every term of the query, or None when
    the query has no terms."""
    return holding(Standard, query_terms(query, loose=loose))


def rank(rows: list[Standard], query: str) -> list[Standard]:
    """An exact number first, then titles that hold the query, then the newest."""
    wanted = compact(query)
    words = query.strip().lower()

    def order(row: Standard):
        exact = compact(row.key) == wanted or compact(row.code) == wanted
        in_title = bool(words) and (words in (row.title_zh or "").lower()
                                    or words in (row.title_en or "").lower())
        return (not exact, not in_title, -(row.year or 0), row.code)
    return sorted(rows, key=order)


def loosens(query: str) -> bool:
    """Whether the loose reading of the query differs (a Chinese word of 3+ characters)."""
    return query_terms(query, loose=True) != query_terms(query)


def search(query: str, limit: int = 50) -> list[Standard]:
    """The standards that match, best first (at most `limit`, from the first 500); when
    nothing holds a long Chinese word whole, those holding each of its characters."""
    condition = matching(query)
    if condition is None:
        return []
    rows = list(db.session.scalars(select(Standard).where(condition).limit(500)))
    if not rows and loosens(query):
        rows = list(db.session.scalars(select(Standard).where(matching(query, loose=True))
                                       .limit(500)))
    return rank(rows, query)[:limit]
