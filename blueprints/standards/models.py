"""The standards catalogue: one row per edition of a standard (GB/T 3920-2008 and
GB/T 3920-2024 are two rows with one key), its titles, status and dates, what replaced
it, its ICS fields, issuing body, adoption of an international standard and scope."""
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from blueprints.standards.references import Edition, Reference
from blueprints.standards.tokens import indexed
from core.models import TimestampMixin, enum_column
from core.roles import Role
from core.timeutil import utcnow
from extensions import db


class StandardStatus(StrEnum):
    current = "current"          # 现行
    withdrawn = "withdrawn"      # 废止
    replaced = "replaced"        # 被代替
    upcoming = "upcoming"        # 即将实施 (issued, not yet in force)


SUPERSEDED = frozenset({StandardStatus.withdrawn, StandardStatus.replaced})


class Adoption(StrEnum):
    """How a national standard takes over an international one (GB/T 20000.2)."""
    none = ""
    identical = "IDT"
    modified = "MOD"
    not_equivalent = "NEQ"


class Standard(TimestampMixin, db.Model):
    __tablename__ = "standards"

    id: Mapped[int] = mapped_column(primary_key=True)
    # "GB/T 3920-2008": the edition, unique; "GB/T 3920": what its editions share.
    code: Mapped[str] = mapped_column(String(80), unique=True)
    key: Mapped[str] = mapped_column(String(60), index=True)
    prefix: Mapped[str] = mapped_column(String(20), index=True)
    year: Mapped[int | None] = mapped_column()
    all_parts: Mapped[bool] = mapped_column(default=False)
    title_zh: Mapped[str] = mapped_column(String(400), default="")
    title_en: Mapped[str] = mapped_column(String(400), default="")
    status: Mapped[StandardStatus] = enum_column(StandardStatus, default=StandardStatus.current,
                                                 index=True)
    issued_on: Mapped[date | None] = mapped_column(Date)
    implemented_on: Mapped[date | None] = mapped_column(Date)
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    replaced_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("standards.id", ondelete="SET NULL"))
    # ICS codes, space-separated ("59.080.01 61.060"); the first is the main field.
    ics: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(String(200), default="")   # issuing or responsible
    adoption: Mapped[Adoption] = enum_column(Adoption, default=Adoption.none)
    adopted_from: Mapped[str] = mapped_column(String(80), default="")  # "ISO 105-C06:2010"
    scope_zh: Mapped[str] = mapped_column(Text, default="")
    scope_en: Mapped[str] = mapped_column(Text, default="")
    # The search terms of its number, titles and scope (tokens.indexed), kept with
    # every change; the databases' own full-text indexes read this column.
    search_terms: Mapped[str] = mapped_column(Text, default="")

    replaced_by: Mapped["Standard | None"] = relationship(remote_side=[id])

    __table_args__ = (Index("ix_standards_status_key", "status", "key"),)

    @classmethod
    def from_reference(cls, ref: Reference, **values) -> "Standard":
        return cls(code=str(ref), key=ref.key, prefix=ref.prefix, year=ref.year,
                   all_parts=ref.all_parts, **values)

    @property
    def is_current(self) -> bool:
        return self.status == StandardStatus.current

    def edition(self) -> Edition:
        """This row as the pure resolver reads it."""
        return Edition(self.key, self.year, self.is_current,
                       self.replaced_by.code if self.replaced_by else None)

    @property
    def is_superseded(self) -> bool:
        """Withdrawn or replaced: a lab testing to it should move to what is in force."""
        return self.status in SUPERSEDED

    def can_change_status(self, user) -> bool:
        return user.is_authenticated and user.role == Role.admin

    def withdraw(self, on: date) -> None:
        """废止: no longer in force, with nothing in its place."""
        self.status, self.withdrawn_on, self.replaced_by = StandardStatus.withdrawn, on, None

    def replace_with(self, successor: "Standard", on: date) -> None:
        """被代替: the successor is in force from `on`; raises ValueError for itself."""
        if successor is self or successor.id == self.id:
            raise ValueError("a standard cannot replace itself")
        self.status, self.withdrawn_on, self.replaced_by = StandardStatus.replaced, on, successor

    def comes_into_force(self, today: date) -> bool:
        """即将实施 → 现行 on its implementation date; True when it did."""
        if self.status == StandardStatus.upcoming and self.implemented_on \
                and self.implemented_on <= today:
            self.status = StandardStatus.current
            return True
        return False

    def ends_by_replacement(self, today: date) -> bool:
        """An edition whose successor was named while not yet in force: 被代替 once the
        successor is in force and its own end date has come; True when it did."""
        successor = self.replaced_by
        if (self.status == StandardStatus.current and successor is not None
                and successor.status == StandardStatus.current
                and (self.withdrawn_on is None or self.withdrawn_on <= today)):
            self.status = StandardStatus.replaced
            self.withdrawn_on = self.withdrawn_on or successor.implemented_on or today
            return True
        return False

    def reinstate(self) -> None:
        """现行 again (a withdrawal entered by mistake)."""
        self.status, self.withdrawn_on, self.replaced_by = StandardStatus.current, None, None

    def reindex(self) -> None:
        self.search_terms = indexed(" ".join(part or "" for part in (
            self.code, self.title_zh, self.title_en, self.scope_zh, self.scope_en)))


class StandardFollow(db.Model):
    """An enterprise follows a standard (its products' standards) and is told, once,
    when its status changes from the one it last saw."""
    __tablename__ = "standard_follows"
    __table_args__ = (UniqueConstraint("enterprise_id", "standard_id",
                                       name="uq_standard_follows_enterprise_standard"),
                      Index("ix_standard_follows_standard", "standard_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id", ondelete="CASCADE"))
    standard_id: Mapped[int] = mapped_column(ForeignKey("standards.id", ondelete="CASCADE"))
    status_seen: Mapped[StandardStatus] = enum_column(StandardStatus)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    standard: Mapped[Standard] = relationship()
