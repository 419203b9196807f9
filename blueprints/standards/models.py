"""The standards catalogue: one row per edition of a standard (GB/T 3920-2008 and
GB/T 3920-2024 are two rows with one key), its titles, status and dates, what replaced
it, its ICS fields, issuing body, adoption of an international standard and scope."""
from datetime import date
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from blueprints.standards.references import Edition, Reference
from blueprints.standards.tokens import indexed
from core.models import TimestampMixin, enum_column
from extensions import db


class StandardStatus(StrEnum):
    current = "current"          # 现行
    withdrawn = "withdrawn"      # 废止
    replaced = "replaced"        # 被代替
    upcoming = "upcoming"        # 即将实施 (issued, not yet in force)


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

    def reindex(self) -> None:
        self.search_terms = indexed(" ".join(part or "" for part in (
            self.code, self.title_zh, self.title_en, self.scope_zh, self.scope_en)))
