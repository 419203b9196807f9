"""What the dashboards read: figures the worker keeps per day and per month (the
sum of its days), so a page costs the same at ten thousand and a million requests.

FigureRow: per day x lab x service x industry chain, and per month x lab x kind of
service x chain (what the boards break down by: a quarter of the rows, so a board sums
some 500 rows for a year, not 2,000): items in, parts and requests in, items done
(their part first issued), passed and failed, on time and late, and the turnaround
histogram as columns of whole working days (t0 ... t40, and t41 for more), which SQL
adds up like any count.
SatisfactionRow: per span x lab x chain: parts closed, ratings and their levels, bad
reviews and those followed up.
ScaleRow: per span x lab x market: scales verified, passed, verified free.
ServedRow: the enterprises served per month; ServedYearRow: the same as one row per
enterprise and year with a bit per month, which the page counts; ClinicRow: the quality clinic's cases per
month and chain; BacklogRow: each lab's open parts by age,
as last counted.
FigureState: how far the worker has read the audit trail, and when it last did."""
from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Date, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db

# The turnaround histogram's columns: t0 ... t40 working days, then t41 for more.
LONGEST = 41
BUCKETS = tuple(f"t{n}" for n in range(LONGEST + 1))


class Span:
    day = "day"
    month = "month"


class Spanned:
    """What every kind of figure row is keyed by first: a day or a month, and a lab."""
    id: Mapped[int] = mapped_column(primary_key=True)
    span: Mapped[str] = mapped_column(String(5))          # Span.day or Span.month
    starts: Mapped[date] = mapped_column(Date)             # the day, or the month's first
    lab_id: Mapped[int] = mapped_column(ForeignKey("labs.id", ondelete="CASCADE"))


class FigureRow(Spanned, db.Model):
    __tablename__ = "figure_rows"

    # The service on day rows; none on month rows.
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id",
                                                              ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))          # the service's kind
    chain: Mapped[str] = mapped_column(String(32))         # the enterprise's; "" a citizen's
    items_in: Mapped[int] = mapped_column(default=0)
    parts_in: Mapped[int] = mapped_column(default=0)       # counted on a part's first item
    requests_in: Mapped[int] = mapped_column(default=0)    # on a request's first item
    items_done: Mapped[int] = mapped_column(default=0)
    passed: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)
    on_time: Mapped[int] = mapped_column(default=0)
    late: Mapped[int] = mapped_column(default=0)
    free_done: Mapped[int] = mapped_column(default=0)      # done at no charge

    __table_args__ = (Index("ix_figure_rows_span", "span", "starts", "lab_id"),)

    def histogram(self) -> dict[int, int]:
        return {n: getattr(self, f"t{n}") for n in range(LONGEST + 1) if getattr(self, f"t{n}")}


# The histogram's columns, one per whole working day.
for _n in range(LONGEST + 1):
    setattr(FigureRow, f"t{_n}", mapped_column(f"t{_n}", Integer, default=0, nullable=False))
del _n


class SatisfactionRow(Spanned, db.Model):
    __tablename__ = "figure_satisfaction"

    chain: Mapped[str] = mapped_column(String(32))
    closed: Mapped[int] = mapped_column(default=0)
    rated: Mapped[int] = mapped_column(default=0)
    level_total: Mapped[int] = mapped_column(default=0)
    bad: Mapped[int] = mapped_column(default=0)
    followed_up: Mapped[int] = mapped_column(default=0)

    __table_args__ = (Index("ix_figure_satisfaction_span", "span", "starts", "lab_id"),)


class ScaleRow(Spanned, db.Model):
    __tablename__ = "figure_scales"

    market: Mapped[str] = mapped_column(String(100))
    verified: Mapped[int] = mapped_column(default=0)
    passed: Mapped[int] = mapped_column(default=0)
    free: Mapped[int] = mapped_column(default=0)

    __table_args__ = (Index("ix_figure_scales_span", "span", "starts", "lab_id"),)


