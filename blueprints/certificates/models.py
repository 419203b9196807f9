"""Issued reports and certificates (ISO/IEC 17025 7.8)."""
import secrets
from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models import TimestampMixin, enum_column
from extensions import db

# No 0/O or 1/I: people read the code off paper.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_verification_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


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
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    signed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    verification_code: Mapped[str] = mapped_column(String(16), default=new_verification_code)
    sha256: Mapped[str] = mapped_column(String(64))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    status: Mapped[CertificateStatus] = enum_column(CertificateStatus,
                                                    default=CertificateStatus.valid)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))

    sub_request: Mapped["SubRequest"] = relationship()  # noqa: F821
    lab: Mapped["Lab"] = relationship()  # noqa: F821
    signed_by: Mapped["User"] = relationship()  # noqa: F821
