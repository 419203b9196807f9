"""The service catalogue: what the county's labs can be asked to do, and which lab
offers each service at what price and pace (Capability, its accredited scope)."""
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from blueprints.catalogue.grade_scales import GRADE_SCALES, GradeScale
from blueprints.catalogue.kinds import IndustryChain, LimitKind, ServiceKind
from blueprints.standards.models import Standard
from blueprints.standards.references import parse_one
from blueprints.standards.tokens import indexed
from core.models import TimestampMixin, VersionedMixin, enum_column
from core.numbers import plain
from core.roles import Role
from extensions import db


class Service(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "services"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[ServiceKind] = enum_column(ServiceKind, index=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    method_standard: Mapped[str] = mapped_column(String(200))
    description_zh: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    sample_requirements_zh: Mapped[str] = mapped_column(Text, default="")
    sample_requirements_en: Mapped[str] = mapped_column(Text, default="")
    price_cents: Mapped[int] = mapped_column(default=0)
    turnaround_days: Mapped[int] = mapped_column(default=5)
    is_active: Mapped[bool] = mapped_column(default=True, index=True)
    # The pieces of method_standard the parser could not read or the standards
    # catalogue does not hold, for an administrator to put right ("；"-joined).
    method_unread: Mapped[str] = mapped_column(String(200), default="")
    # Code, names, method and descriptions as the full-text index reads them.
    search_terms: Mapped[str] = mapped_column(Text, default="")

    method_links: Mapped[list["ServiceStandard"]] = relationship(
        back_populates="service", order_by="ServiceStandard.position",
        cascade="all, delete-orphan")
    parameters: Mapped[list["ServiceParameter"]] = relationship(
        back_populates="service", order_by="ServiceParameter.position",
        cascade="all, delete-orphan")
    industries: Mapped[list["ServiceIndustry"]] = relationship(
        cascade="all, delete-orphan", order_by="ServiceIndustry.chain")
    capabilities: Mapped[list["Capability"]] = relationship(  # noqa: F821
        back_populates="service", cascade="all, delete-orphan")

    def reindex(self) -> None:
        self.search_terms = indexed(" ".join(part or "" for part in (
            self.code, self.name_zh, self.name_en, self.method_standard,
            self.description_zh, self.description_en)))

    @property
    def method_editions(self) -> list[Standard]:
        """The editions its method cites, as linked in the standards catalogue."""
        return [link.standard for link in self.method_links]

    @property
    def method_with_years(self) -> str:
        """The method as a report prints it: each linked edition with its year (an
        undated citation names the edition in force when it was linked), then what
        could not be linked, as written; the text itself when never linked."""
        parts = [link.standard.code for link in self.method_links]
        parts += [p for p in self.method_unread.split("；") if p]
        return "；".join(parts) or self.method_standard

    @property
    def superseded_methods(self) -> list[Standard]:
        """Cited editions withdrawn or replaced: 标准查新 flags the service."""
        return [s for s in self.method_editions if s.is_superseded]

    @property
    def chains(self) -> list[IndustryChain]:
        return [i.chain for i in self.industries]

    @property
    def is_free(self) -> bool:
        return self.price_cents == 0

    def allows(self, user, action: str = "view") -> bool:
        """The catalogue is public while a service is active; admins edit it."""
        is_admin = user.is_authenticated and user.role == Role.admin
        return is_admin or (action == "view" and self.is_active)

    def update_parameters(self, rows: list[tuple[int | None, dict]], in_use: set[int]) -> None:
        """Set the parameters from the form's rows, in order: (the id of the parameter
        the row edits, or None for a new one; its values). A parameter with recorded
        results (`in_use`) keeps whatever its results were read and judged by (RECORDED)
        and is not removed: raises ParametersInUse naming them; nothing changes then."""
        current = {p.id: p for p in self.parameters}
        changed = {n: [f for f in RECORDED if values[f] != getattr(current[pid], f)]
                   for n, (pid, values) in enumerate(rows)
                   if pid in current and pid in in_use}
        changed = {n: fields for n, fields in changed.items() if fields}
        kept = {pid for pid, _values in rows if pid in current}
        removed = [p for p in self.parameters if p.id in in_use and p.id not in kept]
        if changed or removed:
            raise ParametersInUse(changed, removed)
        # Move the kept rows out of the way first: (service, position) is unique.
        for n, p in enumerate(self.parameters):
            p.position = 10_000 + n
        self.parameters = [p for p in self.parameters if p.id in kept]
        db.session.flush()
        ordered = []
        for position, (pid, values) in enumerate(rows, start=1):
            p = current[pid] if pid in current else ServiceParameter()
            for name, value in values.items():
                setattr(p, name, value)
            p.position = position
            ordered.append(p)
        self.parameters = ordered

    def __repr__(self) -> str:
        return f"<Service {self.code}>"


# What a recorded result was read and judged by: fixed once a parameter has results.
class ServiceStandard(db.Model):
    """A standard its method cites, read by the parser from method_standard: the
    reference as cited (undated stays undated) and the catalogue's edition it means."""
    __tablename__ = "service_standards"
    __table_args__ = (UniqueConstraint("service_id", "position",
                                       name="uq_service_standards_service_position"),
                      Index("ix_service_standards_standard", "standard_id", "service_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    standard_id: Mapped[int] = mapped_column(ForeignKey("standards.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    cited: Mapped[str] = mapped_column(String(80))

    service: Mapped[Service] = relationship(back_populates="method_links")
    standard: Mapped[Standard] = relationship(lazy="joined")

    @property
    def is_dated(self) -> bool:
        return parse_one(self.cited).year is not None


RECORDED = ("unit", "limit_kind", "limit_min", "limit_max", "limit_text", "detection_limit",
            "grade_scale", "has_uncertainty")


class ParametersInUse(Exception):
    """Parameters with recorded results that a change would alter (`changed`: row index
    to the fields) or remove (`removed`)."""

    def __init__(self, changed: dict[int, list[str]], removed: list):
        super().__init__(f"changed {changed}, removed {[p.id for p in removed]}")
        self.changed = changed
        self.removed = removed


class ServiceIndustry(db.Model):
    """Which industry chains a service serves (a service may serve several)."""
    __tablename__ = "service_industries"

    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"),
                                            primary_key=True)
    chain: Mapped[IndustryChain] = enum_column(IndustryChain, primary_key=True)

    __table_args__ = (Index("ix_service_industries_chain", "chain", "service_id"),)


class ServiceParameter(db.Model):
    """A measured parameter of a service, with its unit and the limit results are
    judged against."""
    __tablename__ = "service_parameters"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"),
                                            index=True)
    position: Mapped[int] = mapped_column(default=0)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(40), default="")
    limit_kind: Mapped[LimitKind] = enum_column(LimitKind, default=LimitKind.none)
    limit_min: Mapped[Decimal | None] = mapped_column(Numeric(18, 6))
    limit_max: Mapped[Decimal | None] = mapped_column(Numeric(18, 6))
    limit_text: Mapped[str] = mapped_column(String(200), default="")
    has_uncertainty: Mapped[bool] = mapped_column(default=False)
    # The method's limit of detection: "not detected" (ND) means below it.
    detection_limit: Mapped[Decimal | None] = mapped_column(Numeric(18, 6))
    # Results read on a grade scale (grade_scales.GRADE_SCALES: "grey" ...), or "".
    grade_scale: Mapped[str] = mapped_column(String(20), default="")

    service: Mapped[Service] = relationship(back_populates="parameters")

    @property
    def grades(self) -> GradeScale | None:
        return GRADE_SCALES.get(self.grade_scale or "")

    def limit_value(self, value: Decimal | None) -> str:
        """A limit as people read it: a number, or a grade's name on its scale."""
        grades = self.grades
        return grades.name_of(value) if grades else plain(value)

    __table_args__ = (UniqueConstraint("service_id", "position",
                                       name="uq_service_parameters_position"),)


class Capability(TimestampMixin, VersionedMixin, db.Model):
    """One service within a lab's accredited scope, at the lab's price and pace."""
    __tablename__ = "capabilities"

    id: Mapped[int] = mapped_column(primary_key=True)
    lab_id: Mapped[int] = mapped_column(ForeignKey("labs.id", ondelete="CASCADE"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"),
                                            index=True)
    price_cents: Mapped[int] = mapped_column()
    turnaround_days: Mapped[int] = mapped_column()
    daily_capacity: Mapped[int] = mapped_column(default=10)
    # ISO/IEC 17025 reports carry the CMA/CNAS mark only within the accredited scope.
    cma_accredited: Mapped[bool] = mapped_column(default=True)
    cnas_accredited: Mapped[bool] = mapped_column(default=False)
    # Calibration certificates state how results are traceable (17025 7.8.4.1 c):
    # the reference standards used and whose calibration they carry.
    traceability: Mapped[str] = mapped_column(Text, default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    # The lab's items of this service not done yet, kept as parts open and close
    # (service_requests.models.keep_open_work): routing's view of the lab's queue.
    open_items: Mapped[int] = mapped_column(default=0, server_default="0")

    lab: Mapped["Lab"] = relationship(back_populates="capabilities")  # noqa: F821
    service: Mapped[Service] = relationship(back_populates="capabilities")

    __table_args__ = (UniqueConstraint("lab_id", "service_id", name="uq_capabilities_lab_service"),)


@event.listens_for(Service, "before_insert")
@event.listens_for(Service, "before_update")
def _keep_search_terms(_mapper, _connection, service: Service) -> None:
    service.reindex()
