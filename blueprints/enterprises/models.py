"""Registered enterprises and the invitations that bring their colleagues in."""
import hashlib
import secrets
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from blueprints.catalogue.kinds import IndustryChain
from core.models import TimestampMixin, VersionedMixin, enum_column
from core.roles import Role
from core.timeutil import utcnow
from core.uploads import upload_key
from extensions import db


class EnterpriseStatus(StrEnum):
    pending = "pending"
    verified = "verified"
    rejected = "rejected"


class EnterpriseSize(StrEnum):
    micro = "micro"
    small = "small"
    medium = "medium"
    large = "large"



IDENTITY_FIELDS = ("name", "legal_representative")


class EnterpriseStateError(Exception):
    """An admin tried a status change the enterprise's current status forbids."""


class Enterprise(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "enterprises"

    id: Mapped[int] = mapped_column(primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    # GB 32100 allows an admin to register a pilot-era code that fails the checksum.
    uscc_override: Mapped[bool] = mapped_column(default=False)
    name: Mapped[str] = mapped_column(String(200))
    legal_representative: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(300))
    industry_chain: Mapped[IndustryChain] = enum_column(IndustryChain)
    size: Mapped[EnterpriseSize] = enum_column(EnterpriseSize)
    contact_phone: Mapped[str] = mapped_column(String(30))
    status: Mapped[EnterpriseStatus] = enum_column(EnterpriseStatus,
                                                   default=EnterpriseStatus.pending, index=True)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The business licence (营业执照) the desk checks before verifying, stored by
    # content under a random name (core/uploads.py); "" while none was sent.
    licence_stored: Mapped[str] = mapped_column(String(64), default="")
    licence_type: Mapped[str] = mapped_column(String(40), default="")
    licence_name: Mapped[str] = mapped_column(String(200), default="")
    licence_sha256: Mapped[str] = mapped_column(String(64), default="")
    licence_uploaded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    members: Mapped[list["User"]] = relationship(  # noqa: F821
        back_populates="enterprise", foreign_keys="User.enterprise_id",
        order_by="User.id")

    @property
    def is_pending(self) -> bool:
        return self.status == EnterpriseStatus.pending

    @property
    def is_rejected(self) -> bool:
        return self.status == EnterpriseStatus.rejected

    def allows(self, user, action: str = "view") -> bool:
        """Members see their enterprise and its administrator edits it; platform
        admins see and verify every enterprise; nobody else learns it exists."""
        if not user.is_authenticated:
            return False
        if user.role == Role.admin:
            return True
        if user.role != Role.sme or user.enterprise_id != self.id:
            return False
        if action == "view":
            return True
        return action in ("edit", "invite") and user.is_enterprise_admin

    def update_profile(self, values: dict, by_admin: bool) -> bool:
        """Set profile fields. When a member changes who the enterprise is (its
        name or legal representative) after verification, or edits a rejected
        registration, it goes back to the admin's queue. Returns True then."""
        identity_changed = any(values[f] != getattr(self, f)
                               for f in IDENTITY_FIELDS if f in values)
        for name, value in values.items():
            setattr(self, name, value)
        if by_admin:
            return False
        if (self.status == EnterpriseStatus.verified and identity_changed) or \
                self.status == EnterpriseStatus.rejected:
            self.status = EnterpriseStatus.pending
            self.status_reason = ""
            self.verified_at = None
            return True
        return False

    @property
    def has_licence(self) -> bool:
        return bool(self.licence_stored)

    @property
    def licence_key(self) -> str:
        return upload_key(self.licence_stored)

    @property
    def licence_is_image(self) -> bool:
        return self.licence_type.startswith("image/")

    def take_licence(self, stored, filename: str, by_admin: bool) -> bool:
        """Keep a newly uploaded licence (a core.uploads.StoredFile). A verified
        enterprise that sends another one is checked again, as when its name changes.
        Returns True then."""
        self.licence_stored, self.licence_type = stored.stored_name, stored.content_type
        self.licence_name, self.licence_sha256 = filename, stored.sha256
        self.licence_uploaded_at = utcnow()
        if self.status == EnterpriseStatus.verified and not by_admin:
            self.status = EnterpriseStatus.pending
            self.verified_at = None
            return True
        return False

    def verify(self, papers_seen: bool = False) -> None:
        """Mark the enterprise verified (who did it is in the audit log): only with its
        business licence on file, unless the administrator registering it has seen the
        papers (`papers_seen`)."""
        if self.status == EnterpriseStatus.verified:
            raise EnterpriseStateError("already verified")
        if not self.has_licence and not papers_seen:
            raise EnterpriseStateError("no licence")
        self.status = EnterpriseStatus.verified
        self.status_reason = ""
        self.verified_at = utcnow()

    def reject(self, reason: str) -> None:
        if self.status != EnterpriseStatus.pending:
            raise EnterpriseStateError("only pending enterprises can be rejected")
        self.status = EnterpriseStatus.rejected
        self.status_reason = reason

    def __repr__(self) -> str:
        return f"<Enterprise {self.uscc}>"


INVITATION_LIFETIME = timedelta(days=7)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(TimestampMixin, db.Model):
    """A single-use link that lets a colleague join an enterprise. Only the hash
    of the token is stored, so a database leak does not leak usable links."""
    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id", ondelete="CASCADE"),
                                               index=True)
    email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    enterprise: Mapped[Enterprise] = relationship()

    @classmethod
    def issue(cls, enterprise: Enterprise, email: str, invited_by) -> tuple["Invitation", str]:
        """Create an invitation; returns it with the clear token (shown once)."""
        token = secrets.token_urlsafe(32)
        inv = cls(enterprise=enterprise, email=email.lower(), token_hash=_token_hash(token),
                  invited_by_id=invited_by.id if invited_by else None,
                  expires_at=utcnow() + INVITATION_LIFETIME)
        return inv, token

    @classmethod
    def find_open(cls, token: str) -> "Invitation | None":
        inv = db.session.scalar(db.select(cls).filter_by(token_hash=_token_hash(token)))
        return inv if inv and inv.is_open else None

    @property
    def is_open(self) -> bool:
        expires = self.expires_at
        if expires.tzinfo is None:
            expires = expires.replace(tzinfo=utcnow().tzinfo)
        return self.accepted_at is None and self.revoked_at is None and expires > utcnow()
