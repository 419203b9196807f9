"""The dashboards' figures over small hand-counted cases: working days with pauses,
nearest-rank percentiles from histograms, on time, rates, satisfaction and the
public's suppression of figures over fewer than five cases."""
from datetime import date
from decimal import Decimal

import pytest

from blueprints.dashboards.metrics import (
    Satisfaction,
    median,
    merge,
    on_time,
    p90,
    pauses_from_steps,
    percentile,
    rate,
    shown,
    working_days_taken,
)
from core.workdays import WorkCalendar

# June 2026: Monday the 1st; Friday the 19th is a holiday (端午节).
CALENDAR = WorkCalendar(holidays=frozenset({date(2026, 6, 19)}))
PAUSED = frozenset({"returned", "quoted", "confirmed"})


def june(day: int) -> date:
    return date(2026, 6, day)


def test_turnaround_counts_working_days_after_submission_up_to_the_issue():
    # 2-5 June (4), 8-12 (5), 15 (1)
    assert working_days_taken(CALENDAR, june(1), june(15)) == 10
    # Thu 18 to Tue 23: the holiday and the weekend do not count: 22 and 23
    assert working_days_taken(CALENDAR, june(18), june(23)) == 2
    assert working_days_taken(CALENDAR, june(15), june(15)) == 0


def test_pauses_give_their_working_days_back():
    # returned on Wed 3, resubmitted Mon 8: 4, 5 and 8 June were the applicant's
    assert working_days_taken(CALENDAR, june(1), june(15), [(june(3), june(8))]) == 7
    # two pauses
    assert working_days_taken(CALENDAR, june(1), june(15),
                              [(june(2), june(3)), (june(10), june(12))]) == 7
    # a pause is clipped to the part's own span
    assert working_days_taken(CALENDAR, june(1), june(15),
                              [(date(2026, 5, 29), june(3))]) == 8
    assert working_days_taken(CALENDAR, june(1), june(15), [(june(12), june(20))]) == 9


def test_pauses_are_read_from_the_states_a_part_went_through():
    steps = [(june(1), "submitted"), (june(2), "returned"), (june(4), "submitted"),
             (june(5), "quoted"), (june(8), "confirmed"), (june(10), "sample_received"),
             (june(12), "in_progress"), (june(15), "issued")]
    # quoted then confirmed (waiting for the samples) is one pause
    assert pauses_from_steps(steps, PAUSED, june(15)) == [(june(2), june(4)),
                                                           (june(5), june(10))]
    still = [(june(1), "submitted"), (june(3), "returned")]
    assert pauses_from_steps(still, PAUSED, june(9)) == [(june(3), june(9))]
    assert pauses_from_steps([], PAUSED, june(9)) == []


def test_on_time_is_on_or_before_the_due_date():
    assert on_time(june(15), june(15)) is True
    assert on_time(june(16), june(15)) is False
    assert on_time(june(16), None) is None


def test_percentiles_by_nearest_rank():
    ten = {3: 2, 5: 3, 8: 4, 12: 1}        # 3 3 5 5 5 8 8 8 8 12
    assert median(ten) == 5                 # the 5th of 10
    assert p90(ten) == 8                    # the 9th of 10
    assert percentile(ten, 1.0) == 12
    three = {1: 1, 2: 1, 9: 1}
    assert (median(three), p90(three)) == (2, 9)   # ranks 2 and 3 of 3
    assert median({4: 1}) == p90({4: 1}) == 4
    assert median({}) is None and p90({}) is None


def test_histograms_add_up_across_rows():
    assert merge({3: 2, 5: 1}, {"5": 2, 9: 1}, {}) == {3: 2, 5: 3, 9: 1}


def test_rates_and_means_round_half_up_and_need_a_whole():
    assert rate(3, 8) == Decimal("37.5")
    assert rate(2, 3) == Decimal("66.7")
    assert rate(1, 3) == Decimal("33.3")
    assert rate(0, 4) == Decimal("0.0")
    assert rate(1, 0) is None


def test_satisfaction_mean_response_rate_and_bad_reviews_followed_up():
    s = Satisfaction(rated=4, level_total=17, closed=10, bad=1, followed_up=1)
    assert (s.mean, s.response_rate, s.followed_up_rate) == (
        Decimal("4.25"), Decimal("40.0"), Decimal("100.0"))
    none = Satisfaction(rated=0, level_total=0, closed=0, bad=0, followed_up=0)
    assert (none.mean, none.response_rate, none.followed_up_rate) == (None, None, None)


@pytest.mark.parametrize("cases, public, seen", [(4, True, None), (5, True, "93.3"),
                                                 (1, False, "93.3"), (0, False, "93.3")])
def test_the_public_sees_no_figure_over_fewer_than_five_cases(cases, public, seen):
    assert shown("93.3", cases, public) == seen
