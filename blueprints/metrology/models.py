"""Instruments (trade scales and other measuring instruments), their verifications,
and on-site verification campaigns at markets."""
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Numeric, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from blueprints.metrology.scale_verification import VerificationType
from blueprints.service_requests.models import RequestItem, SubRequest
from core.models import TimestampMixin, VersionedMixin, enum_column
from core.roles import LAB_ROLES, Role
from core.timeutil import utcnow
from extensions import db


class InstrumentKind(StrEnum):
    price_computing_scale = "price_computing_scale"
    platform_scale = "platform_scale"
    counter_scale = "counter_scale"
    hanging_scale = "hanging_scale"
    balance = "balance"
    pressure_gauge = "pressure_gauge"
    thermometer = "thermometer"
    other = "other"


# Non-automatic weighing instruments verified under JJG 539 / OIML R76 with the scale form.
SCALE_KINDS = frozenset({InstrumentKind.price_computing_scale, InstrumentKind.platform_scale,
                         InstrumentKind.counter_scale, InstrumentKind.hanging_scale})


class Instrument(TimestampMixin, VersionedMixin, db.Model):
    """A measuring instrument with an owner: a citizen (market vendor) or an enterprise.
    Found again by its serial number when its owner asks for the next verification."""
    __tablename__ = "instruments"
    __table_args__ = (Index("ix_instruments_owner_serial", "owner_id", "serial"),
                      Index("ix_instruments_enterprise_serial", "enterprise_id", "serial"))

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"))
    kind: Mapped[InstrumentKind] = enum_column(InstrumentKind)
    make: Mapped[str] = mapped_column(String(100), default="")
    model: Mapped[str] = mapped_column(String(100), default="")
    serial: Mapped[str] = mapped_column(String(60))
    # Scales: Max and e in grams, accuracy class III or IIII (OIML R76 / JJG 539).
    max_capacity: Mapped[Decimal | None] = mapped_column(Numeric(14, 4))
    e: Mapped[Decimal | None] = mapped_column(Numeric(14, 4))
    accuracy_class: Mapped[str] = mapped_column(String(8), default="")
    # Other instruments: the measuring range in words ("0–1.6 MPa").
    measuring_range: Mapped[str] = mapped_column(String(100), default="")
    market: Mapped[str] = mapped_column(String(100), default="")
    stall: Mapped[str] = mapped_column(String(40), default="")
    last_verified: Mapped[date | None] = mapped_column(Date)
    next_due: Mapped[date | None] = mapped_column(Date, index=True)
    # The due date its owner was last reminded of: the reminder job sends each once.
    reminded_for: Mapped[date | None] = mapped_column(Date)

    owner: Mapped["User | None"] = relationship()  # noqa: F821
    enterprise: Mapped["Enterprise | None"] = relationship()  # noqa: F821

    @property
    def is_scale(self) -> bool:
        return self.kind in SCALE_KINDS

    def is_owner(self, user) -> bool:
        if not user.is_authenticated:
            return False
        if self.enterprise_id is not None:
            return user.role == Role.sme and user.enterprise_id == self.enterprise_id
        return user.id == self.owner_id

    def allows(self, user, action: str = "view") -> bool:
        """Owners see and edit their instruments; a lab that has had one in its hands
        and admins look."""
        if self.is_owner(user):
            return True
        if not user.is_authenticated or action != "view":
            return False
        if user.role == Role.admin:
            return True
        if user.role not in LAB_ROLES or user.lab_id is None:
            return False
        return db.session.scalar(
            select(RequestItem.id).join(RequestItem.sub_request)
            .where(RequestItem.instrument_id == self.id, SubRequest.lab_id == user.lab_id)
            .limit(1)) is not None

    def history_lab(self, user) -> int | None:
        """Whose verifications of this instrument `user` may see (once allows() has let
        them look): every lab's for its owners and administrators (None); a lab's staff
        only their own lab's, never another lab's certificates or parts."""
        if self.is_owner(user) or user.role == Role.admin:
            return None
        return user.lab_id if user.lab_id is not None else -1


class ScaleVerification(TimestampMixin, db.Model):
    """The metrologist's readings of one scale and what they show (JJG 539)."""
    __tablename__ = "scale_verifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("request_items.id", ondelete="CASCADE"),
                                         unique=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instruments.id"), index=True)
    verification_type: Mapped[VerificationType] = enum_column(VerificationType)
    readings: Mapped[dict] = mapped_column(JSON)      # as typed, decimal strings
    passed: Mapped[bool] = mapped_column()
    failed_tests: Mapped[list] = mapped_column(JSON, default=list)
    rules: Mapped[str] = mapped_column(String(60))
    # The scale as it was verified: its record may change later (a new request for the
    # same serial), the certificate must not.
    max_capacity: Mapped[Decimal] = mapped_column(Numeric(14, 4))
    e: Mapped[Decimal] = mapped_column(Numeric(14, 4))
    accuracy_class: Mapped[str] = mapped_column(String(8))
    instrument_description: Mapped[str] = mapped_column(String(300))
    label_number: Mapped[str | None] = mapped_column(String(40), unique=True)
    verified_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    verified_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                  index=True)

    instrument: Mapped[Instrument] = relationship()
    item: Mapped["RequestItem"] = relationship(viewonly=True)  # noqa: F821
    verified_by: Mapped["User"] = relationship()  # noqa: F821


class CampaignState(StrEnum):
    planned = "planned"
    closed = "closed"


class Campaign(TimestampMixin, VersionedMixin, db.Model):
    """A free on-site verification day at a market (你送我检 brought to the stalls)."""
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    lab_id: Mapped[int] = mapped_column(ForeignKey("labs.id"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    market: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(200), default="")
    day: Mapped[date] = mapped_column(Date, index=True)
    teams: Mapped[int] = mapped_column(default=1)
    target: Mapped[int] = mapped_column(default=100)
    notes: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[CampaignState] = enum_column(CampaignState, default=CampaignState.planned)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    lab: Mapped["Lab"] = relationship()  # noqa: F821
    service: Mapped["Service"] = relationship()  # noqa: F821

    def allows(self, user, action: str = "view") -> bool:
        """Anyone signed in sees a campaign (vendors register for it); the metrology
        lab's staff work it; its managers and admins run it."""
        if not user.is_authenticated:
            return False
        if action == "view":
            return True
        if action == "work":
            return user.role in LAB_ROLES and user.lab_id == self.lab_id
        return user.role == Role.admin or (user.role == Role.lab_manager
                                           and user.lab_id == self.lab_id)
