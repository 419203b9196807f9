"""Quality-credit dossiers (质量贷): a dated, signed snapshot of an enterprise's quality
indicators with their evidence, made by the enterprise for a named bank. The bank
opens it with the number and code printed on it; every such view is logged for the
enterprise to see. A dossier is good for 90 days unless the enterprise revokes it
sooner; after that its page shows only that it is no longer valid."""
import secrets
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from blueprints.audit.models import record_event
from core import storage
from core.i18n import lazy_gettext as _l
from core.models import VersionedMixin
from core.roles import Role
from core.timeutil import utcnow
from extensions import db

VALID_DAYS = 90
# Codes read off paper: capitals and digits without 0/O, 1/I/L.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_access_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))


class DossierStatus(StrEnum):
    valid = "valid"
    expired = "expired"
    revoked = "revoked"


class DossierRefused(Exception):
    """The change is refused; the message says why."""


class Dossier(VersionedMixin, db.Model):
    __tablename__ = "credit_dossiers"
    __table_args__ = (Index("ix_credit_dossiers_enterprise", "enterprise_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    access_code: Mapped[str] = mapped_column(String(16))
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"))
    made_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    made_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    made_on: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    bank: Mapped[str] = mapped_column(String(120))
    purpose: Mapped[str] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(5))
    # The indicator set it was scored by, and what it said then: the dossier never
    # changes after it is made, whatever the desk learns later.
    county: Mapped[str] = mapped_column(String(40))
    set_version: Mapped[str] = mapped_column(String(20))
    score: Mapped[float] = mapped_column(Numeric(5, 1))
    known_weight: Mapped[float] = mapped_column(Numeric(5, 1))
    grade: Mapped[str | None] = mapped_column(String(10))
    snapshot: Mapped[dict] = mapped_column(JSON)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoke_reason: Mapped[str] = mapped_column(String(2000), default="")

    enterprise = relationship("Enterprise")
    made_by = relationship("User", foreign_keys=[made_by_id])

    @property
    def key(self) -> str:
        """Where its PDF is stored (core/storage.py)."""
        return storage.key(storage.DOSSIERS, self.stored_name)

    def status(self, today: date) -> DossierStatus:
        if self.revoked_at is not None:
            return DossierStatus.revoked
        return DossierStatus.valid if today <= self.valid_until else DossierStatus.expired

    def shows_contents(self, today: date) -> bool:
        """The bank reads the indicators only while the dossier is valid: a revoked or
        expired one says so and shows nothing more of the enterprise."""
        return self.status(today) == DossierStatus.valid

    def allows(self, user, action: str = "view") -> bool:
        """The enterprise's members see its dossiers; its administrators make and
        revoke them. Nobody else, the desk included, learns one exists from here."""
        if not user.is_authenticated or user.role != Role.sme or \
                user.enterprise_id != self.enterprise_id:
            return False
        return action == "view" or (action == "revoke" and user.is_enterprise_admin)

    def revoke(self, user, reason: str) -> None:
        if self.revoked_at is not None:
            raise DossierRefused(_l("This dossier was already revoked."))
        if not self.allows(user, "revoke"):
            raise DossierRefused(_l("Only your enterprise's administrators can revoke a "
                                    "dossier."))
        self.revoked_at, self.revoked_by_id, self.revoke_reason = utcnow(), user.id, reason
        record_event(user, "credit_dossiers", self.id, "revoked", reason=reason,
                     before={"status": "valid"}, after={"status": "revoked"})


def valid_until(made_on: date) -> date:
    return made_on + timedelta(days=VALID_DAYS)


class ViewKind(StrEnum):
    page = "page"          # the dossier's page, opened with its code
    copy_checked = "copy_checked"   # a PDF copy compared with the original


class DossierView(db.Model):
    """One opening of a dossier by someone holding its code (the bank, or whoever it
    passed the paper to): when, from which address and browser."""
    __tablename__ = "credit_dossier_views"
    __table_args__ = (Index("ix_credit_dossier_views_dossier", "dossier_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("credit_dossiers.id",
                                                       ondelete="CASCADE"))
    viewed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10))    # what the viewer was shown
    address: Mapped[str] = mapped_column(String(45), default="")
    browser: Mapped[str] = mapped_column(String(200), default="")

    @property
    def saw_contents(self) -> bool:
        """Whether the viewer was shown the figures (the dossier was valid then)."""
        return self.status == DossierStatus.valid
