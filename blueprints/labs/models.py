"""Labs: the county's testing and metrology organisations (their scope of services is
the catalogue's Capability)."""
from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from blueprints.audit.models import record_event
from blueprints.auth.models import User
from blueprints.catalogue.kinds import ServiceKind
from blueprints.labs.four_eyes import Team
from core.models import TimestampMixin, VersionedMixin
from core.roles import LAB_ROLES, Role
from core.timeutil import utcnow
from extensions import db


class Lab(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "labs"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    # CMA certificate numbers are 12 digits; CNAS numbers look like "CNAS L1234".
    cma_number: Mapped[str] = mapped_column(String(12), default="")
    cnas_number: Mapped[str] = mapped_column(String(20), default="")
    address: Mapped[str] = mapped_column(String(300))
    phone: Mapped[str] = mapped_column(String(30), default="")
    opening_hours: Mapped[str] = mapped_column(String(200), default="")
    description_zh: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    daily_capacity: Mapped[int] = mapped_column(default=20)
    is_active: Mapped[bool] = mapped_column(default=True, index=True)
    # The secret in the URL of the lab's private calendar feed; rotated on request.
    feed_token: Mapped[str | None] = mapped_column(String(43), unique=True)

    capabilities: Mapped[list["Capability"]] = relationship(  # noqa: F821
        back_populates="lab", cascade="all, delete-orphan")

    def allows(self, user, action: str = "view") -> bool:
        """Anyone may view a lab's public page; its own staff see the lab desk;
        only admins change it."""
        if action == "view":
            return True
        if action == "work":
            return user.is_authenticated and (
                user.role == Role.admin or (user.role in LAB_ROLES and user.lab_id == self.id))
        return user.is_authenticated and user.role == Role.admin

    def __repr__(self) -> str:
        return f"<Lab {self.code}>"


class Signatory(TimestampMixin, VersionedMixin, db.Model):
    """An authorised signatory of a lab (授权签字人) and the scope they sign for: the
    kinds of service, and the fields in the lab's own words (17025 6.2.6). Revoking
    keeps the row: old reports still name who signed them and under what scope."""
    __tablename__ = "signatories"
    __table_args__ = (UniqueConstraint("lab_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lab_id: Mapped[int] = mapped_column(ForeignKey("labs.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # ServiceKind values, comma-separated: what the signatory may sign.
    kinds: Mapped[str] = mapped_column(String(120))
    scope: Mapped[str] = mapped_column(Text, default="")
    since: Mapped[date] = mapped_column(Date)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()
    lab: Mapped["Lab"] = relationship()

    @property
    def kind_set(self) -> frozenset[str]:
        return frozenset(k for k in self.kinds.split(",") if k in ServiceKind.__members__)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def allows(self, user, action: str = "view") -> bool:
        """A lab's managers keep its signatories; admins look on."""
        if not user.is_authenticated:
            return False
        if user.role == Role.admin:
            return action == "view"
        return user.role == Role.lab_manager and user.lab_id == self.lab_id

    @classmethod
    def name(cls, lab_id: int, user, by, kinds: list[str], scope: str, since: date) -> "Signatory":
        """Authorise `user` (a member of the lab) to sign `kinds`; names again one who
        was revoked. Raises ValueError("not_staff") for anyone outside the lab."""
        if user.lab_id != lab_id or user.role not in LAB_ROLES or not user.active:
            raise ValueError("not_staff")
        sig = db.session.scalar(select(cls).filter_by(lab_id=lab_id, user_id=user.id))
        if sig is None:
            sig = cls(lab_id=lab_id, user=user)
            db.session.add(sig)
        sig.kinds, sig.scope, sig.since, sig.revoked_at = ",".join(kinds), scope, since, None
        db.session.flush()
        record_event(by, "signatories", sig.id, "signatory_named",
                     after={"user_id": user.id, "kinds": kinds, "scope": scope,
                            "since": since.isoformat()})
        return sig

    def change(self, by, kinds: list[str], scope: str) -> None:
        before = {"kinds": self.kinds.split(","), "scope": self.scope}
        self.kinds, self.scope = ",".join(kinds), scope
        record_event(by, "signatories", self.id, "signatory_changed", before=before,
                     after={"kinds": kinds, "scope": scope})

    def revoke(self, by) -> None:
        self.revoked_at = utcnow()
        record_event(by, "signatories", self.id, "signatory_revoked",
                     after={"user_id": self.user_id})


def team_of(lab_id: int) -> Team:
    """The lab's managers, authorised signatories with their scope, and who of them has
    a signature image on file (one query)."""
    rows = db.session.execute(
        select(User.id, User.role, User.signature_png.is_not(None), Signatory.kinds)
        .outerjoin(Signatory, (Signatory.user_id == User.id) & (Signatory.lab_id == lab_id)
                   & Signatory.revoked_at.is_(None))
        .where(User.lab_id == lab_id, User.active, User.role.in_(LAB_ROLES)))
    managers, signatories, signed = set(), {}, set()
    for uid, role, has_signature, kinds in rows:
        if role == Role.lab_manager:
            managers.add(uid)
        if kinds is not None:
            signatories[uid] = frozenset(kinds.split(","))
        if has_signature:
            signed.add(uid)
    return Team(managers=frozenset(managers), signatories=signatories,
                with_signature=frozenset(signed))
