"""The dashboards' figures, defined once, in plain Python: how long a part took in
working days with the clock's pauses left out, whether it was on time, percentiles
from a histogram of whole working days, rates, satisfaction, and the suppression of
figures over too few cases for the public. Plain values in, plain values out; the
worker (dashboards/refresh.py) feeds them from the desk's records.

Definitions (shown beside each chart):
- turnaround: working days after the day the request was submitted up to and
  including the day its report was first issued, less the working days the clock was
  paused waiting for the applicant (information, a quote, the samples);
- on time: first issued on or before the due date the desk had set when it was
  issued (the promised turnaround, moved on for each pause);
- median and 90th percentile: nearest rank over the items' turnarounds (half, or nine
  in ten, took at most this many working days);
- pass rate: items with a verdict of pass over items with pass or fail (results with
  no limit, or not judged, count in neither);
- response rate: parts rated over parts closed; bad reviews: rated 1 or 2.
"""
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from math import ceil

from core.workdays import WorkCalendar

# The public sees no figure computed over fewer cases than this.
PUBLIC_MINIMUM = 5


def working_days_taken(calendar: WorkCalendar, submitted: date, issued: date,
                       pauses: list[tuple[date, date]] = ()) -> int:
    """Working days from submission to first issue, less those paused: a pause from
    `first` to `last` takes back the working days after `first` up to `last` (as the
    desk gives them back on the due date), clipped to the part's own span."""
    taken = calendar.between(submitted, issued)
    for first, last in pauses:
        first, last = max(first, submitted), min(last, issued)
        taken -= calendar.between(first, last)
    return max(taken, 0)


def pauses_from_steps(steps: list[tuple[date, str]], paused: frozenset[str],
                      until: date) -> list[tuple[date, date]]:
    """The pauses in a part's history of states, given as (day, state entered) in
    order: each stretch spent in a `paused` state, the last one open until `until`."""
    pauses, since = [], None
    for day, state in steps:
        if state in paused and since is None:
            since = day
        elif state not in paused and since is not None:
            pauses.append((since, day))
            since = None
    if since is not None:
        pauses.append((since, until))
    return pauses


def on_time(issued: date, due: date | None) -> bool | None:
    """First issued on or before its due date; None when it had none."""
    return None if due is None else issued <= due


def merge(*histograms: dict[int, int]) -> dict[int, int]:
    """Histograms of whole working days added together."""
    total: dict[int, int] = {}
    for histogram in histograms:
        for days, count in histogram.items():
            total[int(days)] = total.get(int(days), 0) + count
    return total


def percentile(histogram: dict[int, int], share: float) -> int | None:
    """The nearest-rank percentile of a histogram {working days: how many}: the
    least value that at least `share` of the cases do not exceed. None when empty."""
    n = sum(histogram.values())
    if n == 0:
        return None
    rank, seen = max(ceil(share * n), 1), 0
    for days in sorted(histogram):
        seen += histogram[days]
        if seen >= rank:
            return days
    raise AssertionError("unreachable: the ranks add up to n")


def median(histogram: dict[int, int]) -> int | None:
    return percentile(histogram, 0.5)


def p90(histogram: dict[int, int]) -> int | None:
    return percentile(histogram, 0.9)


def rate(part: int, whole: int) -> Decimal | None:
    """`part` of `whole` as a percentage with one decimal; None when there is no whole."""
    if whole <= 0:
        return None
    return (Decimal(100 * part) / whole).quantize(Decimal("0.1"), ROUND_HALF_UP)


def mean(total: int, count: int) -> Decimal | None:
    """A mean with two decimals (a satisfaction level); None over nothing."""
    if count <= 0:
        return None
    return (Decimal(total) / count).quantize(Decimal("0.01"), ROUND_HALF_UP)


@dataclass(frozen=True)
class Satisfaction:
    rated: int
    level_total: int
    closed: int
    bad: int
    followed_up: int

    @property
    def mean(self) -> Decimal | None:
        return mean(self.level_total, self.rated)

    @property
    def response_rate(self) -> Decimal | None:
        return rate(self.rated, self.closed)

    @property
    def followed_up_rate(self) -> Decimal | None:
        return rate(self.followed_up, self.bad)


def shown(value, cases: int, public: bool):
    """A figure as a page may show it: in public, None over fewer than
    PUBLIC_MINIMUM cases (a figure over two or three enterprises tells on them)."""
    return None if public and cases < PUBLIC_MINIMUM else value
