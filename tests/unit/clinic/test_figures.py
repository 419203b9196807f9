"""The clinic's county figures over a small hand-counted set of cases."""
from datetime import date, datetime

from blueprints.clinic.figures import Benefits, CaseRow, Satisfaction, summarise
from core.timeutil import LOCAL_TZ
from core.workdays import WorkCalendar


def at(day: int, month: int = 6, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=LOCAL_TZ)


# June 2026: Mon 1, Fri 5, Mon 8 ... Friday 19 June is a holiday (端午节).
CALENDAR = WorkCalendar(holidays=frozenset({date(2026, 6, 19)}))


def test_counts_by_chain_and_month_and_the_medians_in_working_days():
    rows = [
        # opened Mon 1 June, visited Wed 3 (2 working days), resolved Mon 15 (10)
        CaseRow("textiles_footwear", at(1), resolved=at(15), first_visit=at(3)),
        # opened Thu 18, visited Mon 22 over the holiday and the weekend (1), resolved
        # Tue 23 (2)
        CaseRow("textiles_footwear", at(18), resolved=at(23), first_visit=at(22)),
        # opened Fri 5, visited Fri 12 (5), not resolved
        CaseRow("leisure_food", at(5), first_visit=at(12)),
        # opened in July, nothing yet
        CaseRow("leisure_food", at(1, month=7)),
    ]
    figures = summarise(rows, CALENDAR, Benefits(2, 5_000_000, 1, 3_600_000),
                        Satisfaction(2, 4.5, 0, 0))
    assert figures.opened == 4 and figures.solved == 2
    assert figures.by_chain_month == {("textiles_footwear", "2026-06"): 2,
                                      ("leisure_food", "2026-06"): 1,
                                      ("leisure_food", "2026-07"): 1}
    assert figures.months == ["2026-06", "2026-07"]
    assert figures.median_days_to_visit == 2          # of 2, 1 and 5
    assert figures.median_days_to_resolution == 6     # of 10 and 2
    assert figures.benefits.verified_cents == 3_600_000


def test_no_case_got_there_gives_no_median():
    figures = summarise([CaseRow("other", at(1))], CALENDAR, Benefits(), Satisfaction())
    assert figures.median_days_to_visit is None and figures.median_days_to_resolution is None
    assert figures.solved == 0