class ServedRow(db.Model):
    """An enterprise served in a month (a request of its submitted), by lab, kind and
    chain: the page counts them distinct over its months and filters."""
    __tablename__ = "figure_served"

    id: Mapped[int] = mapped_column(primary_key=True)
    starts: Mapped[date] = mapped_column(Date)             # the month's first day
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id",
                                                          ondelete="CASCADE"))
    lab_id: Mapped[int] = mapped_column(ForeignKey("labs.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    chain: Mapped[str] = mapped_column(String(32))

    __table_args__ = (Index("ix_figure_served_month", "starts", "lab_id"),)


class ServedYearRow(db.Model):
    """An enterprise served in a year: bit m - 1 of `months` is set when it was served in
    month m. Besides a row per lab and kind, a row with no lab (every lab), with no kind
    (every kind) and with neither, so that whatever the filters, an enterprise has one
    row per year: over one year the page counts rows; over years, distinct enterprises
    among a row per year. At a million requests that is some 13,000 rows for a year,
    where the month rows hold ten times as many."""
    __tablename__ = "figure_served_years"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id",
                                                          ondelete="CASCADE"))
    lab_id: Mapped[int | None] = mapped_column(ForeignKey("labs.id", ondelete="CASCADE"))
    kind: Mapped[str | None] = mapped_column(String(20))
    chain: Mapped[str] = mapped_column(String(32))
    months: Mapped[int] = mapped_column(Integer)

    # Covering: the count reads the index alone.
    __table_args__ = (Index("ix_figure_served_years_key", "year", "lab_id", "kind", "chain",
                            "months", "enterprise_id"),)


# How old the open work is, in days since it was submitted: each bucket's upper bound.
AGES = (7, 14, 30, 60)


class BacklogRow(db.Model):
    """The open parts of each lab by age, as the worker last counted them."""
    __tablename__ = "figure_backlog"

    id: Mapped[int] = mapped_column(primary_key=True)
    lab_id: Mapped[int] = mapped_column(ForeignKey("labs.id", ondelete="CASCADE"))
    age: Mapped[int] = mapped_column()                     # an AGES bound, or 0 for older
    parts: Mapped[int] = mapped_column(default=0)


class EnterpriseRow(db.Model):
    """An enterprise's items reported per day and per month, by kind of service: passed,
    failed, on time and late, and the reports first issued (its quality profile reads 24
    month rows)."""
    __tablename__ = "figure_enterprises"

    id: Mapped[int] = mapped_column(primary_key=True)
    span: Mapped[str] = mapped_column(String(5))
    starts: Mapped[date] = mapped_column(Date)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id",
                                                          ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    items_done: Mapped[int] = mapped_column(default=0)
    passed: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)
    on_time: Mapped[int] = mapped_column(default=0)
    late: Mapped[int] = mapped_column(default=0)
    reports: Mapped[int] = mapped_column(default=0)   # parts first issued (one report each)

    __table_args__ = (Index("ix_figure_enterprises_span", "enterprise_id", "span", "starts"),)


class ClinicRow(db.Model):
    """The quality clinic's cases opened in a month, by industry chain: how many, how many
    solved, the working days to the first visit and to resolution (histograms {days:
    cases}), the benefit reported and verified, and the ratings."""
    __tablename__ = "figure_clinic"

    id: Mapped[int] = mapped_column(primary_key=True)
    starts: Mapped[date] = mapped_column(Date, index=True)   # the month's first day
    chain: Mapped[str] = mapped_column(String(32))
    opened: Mapped[int] = mapped_column(default=0)
    solved: Mapped[int] = mapped_column(default=0)
    visit_days: Mapped[dict] = mapped_column(JSON, default=dict)
    resolution_days: Mapped[dict] = mapped_column(JSON, default=dict)
    reported: Mapped[int] = mapped_column(default=0)
    reported_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    verified: Mapped[int] = mapped_column(default=0)
    verified_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    rated: Mapped[int] = mapped_column(default=0)
    level_total: Mapped[int] = mapped_column(default=0)
    bad: Mapped[int] = mapped_column(default=0)
    followed_up: Mapped[int] = mapped_column(default=0)


class FigureState(db.Model):
    """The worker's place in the audit trail (one row, name "figures")."""
    __tablename__ = "figure_state"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    last_event_id: Mapped[int] = mapped_column(default=0)
    computed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
