"""What the desk learns of an enterprise from outside its own work, entered by a desk
administrator with the document that shows it: standards the enterprise helped draft,
its certifications (quality management system, products), awards, and the results of
supervision sampling (监督抽查). Each record keeps its evidence file; a wrong record is
withdrawn with a reason, never deleted, so a dossier that cited it can still be traced."""
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from blueprints.audit.models import record_event
from core.i18n import lazy_gettext as _l
from core.models import VersionedMixin, enum_column
from core.roles import Role
from core.timeutil import utcnow
from core.uploads import StoredFile, upload_key
from extensions import db


class RecordKind(StrEnum):
    standard_drafted = "standard_drafted"
    certification = "certification"
    award = "award"
    sampling = "sampling"


# The levels each kind of record is graded by, best first.
LEVELS = {
    RecordKind.standard_drafted: ("international", "national", "industry", "local", "group"),
    RecordKind.certification: ("qms", "product", "other_system"),
    RecordKind.award: ("national", "provincial", "municipal", "county"),
    RecordKind.sampling: ("national", "provincial", "municipal", "county"),
}
# A sampling record says whether the product passed; no other kind has an outcome.
OUTCOMES = ("passed", "failed")


class RecordRefused(Exception):
    """The record cannot be entered or changed so; the message says why."""


class QualityRecord(VersionedMixin, db.Model):
    __tablename__ = "quality_records"
    __table_args__ = (Index("ix_quality_records_enterprise", "enterprise_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"))
    kind: Mapped[RecordKind] = enum_column(RecordKind)
    level: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(String(10), default="")
    title: Mapped[str] = mapped_column(String(200))
    reference: Mapped[str] = mapped_column(String(80), default="")
    issuer: Mapped[str] = mapped_column(String(120), default="")
    dated: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    # The evidence, as core/uploads.py stored it.
    evidence_name: Mapped[str] = mapped_column(String(200))
    evidence_type: Mapped[str] = mapped_column(String(40))
    evidence_size: Mapped[int] = mapped_column()
    evidence_sha256: Mapped[str] = mapped_column(String(64))
    evidence_stored: Mapped[str] = mapped_column(String(80), unique=True)
    entered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    entered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_reason: Mapped[str] = mapped_column(String(2000), default="")

    entered_by = relationship("User", foreign_keys=[entered_by_id])

    @classmethod
    def enter(cls, enterprise, user, evidence: StoredFile, evidence_name: str,
              **fields) -> "QualityRecord":
        """A record for `enterprise`, entered by a desk administrator with its
        evidence. Raises RecordRefused when the level or outcome does not fit the kind."""
        if user.role != Role.admin:
            raise RecordRefused(_l("Only the desk's administrators enter quality records."))
        kind = RecordKind(fields["kind"])
        if fields["level"] not in LEVELS[kind]:
            raise RecordRefused(_l("This level does not apply to this kind of record."))
        outcome = fields.get("outcome") or ""
        if (kind == RecordKind.sampling) != (outcome in OUTCOMES):
            raise RecordRefused(_l("A sampling result says passed or failed; other records "
                                   "have no outcome."))
        valid_until = fields.get("valid_until")
        if valid_until is not None and valid_until < fields["dated"]:
            raise RecordRefused(_l("A record cannot expire before its date."))
        record = cls(enterprise_id=enterprise.id, kind=kind, level=fields["level"],
                     outcome=outcome, title=fields["title"],
                     reference=fields.get("reference") or "",
                     issuer=fields.get("issuer") or "", dated=fields["dated"],
                     valid_until=valid_until, evidence_name=evidence_name,
                     evidence_type=evidence.content_type, evidence_size=evidence.size,
                     evidence_sha256=evidence.sha256, evidence_stored=evidence.stored_name,
                     entered_by_id=user.id)
        db.session.add(record)
        db.session.flush()
        record_event(user, "quality_records", record.id, "entered",
                     after={"enterprise": enterprise.id, "kind": kind.value,
                            "level": record.level, "outcome": outcome, "title": record.title,
                            "reference": record.reference, "dated": record.dated.isoformat(),
                            "evidence_sha256": evidence.sha256})
        return record

    def withdraw(self, user, reason: str) -> None:
        if self.withdrawn_at is not None:
            raise RecordRefused(_l("This record was already withdrawn."))
        self.withdrawn_at, self.withdrawn_reason = utcnow(), reason
        record_event(user, "quality_records", self.id, "withdrawn", reason=reason)

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def evidence_key(self) -> str:
        return upload_key(self.evidence_stored)

    def in_force(self, today: date) -> bool:
        """Standing and not expired on `today`."""
        return self.withdrawn_at is None and (self.valid_until is None
                                              or self.valid_until >= today)

    def allows(self, user, action: str = "view") -> bool:
        """The enterprise's members see its records; the desk's administrators enter
        and withdraw them."""
        if not user.is_authenticated:
            return False
        if user.role == Role.admin:
            return True
        return action == "view" and user.role == Role.sme and \
            user.enterprise_id == self.enterprise_id


def records_of(enterprise_id: int) -> list[QualityRecord]:
    """The enterprise's records, standing ones first, newest first within a kind."""
    return list(db.session.scalars(
        db.select(QualityRecord).where(QualityRecord.enterprise_id == enterprise_id)
        .options(joinedload(QualityRecord.entered_by))
        .order_by(QualityRecord.withdrawn_at.is_not(None), QualityRecord.kind,
                  QualityRecord.dated.desc(), QualityRecord.id.desc())))
