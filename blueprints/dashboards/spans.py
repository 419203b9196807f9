"""What the dashboards' figures are keyed by, and how they are written: a local day as
the UTC instants it runs between, the month a day falls in, and a value as a column
holds it."""
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import delete, insert

from core.timeutil import LOCAL_TZ, to_local
from extensions import db


def bounds(day: date) -> tuple[datetime, datetime]:
    """A local day as the UTC instants it runs between (in UTC: SQLite compares the
    stored UTC times as text, and would read a local midnight as a UTC one)."""
    start = datetime.combine(day, time(), LOCAL_TZ)
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


def local_day(moment: datetime | None) -> date | None:
    return None if moment is None else to_local(moment).date()


def month_of(day: date) -> date:
    return day.replace(day=1)


def key_of(value) -> str:
    """An enum member or a plain value as a key column holds it ("" for none)."""
    return getattr(value, "value", value) or ""


def insert_rows(model, rows: list[dict]) -> None:
    """Insert in one statement (none for no rows)."""
    if rows:
        db.session.execute(insert(model), rows)


def delete_rows(model, *where) -> None:
    """Delete the rows in one statement. No figure row is ever loaded as an object, so
    the session has nothing to bring in line (and on PostgreSQL need not fetch the ids
    of the thousands of rows a month's recomputation deletes)."""
    db.session.execute(delete(model).where(*where)
                       .execution_options(synchronize_session=False))
