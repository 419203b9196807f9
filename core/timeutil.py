"""Times are stored in UTC and shown in Asia/Shanghai."""
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    return datetime.now(UTC)


def to_local(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:  # SQLite hands back naive datetimes; they were stored as UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(LOCAL_TZ)


def months_back(day, months: int):
    """The first day of the month `months` before `day`'s."""
    n = day.year * 12 + day.month - 1 - months
    return day.replace(year=n // 12, month=n % 12 + 1, day=1)


def local_today():
    """Today's date in Asia/Shanghai (what "today" means to the desk's users)."""
    return datetime.now(LOCAL_TZ).date()
