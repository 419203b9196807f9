"""An enterprise's quality profile: what the desk knows of it over the last 24 months,
each figure from the desk's own records (its items and reports month by month from the
rows the worker keeps; its instruments, clinic cases and the standards it follows
counted from its own records, which grow with the enterprise, not the desk)."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from blueprints.clinic.lifecycle import CaseState
from blueprints.clinic.models import ClinicCase
from blueprints.clinic.outcome import CaseBenefit
from blueprints.dashboards import metrics
from blueprints.dashboards.models import EnterpriseRow, Span
from blueprints.metrology.models import Instrument
from blueprints.standards.models import StandardFollow
from core.timeutil import months_back
from extensions import db

MONTHS = 24


@dataclass
class Month:
    starts: date
    items_done: int = 0
    passed: int = 0
    failed: int = 0
    on_time: int = 0
    late: int = 0
    reports: int = 0             # reports and certificates first issued (not amendments)

    @property
    def pass_rate(self):
        return metrics.rate(self.passed, self.passed + self.failed)

    @property
    def on_time_rate(self):
        return metrics.rate(self.on_time, self.on_time + self.late)


@dataclass
class Profile:
    first: date
    months: list[Month]
    whole: Month
    calibrations: Month          # calibrations only: reported on time
    certificates: int
    instruments: int
    instruments_overdue: int
    instruments_in_date: int     # verified and not yet due again
    cases: int
    cases_solved: int
    cases_ended: int             # solved or withdrawn: the cases that came to an end
    benefit_reported_cents: int
    benefit_verified_cents: int
    standards_followed: int


def quality_profile(enterprise_id: int, today: date) -> Profile:
    """The enterprise's profile over the 24 months up to `today`'s."""
    first = months_back(today, MONTHS - 1)
    months: dict[date, Month] = {}
    whole, calibrations = Month(first), Month(first)
    for row in db.session.scalars(select(EnterpriseRow).where(
            EnterpriseRow.enterprise_id == enterprise_id, EnterpriseRow.span == Span.month,
            EnterpriseRow.starts >= first).order_by(EnterpriseRow.starts)):
        for line in (months.setdefault(row.starts, Month(row.starts)), whole,
                     *((calibrations,) if row.kind == "calibration" else ())):
            for name in ("items_done", "passed", "failed", "on_time", "late", "reports"):
                setattr(line, name, getattr(line, name) + getattr(row, name))
    instruments, overdue, in_date = db.session.execute(
        select(func.count(Instrument.id),
               func.count(Instrument.id).filter(Instrument.next_due < today),
               func.count(Instrument.id).filter(Instrument.next_due >= today))
        .where(Instrument.enterprise_id == enterprise_id)).one()
    cases, solved, ended = db.session.execute(
        select(func.count(ClinicCase.id),
               func.count(ClinicCase.id).filter(ClinicCase.state == CaseState.resolved),
               func.count(ClinicCase.id).filter(ClinicCase.state.in_(
                   (CaseState.resolved, CaseState.withdrawn))))
        .where(ClinicCase.enterprise_id == enterprise_id)).one()
    reported, verified = db.session.execute(
        select(func.coalesce(func.sum(CaseBenefit.cost_saved_cents).filter(
                   CaseBenefit.reported_at.is_not(None)), 0),
               func.coalesce(func.sum(CaseBenefit.cost_saved_cents).filter(
                   CaseBenefit.verified_at.is_not(None)), 0))
        .join(ClinicCase, ClinicCase.id == CaseBenefit.case_id)
        .where(ClinicCase.enterprise_id == enterprise_id)).one()
    followed = db.session.scalar(select(func.count(StandardFollow.id)).where(
        StandardFollow.enterprise_id == enterprise_id))
    return Profile(first, list(months.values()), whole, calibrations, whole.reports,
                   instruments, overdue, in_date, cases, solved, ended, int(reported),
                   int(verified), followed or 0)
