"""Full-text search of the standards catalogue on either database, with no extension
Debian does not ship: the rows keep their search terms (tokens.py), SQLite indexes them
with FTS5 over unicode61, PostgreSQL with a GIN index on to_tsvector('simple', ...).
A query's terms must all be present; an exact number comes first, then title matches,
then the newest editions."""
from sqlalchemy import func, select, text

from blueprints.standards.models import Standard
from blueprints.standards.tokens import compact, query_terms
from extensions import db

# The index beside the table, per database (migration 0019 installs it).
INDEX_SQL = {
    "sqlite": (
        "CREATE VIRTUAL TABLE IF NOT EXISTS standards_fts USING fts5(search_terms, "
        "content='standards', content_rowid='id', tokenize='unicode61')",
        "CREATE TRIGGER IF NOT EXISTS standards_fts_insert AFTER INSERT ON standards BEGIN "
        "INSERT INTO standards_fts(rowid, search_terms) VALUES (new.id, new.search_terms); END",
        "CREATE TRIGGER IF NOT EXISTS standards_fts_delete AFTER DELETE ON standards BEGIN "
        "INSERT INTO standards_fts(standards_fts, rowid, search_terms) "
        "VALUES ('delete', old.id, old.search_terms); END",
        "CREATE TRIGGER IF NOT EXISTS standards_fts_update AFTER UPDATE OF search_terms "
        "ON standards BEGIN "
        "INSERT INTO standards_fts(standards_fts, rowid, search_terms) "
        "VALUES ('delete', old.id, old.search_terms); "
        "INSERT INTO standards_fts(rowid, search_terms) VALUES (new.id, new.search_terms); END",
    ),
    "postgresql": (
        "CREATE INDEX IF NOT EXISTS ix_standards_search ON standards "
        "USING gin (to_tsvector('simple', search_terms))",
    ),
}
DROP_INDEX_SQL = {
    "sqlite": ("DROP TRIGGER IF EXISTS standards_fts_update",
               "DROP TRIGGER IF EXISTS standards_fts_delete",
               "DROP TRIGGER IF EXISTS standards_fts_insert",
               "DROP TABLE IF EXISTS standards_fts"),
    "postgresql": ("DROP INDEX IF EXISTS ix_standards_search",),
}
# What the databases keep for the index (not models): migrations leave them alone.
INDEX_TABLES = ("standards_fts",)
INDEX_NAMES = ("ix_standards_search",)


def not_the_index(obj, name, type_, *_args) -> bool:
    """For Alembic's include_object: everything but the full-text index's own parts."""
    return not ((type_ == "table" and name.startswith(INDEX_TABLES))
                or (type_ == "index" and name in INDEX_NAMES))


def matching(query: str):
    """A condition on Standard for rows holding every term of the query, or None when
    the query has no terms."""
    terms = query_terms(query)
    if not terms:
        return None
    if db.engine.dialect.name == "sqlite":
        phrase = " AND ".join(f'"{t}"' for t in terms)
        return Standard.id.in_(select(text("rowid")).select_from(text("standards_fts"))
                               .where(text("standards_fts MATCH :phrase"))
                               .params(phrase=phrase))
    return func.to_tsvector("simple", Standard.search_terms).op("@@")(
        func.plainto_tsquery("simple", " ".join(terms)))


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


def search(query: str, limit: int = 50) -> list[Standard]:
    """The standards that match, best first (at most `limit`, from the first 500)."""
    condition = matching(query)
    if condition is None:
        return []
    rows = list(db.session.scalars(select(Standard).where(condition).limit(500)))
    return rank(rows, query)[:limit]
