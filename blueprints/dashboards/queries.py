"""What a dashboard shows, read from the month rows the worker keeps: one grouped
statement per table, whatever the number of requests behind them. Filters (a span of
months, a lab, an industry chain, a kind of service) apply to every table alike."""
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import and_, func, or_, select

from blueprints.dashboards import metrics
from blueprints.dashboards.models import (
    BUCKETS,
    BacklogRow,
    ClinicRow,
    FigureRow,
    FigureState,
    SatisfactionRow,
    ScaleRow,
    ServedYearRow,
    Span,
)
from blueprints.dashboards.refresh import STATE
from extensions import db

COUNTS = ("items_in", "parts_in", "requests_in", "items_done", "passed", "failed",
          "on_time", "late", "free_done")
# What a table may be broken down by, and the column that holds it.
BREAKDOWNS = {"month": FigureRow.starts, "lab": FigureRow.lab_id, "kind": FigureRow.kind,
              "chain": FigureRow.chain}


@dataclass(frozen=True)
class Filters:
    first: date                 # the first month's first day
    last: date                  # the last month's first day (included)
    lab_id: int | None = None
    chain: str | None = None    # "" for citizens' requests
    kind: str | None = None

    def where(self, model) -> list:
        found = [model.starts >= self.first, model.starts <= self.last]
        if hasattr(model, "span"):
            found.append(model.span == Span.month)
        if self.lab_id is not None:
            found.append(model.lab_id == self.lab_id)
        if self.chain is not None and hasattr(model, "chain"):
            found.append(model.chain == self.chain)
        if self.kind is not None and hasattr(model, "kind"):
            found.append(model.kind == self.kind)
        return found


@dataclass
class Line:
    """One row of a table: what came in and what was done for one month, lab, kind or
    chain, with its figures as the page shows them (None where suppressed)."""
    key: object
    items_in: int = 0
    parts_in: int = 0
    requests_in: int = 0
    items_done: int = 0
    passed: int = 0
    failed: int = 0
    on_time: int = 0
    late: int = 0
    free_done: int = 0
    histogram: dict = field(default_factory=dict)
    public: bool = False

    def _shown(self, value, cases: int):
        return metrics.shown(value, cases, self.public)

    @property
    def median(self):
        return self._shown(metrics.median(self.histogram), self.items_done)

    @property
    def p90(self):
        return self._shown(metrics.p90(self.histogram), self.items_done)

    @property
    def pass_rate(self):
        judged = self.passed + self.failed
        return self._shown(metrics.rate(self.passed, judged), judged)

    @property
    def on_time_rate(self):
        due = self.on_time + self.late
        return self._shown(metrics.rate(self.on_time, due), due)


# Built once: every board asks for these 60 sums four times.
SUMS = tuple(func.coalesce(func.sum(getattr(FigureRow, c)), 0) for c in (*COUNTS, *BUCKETS))


def lines(filters: Filters, by: str, public: bool = False) -> list[Line]:
    """The table broken down `by` "month", "lab", "kind" or "chain"."""
    column = BREAKDOWNS[by]
    rows = db.session.execute(select(column, *SUMS).where(*filters.where(FigureRow))
                              .group_by(column).order_by(column)).all()
    out = []
    for key, *values in rows:
        counts, buckets = values[:len(COUNTS)], values[len(COUNTS):]
        out.append(Line(key, *counts, histogram={n: v for n, v in enumerate(buckets) if v},
                        public=public))
    return out


def total(found: list[Line], public: bool = False) -> Line:
    """The lines added up."""
    whole = Line("total", public=public)
    for line in found:
        for name in COUNTS:
            setattr(whole, name, getattr(whole, name) + getattr(line, name))
        whole.histogram = metrics.merge(whole.histogram, line.histogram)
    return whole


@dataclass
class SatisfactionLine:
    key: object
    satisfaction: metrics.Satisfaction
    public: bool = False

    @property
    def mean(self):
        return metrics.shown(self.satisfaction.mean, self.satisfaction.rated, self.public)

    @property
    def response_rate(self):
        return metrics.shown(self.satisfaction.response_rate, self.satisfaction.closed,
                             self.public)

    @property
    def followed_up_rate(self):
        return metrics.shown(self.satisfaction.followed_up_rate, self.satisfaction.bad,
                             self.public)


SATISFACTION = ("rated", "level_total", "closed", "bad", "followed_up")


def satisfaction(filters: Filters, public: bool = False) -> list[SatisfactionLine]:
    """Satisfaction by lab (a rating is of a lab's part: the kind filter does not
    apply), and the whole as the last line."""
    sums = [func.coalesce(func.sum(getattr(SatisfactionRow, c)), 0) for c in SATISFACTION]
    rows = db.session.execute(select(SatisfactionRow.lab_id, *sums)
                              .where(*filters.where(SatisfactionRow))
                              .group_by(SatisfactionRow.lab_id)
                              .order_by(SatisfactionRow.lab_id)).all()
    found = [SatisfactionLine(lab, metrics.Satisfaction(*values), public)
             for lab, *values in rows]
    whole = [sum(getattr(line.satisfaction, c) for line in found) for c in SATISFACTION]
    return found + [SatisfactionLine("total", metrics.Satisfaction(*whole), public)]


