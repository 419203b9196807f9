"""Column helpers shared by the models."""
from datetime import datetime
from enum import Enum as PyEnum

from sqlalchemy import DateTime, Enum
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from core.timeutil import utcnow


def enum_column(enum_cls: type[PyEnum], **kwargs):
    """A VARCHAR + CHECK column holding the enum's values (no native PG type, so
    adding a member is a plain migration on both databases)."""
    return mapped_column(
        Enum(enum_cls, native_enum=False, length=32, create_constraint=True,
             values_callable=lambda e: [m.value for m in e],
             validate_strings=True),
        **kwargs)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 onupdate=utcnow)


class VersionedMixin:
    """Optimistic locking: every UPDATE checks and bumps `version`, so two people
    editing the same row cannot silently overwrite each other."""
    version: Mapped[int] = mapped_column(nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.version}
