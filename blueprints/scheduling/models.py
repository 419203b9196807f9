"""Bookable resources of a lab (reception counter, on-site teams, key instruments),
their slots, the bookings in them."""
from datetime import datetime, time

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    Time,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from blueprints.scheduling.kinds import BookingState, ResourceKind
from core.models import TimestampMixin, VersionedMixin, enum_column
from core.roles import LAB_ROLES, Role
from extensions import db


class Resource(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "resources"

    id: Mapped[int] = mapped_column(primary_key=True)
    lab_id: Mapped[int] = mapped_column(ForeignKey("labs.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[ResourceKind] = enum_column(ResourceKind)
    opens: Mapped[time] = mapped_column(Time)
    closes: Mapped[time] = mapped_column(Time)
    weekdays: Mapped[str] = mapped_column(String(7), default="01234")  # Monday = 0
    slot_minutes: Mapped[int] = mapped_column(default=30)
    capacity: Mapped[int] = mapped_column(default=2)                  # bookings per slot
    active: Mapped[bool] = mapped_column(default=True)

    lab: Mapped["Lab"] = relationship()  # noqa: F821

    def allows(self, user, action: str = "view") -> bool:
        """Anyone signed in sees a lab's bookable resources; its managers change them."""
        if not user.is_authenticated:
            return False
        if action == "view":
            return True
        return user.role == Role.lab_manager and user.lab_id == self.lab_id


class Slot(db.Model):
    """One bookable period of a resource. `booked` never exceeds `capacity`: the
    database refuses it (CHECK), and booking is one conditional UPDATE."""
    __tablename__ = "slots"
    __table_args__ = (UniqueConstraint("resource_id", "starts_at"),
                      CheckConstraint("booked >= 0 AND booked <= capacity",
                                      name="booked_within_capacity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resources.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    capacity: Mapped[int] = mapped_column()
    booked: Mapped[int] = mapped_column(default=0)

    resource: Mapped[Resource] = relationship()

    @property
    def free(self) -> int:
        return self.capacity - self.booked


class Booking(TimestampMixin, db.Model):
    __tablename__ = "bookings"
    __table_args__ = (
        Index("ix_bookings_slot_state", "slot_id", "state"),
        # A part holds one live booking at a time (rebooking cancels the old one first).
        Index("uq_bookings_live_part", "sub_request_id", unique=True,
              sqlite_where=text("state = 'booked'"), postgresql_where=text("state = 'booked'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slots.id"))
    sub_request_id: Mapped[int | None] = mapped_column(ForeignKey("sub_requests.id"),
                                                       index=True)
    booked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    state: Mapped[BookingState] = enum_column(BookingState, default=BookingState.booked)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    slot: Mapped[Slot] = relationship()
    sub_request: Mapped["SubRequest | None"] = relationship()  # noqa: F821

    @property
    def is_live(self) -> bool:
        """Still to come: it can be moved or cancelled (not done, not given back)."""
        return self.state == BookingState.booked

    @property
    def is_visit(self) -> bool:
        return self.slot.resource.kind == ResourceKind.onsite_team

    def allows(self, user, action: str = "view") -> bool:
        """Whoever may see the part sees its booking; its applicant or lab cancels it."""
        if self.sub_request is None:
            return user.is_authenticated and (user.id == self.booked_by_id or (
                user.role in LAB_ROLES and user.lab_id == self.slot.resource.lab_id))
        return self.sub_request.allows(user, "view")
