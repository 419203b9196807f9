"""Labs: the county's testing and metrology organisations (their scope of services is
the catalogue's Capability)."""
from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models import TimestampMixin, VersionedMixin
from core.roles import LAB_ROLES, Role
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