@dataclass
class ScaleLine:
    market: str
    verified: int
    passed: int
    free: int
    public: bool = False

    @property
    def pass_rate(self):
        return metrics.shown(metrics.rate(self.passed, self.verified), self.verified,
                             self.public)


def scales(filters: Filters, public: bool = False) -> list[ScaleLine]:
    """Trade scales verified by market (the chain and kind filters do not apply)."""
    rows = db.session.execute(
        select(ScaleRow.market, func.sum(ScaleRow.verified), func.sum(ScaleRow.passed),
               func.sum(ScaleRow.free))
        .where(*filters.where(ScaleRow)).group_by(ScaleRow.market)
        .order_by(func.sum(ScaleRow.verified).desc(), ScaleRow.market)).all()
    return [ScaleLine(market, verified, passed, free, public)
            for market, verified, passed, free in rows]


def served(filters: Filters) -> int:
    """The enterprises with a request submitted in the months (under the filters), from
    their rows per year: one row per enterprise and year whatever the filters, so one
    year is a count of rows and several a count of distinct enterprises among them."""
    row = ServedYearRow
    years = []
    for year in range(filters.first.year, filters.last.year + 1):
        since = filters.first.month if year == filters.first.year else 1
        until = filters.last.month if year == filters.last.year else 12
        bits = (1 << until) - (1 << (since - 1))        # months since ... until
        years.append(and_(row.year == year, row.months.bitwise_and(bits) != 0))
    where = [or_(*years),
             row.lab_id.is_(None) if filters.lab_id is None else row.lab_id == filters.lab_id,
             row.kind.is_(None) if filters.kind is None else row.kind == filters.kind]
    if filters.chain is not None:
        where.append(row.chain == filters.chain)
    counted = func.count() if len(years) == 1 else func.count(func.distinct(row.enterprise_id))
    return db.session.scalar(select(counted).select_from(row).where(*where)) or 0


def backlog(filters: Filters) -> list[tuple[int, dict[int, int]]]:
    """Each lab's open parts by age bound (AGES, then 0 for older), as last counted;
    only the lab filter applies (open work is now, not in a span of months)."""
    stmt = select(BacklogRow.lab_id, BacklogRow.age, BacklogRow.parts)
    if filters.lab_id is not None:
        stmt = stmt.where(BacklogRow.lab_id == filters.lab_id)
    found: dict[int, dict[int, int]] = {}
    for lab, age, parts in db.session.execute(stmt.order_by(BacklogRow.lab_id)):
        found.setdefault(lab, {})[age] = parts
    return list(found.items())


@dataclass
class ClinicLine:
    """The quality clinic's cases opened in the months, for one chain or all."""
    key: object
    opened: int = 0
    solved: int = 0
    visit_days: dict = field(default_factory=dict)
    resolution_days: dict = field(default_factory=dict)
    reported: int = 0
    reported_cents: int = 0
    verified: int = 0
    verified_cents: int = 0
    rated: int = 0
    level_total: int = 0
    public: bool = False

    def add(self, row: ClinicRow) -> None:
        for name in ("opened", "solved", "reported", "reported_cents", "verified",
                     "verified_cents", "rated", "level_total"):
            setattr(self, name, getattr(self, name) + getattr(row, name))
        self.visit_days = metrics.merge(self.visit_days, row.visit_days or {})
        self.resolution_days = metrics.merge(self.resolution_days, row.resolution_days or {})

    @property
    def days_to_visit(self):
        return metrics.shown(metrics.median(self.visit_days), self.opened, self.public)

    @property
    def days_to_resolution(self):
        return metrics.shown(metrics.median(self.resolution_days), self.solved, self.public)

    @property
    def mean_rating(self):
        return metrics.shown(metrics.mean(self.level_total, self.rated), self.rated,
                             self.public)

    @property
    def reported_yuan(self):
        return self._yuan(self.reported_cents, self.reported)

    @property
    def verified_yuan(self):
        return self._yuan(self.verified_cents, self.verified)

    def _yuan(self, cents: int, cases: int):
        """Nothing to count when no enterprise said; left out in public under five."""
        if cases == 0:
            return None
        return metrics.shown(Decimal(cents) / 100, cases, self.public)


def clinic(filters: Filters, public: bool = False) -> list[ClinicLine]:
    """The clinic by chain over the months, and the whole as the last line (the lab and
    kind filters do not apply: a case is no lab's)."""
    stmt = select(ClinicRow).where(ClinicRow.starts >= filters.first,
                                   ClinicRow.starts <= filters.last)
    if filters.chain is not None:
        stmt = stmt.where(ClinicRow.chain == filters.chain)
    by_chain: dict[str, ClinicLine] = {}
    whole = ClinicLine("total", public=public)
    for row in db.session.scalars(stmt.order_by(ClinicRow.chain)):
        by_chain.setdefault(row.chain, ClinicLine(row.chain, public=public)).add(row)
        whole.add(row)
    return [*by_chain.values(), whole] if by_chain else []


def computed_at() -> datetime | None:
    """When the worker last brought the figures up to date."""
    return db.session.scalar(select(FigureState.computed_at).where(FigureState.name == STATE))
