"""The clinic's figures for the county: cases by chain and month, problems solved, the
median working days to the first visit and to resolution, the benefit reported and
verified, and satisfaction. `summarise` is plain Python over plain rows; `county_figures`
reads the rows for a period (one query per figure)."""
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from statistics import median

from sqlalchemy import func, select

from blueprints.clinic.kinds import VisitState
from blueprints.clinic.lifecycle import CaseState
from blueprints.clinic.models import CaseRating, ClinicCase
from blueprints.clinic.outcome import CaseBenefit
from blueprints.clinic.work import CaseVisit
from core.timeutil import LOCAL_TZ, to_local, utcnow
from core.workdays import WorkCalendar
from core.working_calendar import desk_calendar
from extensions import db


@dataclass(frozen=True)
class CaseRow:
    """What the figures need of one case, in local time."""
    chain: str
    opened: datetime
    resolved: datetime | None = None
    first_visit: datetime | None = None


@dataclass(frozen=True)
class Benefits:
    reported: int = 0
    reported_cents: int = 0
    verified: int = 0
    verified_cents: int = 0


@dataclass(frozen=True)
class Satisfaction:
    rated: int = 0
    mean: float | None = None
    bad: int = 0
    followed_up: int = 0


@dataclass(frozen=True)
class Figures:
    opened: int
    solved: int
    by_chain_month: dict[tuple[str, str], int] = field(default_factory=dict)
    months: list[str] = field(default_factory=list)
    chains: list[str] = field(default_factory=list)
    median_days_to_visit: float | None = None
    median_days_to_resolution: float | None = None
    benefits: Benefits = Benefits()
    satisfaction: Satisfaction = Satisfaction()


def working_days(calendar: WorkCalendar, start: datetime, end: datetime) -> int:
    """Working days from one moment to a later one, by their local dates."""
    return calendar.between(start.date(), end.date())


def summarise(rows: list[CaseRow], calendar: WorkCalendar, benefits: Benefits,
              satisfaction: Satisfaction) -> Figures:
    """The county's figures over the cases opened in a period. Medians are in working
    days on the desk's calendar and count only the cases that got there (visited,
    resolved); None when none did."""
    counts = Counter((r.chain, r.opened.strftime("%Y-%m")) for r in rows)
    to_visit = [working_days(calendar, r.opened, r.first_visit) for r in rows
                if r.first_visit is not None]
    to_resolution = [working_days(calendar, r.opened, r.resolved) for r in rows
                     if r.resolved is not None]
    return Figures(
        opened=len(rows), solved=len(to_resolution), by_chain_month=dict(counts),
        months=sorted({m for _c, m in counts}), chains=sorted({c for c, _m in counts}),
        median_days_to_visit=median(to_visit) if to_visit else None,
        median_days_to_resolution=median(to_resolution) if to_resolution else None,
        benefits=benefits, satisfaction=satisfaction)


def _period(first: date, last: date):
    # In UTC, as the times are kept: SQLite compares them as text, and would read a
    # local midnight as a UTC one (eight hours off).
    start = datetime.combine(first, datetime.min.time(), LOCAL_TZ).astimezone(UTC)
    end = datetime.combine(last, datetime.max.time(), LOCAL_TZ).astimezone(UTC)
    return ClinicCase.created_at >= start, ClinicCase.created_at <= end


def county_figures(first: date, last: date) -> Figures:
    """The figures of the cases opened from `first` to `last` (local dates)."""
    period = _period(first, last)
    visits = (select(CaseVisit.case_id, func.min(CaseVisit.starts_at).label("first"))
              .where(CaseVisit.state == VisitState.booked, CaseVisit.starts_at <= utcnow())
              .group_by(CaseVisit.case_id).subquery())
    rows = [CaseRow(chain.value, to_local(opened),
                    to_local(resolved) if state == CaseState.resolved else None,
                    to_local(first_visit))
            for chain, opened, resolved, state, first_visit in db.session.execute(
                select(ClinicCase.chain, ClinicCase.created_at, ClinicCase.resolved_at,
                       ClinicCase.state, visits.c.first)
                .outerjoin(visits, visits.c.case_id == ClinicCase.id).where(*period))]
    reported, reported_cents, verified, verified_cents = db.session.execute(
        select(func.count(CaseBenefit.reported_at),
               func.coalesce(func.sum(CaseBenefit.cost_saved_cents), 0),
               func.count(CaseBenefit.verified_at),
               func.coalesce(func.sum(CaseBenefit.cost_saved_cents).filter(
                   CaseBenefit.verified_at.is_not(None)), 0))
        .join(ClinicCase, ClinicCase.id == CaseBenefit.case_id).where(*period)).one()
    rated, mean, bad, followed = db.session.execute(
        select(func.count(CaseRating.id), func.avg(CaseRating.level),
               func.count(CaseRating.follow_up_due), func.count(CaseRating.followed_up_at))
        .join(ClinicCase, ClinicCase.id == CaseRating.case_id).where(*period)).one()
    return summarise(rows, desk_calendar(),
                     Benefits(reported, int(reported_cents), verified, int(verified_cents)),
                     Satisfaction(rated, round(float(mean), 2) if mean is not None else None,
                                  bad, followed))
