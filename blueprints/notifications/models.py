"""In-app notifications. Stored as a kind and plain parameters, so each reader sees
them in their own language."""
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, func, select
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
