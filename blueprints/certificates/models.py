"""Issued reports and certificates (ISO/IEC 17025 7.8)."""
import secrets
from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import storage
from core.models import TimestampMixin, VersionedMixin, enum_column
from core.roles import Role
from core.timeutil import utcnow
from extensions import db

# No 0/O or 1/I: people read the code off paper.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_verification_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


def is_lab_manager_of(user, lab_id: int) -> bool:
    return user.is_authenticated and user.role == Role.lab_manager and user.lab_id == lab_id


class CertificateKind(StrEnum):
    test_report = "test_report"
    calibration_certificate = "calibration_certificate"
    verification_certificate = "verification_certificate"
    verification_failure = "verification_failure"


class CertificateStatus(StrEnum):
    valid = "valid"
    superseded = "superseded"
    withdrawn = "withdrawn"


class Certificate(TimestampMixin, db.Model):
    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[CertificateKind] = enum_column(CertificateKind)
    sub_request_id: Mapped[int] = mapped_column(ForeignKey("sub_requests.id"), index=True)
    lab_id: Mapped[int] = mapped_column(ForeignKey("labs.id"), index=True)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    signed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    verification_code: Mapped[str] = mapped_column(String(16), default=new_verification_code)
    sha256: Mapped[str] = mapped_column(String(64))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    status: Mapped[CertificateStatus] = enum_column(CertificateStatus,
                                                    default=CertificateStatus.valid)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    status_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # An amended certificate names the one it replaces and why (17025 7.8.8).
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"), index=True)
    amendment_reason: Mapped[str] = mapped_column(Text, default="")

    sub_request: Mapped["SubRequest"] = relationship()  # noqa: F821
    lab: Mapped["Lab"] = relationship()  # noqa: F821
    signed_by: Mapped["User"] = relationship()  # noqa: F821
    supersedes: Mapped["Certificate | None"] = relationship(remote_side=[id])

    def allows(self, user, action: str = "view") -> bool:
        """Withdrawing is for the issuing lab's managers; viewing follows the part."""
        if action == "withdraw":
            return is_lab_manager_of(user, self.lab_id)
        return self.sub_request.allows(user, "view")

    @property
    def is_valid(self) -> bool:
        return self.status == CertificateStatus.valid

    @property
    def key(self) -> str:
        """Where its PDF is stored (core/storage.py)."""
        return storage.key(storage.CERTIFICATES, self.stored_name)

    @property
    def is_failure_notice(self) -> bool:
        """A notice of verification failure (the instrument failed)."""
        return self.kind == CertificateKind.verification_failure

    @property
    def is_withdrawn(self) -> bool:
        return self.status == CertificateStatus.withdrawn

    def withdraw(self, reason: str) -> None:
        if self.status != CertificateStatus.valid:
            raise ValueError("only a valid certificate can be withdrawn")
        self.status, self.status_reason = CertificateStatus.withdrawn, reason
        self.status_changed_at = utcnow()

    def supersede(self) -> None:
        self.status, self.status_changed_at = CertificateStatus.superseded, utcnow()


class BatchState(StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"   # stopped part-way; resuming issues the rest


def batch_output_key(name: str) -> str:
    return storage.key(storage.CERTIFICATES, "batches", name)


class CertificateBatch(TimestampMixin, VersionedMixin, db.Model):
    """Many parts issued at once in the background (a market campaign's ~150
    certificates). Each part is issued in its own transaction, so a crash leaves
    every certificate issued or not; resuming issues only the rest."""
    __tablename__ = "certificate_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    lab_id: Mapped[int] = mapped_column(ForeignKey("labs.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    state: Mapped[BatchState] = enum_column(BatchState, default=BatchState.queued, index=True)
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    zip_name: Mapped[str] = mapped_column(String(80), default="")
    merged_name: Mapped[str] = mapped_column(String(80), default="")

    created_by: Mapped["User"] = relationship()  # noqa: F821
    lab: Mapped["Lab"] = relationship()  # noqa: F821
    items: Mapped[list["CertificateBatchItem"]] = relationship(
        back_populates="batch", order_by="CertificateBatchItem.id")

    def allows(self, user, action: str = "view") -> bool:
        """The lab's managers and the signatory who queued it follow and resume it."""
        return is_lab_manager_of(user, self.lab_id) or (
            user.is_authenticated and user.id == self.created_by_id
            and user.lab_id == self.lab_id)

    @property
    def is_done(self) -> bool:
        return self.state == BatchState.done

    def output_key(self, kind: str) -> str | None:
        """Where its ZIP ("zip") or merged PDF ("pdf") is stored; None until written."""
        name = self.zip_name if kind == "zip" else self.merged_name
        return batch_output_key(name) if name else None

    @property
    def has_failed(self) -> bool:
        return self.state == BatchState.failed

    @property
    def percent(self) -> int:
        return 100 if not self.total else self.done * 100 // self.total


class CertificateBatchItem(db.Model):
    __tablename__ = "certificate_batch_items"
    __table_args__ = (UniqueConstraint("batch_id", "sub_request_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("certificate_batches.id",
                                                     ondelete="CASCADE"), index=True)
    sub_request_id: Mapped[int] = mapped_column(ForeignKey("sub_requests.id"), index=True)
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))
    skipped: Mapped[str] = mapped_column(String(40), default="")  # why it was not issued

    batch: Mapped[CertificateBatch] = relationship(back_populates="items")
    sub_request: Mapped["SubRequest"] = relationship()  # noqa: F821
    certificate: Mapped["Certificate | None"] = relationship()
