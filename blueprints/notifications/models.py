"""In-app notifications. Stored as a kind and plain parameters, so each reader sees
them in their own language."""
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, UniqueConstraint, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from core.timeutil import utcnow
from extensions import db


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    link: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    def allows(self, user, action: str = "view") -> bool:
        return user.is_authenticated and user.id == self.user_id


def notify(user_ids, kind: str, link: str = "", **params) -> None:
    """One notification for each of these users (in the caller's transaction)."""
    db.session.add_all(Notification(user_id=uid, kind=kind, params=params, link=link)
                       for uid in sorted(set(user_ids)))


def unread_count(user_id: int) -> int:
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)))


class SentReminder(db.Model):
    """A reminder or alert that has gone out, so a job that runs again (or twice at
    once) sends it only once. `key` names what it was about, such as the deadline it
    warned of: a moved deadline is a new key and is reminded again."""
    __tablename__ = "sent_reminders"
    __table_args__ = (UniqueConstraint("kind", "subject_id", "key",
                                       name="uq_sent_reminders_kind_subject_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int] = mapped_column()
    key: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def claim(kind: str, subject_id: int, key: str) -> bool:
    """Record that this reminder goes out; False when it already went (or another run
    just claimed it). One INSERT that does nothing on conflict decides."""
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    # RETURNING, not rowcount: an ORM insert's rowcount is not reliable on psycopg.
    return db.session.execute(
        insert(SentReminder).values(kind=kind, subject_id=subject_id, key=key,
                                    created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["kind", "subject_id", "key"])
        .returning(SentReminder.id)).scalar() is not None
