"""A dashboard's tables as plain rows: the page renders them and the exports write
them, so a workbook holds exactly what the screen shows under the same filters. A
row's first cell names it; a figure left out (too few cases, or nothing to count) is
None."""
from dataclasses import dataclass, field

from blueprints.catalogue.labels import INDUSTRY_LABELS, SERVICE_KIND_LABELS
from blueprints.dashboards.models import AGES
from core.i18n import lazy_gettext as _l


@dataclass(frozen=True)
class Column:
    label: object           # a lazy string: words in the reader's language
    unit: str = ""          # "%" for a rate


@dataclass
class Table:
    key: str                # the page's section id, the workbook's sheet
    title: object
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    empty: object = _l("Nothing in these months.")
    total_last: bool = False    # the last row adds up the others
    note: object = ""           # which filters do not apply, and why


DONE_COLUMNS = [Column(_l("Requests in")), Column(_l("Items in")), Column(_l("Items reported")),
                Column(_l("Pass rate"), "%"), Column(_l("Median (working days)")),
                Column(_l("90th percentile")), Column(_l("On time"), "%")]
CITIZENS = _l("Citizens (no enterprise)")


def _done(name, line) -> list:
    return [name, line.requests_in, line.items_in, line.items_done, line.pass_rate,
            line.median, line.p90, line.on_time_rate]


BACKLOG_COLUMNS = [Column(_l("Lab")), Column(_l("Up to 7 days")), Column(_l("8 to 14 days")),
                   Column(_l("15 to 30 days")), Column(_l("31 to 60 days")),
                   Column(_l("Over 60 days")), Column(_l("Open in all"))]


def _backlog_row(name, ages: dict[int, int]) -> list:
    cells = [ages.get(bound, 0) for bound in (*AGES, 0)]
    return [name, *cells, sum(cells)]


def board_tables(by: dict, satisfaction: list, scales: list, backlog: list, clinic: list,
                 labs: dict[int, str], own_lab: int | None) -> list[Table]:
    """The tables of a board, in the page's order."""
    found = [Table("by-month", _l("By month"), [Column(_l("Month")), *DONE_COLUMNS],
                   [_done(line.key.strftime("%Y-%m"), line) for line in by["month"]])]
    if own_lab is None:
        found.append(Table("by-lab", _l("By lab"), [Column(_l("Lab")), *DONE_COLUMNS],
                           [_done(labs.get(line.key, str(line.key)), line)
                            for line in by["lab"]]))
    found.append(Table("by-kind", _l("By kind of service"),
                       [Column(_l("Kind of service")), *DONE_COLUMNS],
                       [_done(SERVICE_KIND_LABELS.get(line.key, line.key), line)
                        for line in by["kind"]]))
    found.append(Table("by-chain", _l("By industry chain"),
                       [Column(_l("Industry chain")), *DONE_COLUMNS],
                       [_done(INDUSTRY_LABELS.get(line.key, line.key) if line.key
                              else CITIZENS, line) for line in by["chain"]]))
    found.append(Table(
        "satisfaction", _l("Satisfaction"),
        [Column(_l("Lab")), Column(_l("Ratings")), Column(_l("Mean of 5")),
         Column(_l("Response rate"), "%"), Column(_l("Bad reviews")),
         Column(_l("Followed up"), "%")],
        [[_l("In all") if line.key == "total" else labs.get(line.key, str(line.key)),
          line.satisfaction.rated, line.mean, line.response_rate, line.satisfaction.bad,
          line.followed_up_rate] for line in satisfaction], total_last=True,
        note=_l("The kind filter does not apply: a rating is of a lab's whole part.")))
    found.append(Table(
        "backlog", _l("Open work by age (days since submitted, as now)"), BACKLOG_COLUMNS,
        [_backlog_row(labs.get(lab, str(lab)), ages) for lab, ages in backlog],
        empty=_l("No open work."),
        note=_l("Open work as it is now: only the lab filter applies.")))
    if own_lab is None:
        found.append(Table(
            "clinic", _l("Quality clinic, by the month a case was opened"),
            [Column(_l("Industry chain")), Column(_l("Cases opened")),
             Column(_l("Problems solved")), Column(_l("Median working days to the first visit")),
             Column(_l("Median working days to resolution")),
             Column(_l("Saved, as reported (yuan)")), Column(_l("Of it verified (yuan)")),
             Column(_l("Mean rating of 5"))],
            [[_l("In all") if line.key == "total" else
              INDUSTRY_LABELS.get(line.key, line.key), line.opened, line.solved,
              line.days_to_visit, line.days_to_resolution, line.reported_yuan,
              line.verified_yuan, line.mean_rating] for line in clinic],
            empty=_l("No case opened in these months."), total_last=True,
            note=_l("The lab and kind filters do not apply: a case is the county's.")))
    found.append(Table(
        "scales", _l("Trade scales verified, by market"),
        [Column(_l("Market")), Column(_l("Scales verified")), Column(_l("Free of charge")),
         Column(_l("Pass rate"), "%")],
        [[line.market or _l("Market not given"), line.verified, line.free, line.pass_rate]
         for line in scales], empty=_l("No scale verified in these months."),
        note=_l("The chain and kind filters do not apply: a trade scale is a market's.")))
    return found


# How each figure is counted: the page's definitions and the workbook's first sheet.
DEFINITIONS = [
    (_l("Requests in, items in"), _l(
        "Submitted in the month. A request counts once, under its first item's lab and "
        "service; a lab's share of a request counts under that lab.")),
    (_l("Items reported"), _l("Items whose report or certificate was first issued in the "
                              "month.")),
    (_l("Pass rate"), _l("Items reported that passed, out of those that passed or failed; "
                         "results with no limit, or not judged, count in neither.")),
    (_l("Median, 90th percentile"), _l(
        "Working days after the day a request was submitted up to the day its report was "
        "first issued, less the days the clock stopped waiting for the applicant "
        "(information, a quote, the samples): half of the items, or nine in ten, took at "
        "most this many.")),
    (_l("On time"), _l("Reported on or before the due date the desk had set when it was "
                       "issued (the promised turnaround, moved on for each pause).")),
    (_l("Satisfaction"), _l(
        "Ratings given in the month (1 to 5); response rate: ratings out of parts closed in "
        "the month; bad reviews are rated 1 or 2, followed up by the desk.")),
]
