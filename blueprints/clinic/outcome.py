"""What a resolved case brought: the benefit the enterprise reports when the desk asks
(90 days after resolution), shown as reported, and as verified once the expert or a
later test of the enterprise confirms it."""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger, DateTime, ForeignKey, Numeric, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from blueprints.clinic.models import ClinicCase, log_case
from blueprints.service_requests.lifecycle import StepRefused
from core.i18n import lazy_gettext as _l
from core.models import VersionedMixin
from core.timeutil import utcnow
from extensions import db


class CaseBenefit(VersionedMixin, db.Model):
    """The benefit of one case: asked for, reported by the enterprise, verified."""
    __tablename__ = "clinic_benefits"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("clinic_cases.id", ondelete="CASCADE"),
                                         unique=True)
    asked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Defect rates in per cent, as the enterprise counts them (before and after).
    defect_rate_before: Mapped[Decimal | None] = mapped_column(Numeric(7, 3))
    defect_rate_after: Mapped[Decimal | None] = mapped_column(Numeric(7, 3))
    cost_saved_cents: Mapped[int | None] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(Text, default="")
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verification: Mapped[str] = mapped_column(Text, default="")
    # A later test of the enterprise that shows the improvement, when one does.
    verifying_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_requests.id"))

    case: Mapped[ClinicCase] = relationship()
    verifying_request: Mapped["ServiceRequest | None"] = relationship()  # noqa: F821
    verified_by: Mapped["User | None"] = relationship(  # noqa: F821
        foreign_keys=[verified_by_id])

    @property
    def is_reported(self) -> bool:
        return self.reported_at is not None

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @classmethod
    def ask(cls, case: ClinicCase) -> "CaseBenefit":
        """The desk asks for the benefit (the worker, once per case)."""
        benefit = cls(case_id=case.id)
        db.session.add(benefit)
        db.session.flush()
        log_case(None, case.id, "benefit_asked")
        return benefit

    def report(self, user, before: Decimal | None, after: Decimal | None,
               saved_cents: int | None, note: str) -> None:
        """The enterprise reports (or corrects, until it is verified) the benefit. At
        least one figure or a text; rates go together."""
        if self.is_verified:
            raise StepRefused(_l("The benefit is verified; it is no longer changed."))
        if (before is None) != (after is None):
            raise StepRefused(_l("Give the defect rate both before and after, or neither."))
        if before is None and saved_cents is None and not note:
            raise StepRefused(_l("Give the defect rates, the cost saved or a few words."))
        self.defect_rate_before, self.defect_rate_after = before, after
        self.cost_saved_cents, self.note = saved_cents, note
        self.reported_at, self.reported_by_id = utcnow(), user.id
        log_case(user, self.case_id, "benefit_reported",
                     after={"defect_rate_before": _text(before),
                            "defect_rate_after": _text(after),
                            "cost_saved_cents": saved_cents}, reason=note)

    def verify(self, user, verification: str, request_id: int | None = None) -> None:
        """The expert or the desk confirms the reported benefit (from what they saw,
        or a later test request of the enterprise that shows it)."""
        if not self.is_reported:
            raise StepRefused(_l("The enterprise has not reported a benefit yet."))
        if self.is_verified:
            raise StepRefused(_l("The benefit is verified already."))
        self.verified_at, self.verified_by_id = utcnow(), user.id
        self.verification, self.verifying_request_id = verification, request_id
        log_case(user, self.case_id, "benefit_verified",
                     after={"request": request_id}, reason=verification)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)
