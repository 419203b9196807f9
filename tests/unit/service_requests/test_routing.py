"""Routing choices with plain values."""
from datetime import date

import pytest

from blueprints.service_requests.routing import Need, NoCapableLab, Offer, queue_days, route
from core.workdays import add_working_days

MONDAY = date(2026, 11, 23)


def offer(lab_id, price=10000, turnaround=5, capacity=10, open_items=0, code=None):
    return Offer(lab_id, code or f"L{lab_id}", price, turnaround, capacity, open_items)


def test_earliest_completion_wins_over_price():
    placed = route([Need(1, 100)], {100: [offer(1, price=50000, turnaround=3),
                                          offer(2, price=10000, turnaround=7)]}, MONDAY)
    assert placed[0].chosen.lab_id == 1
    assert placed[0].chosen.ready_by == date(2026, 11, 26)
    assert [c.lab_id for c in placed[0].others] == [2]


def test_on_a_tie_the_cheaper_lab_wins_then_the_lower_id():
    placed = route([Need(1, 100)], {100: [offer(3, price=12000), offer(2, price=9000),
                                          offer(1, price=9000)]}, MONDAY)
    assert placed[0].chosen.lab_id == 1
    assert [c.lab_id for c in placed[0].others] == [2, 3]


def test_a_full_queue_pushes_work_to_a_slower_lab():
    busy = offer(1, turnaround=3, capacity=10, open_items=50)   # 5 days of queue
    idle = offer(2, turnaround=5, capacity=10, open_items=0)
    placed = route([Need(1, 100)], {100: [busy, idle]}, MONDAY)
    assert placed[0].chosen.lab_id == 2
    assert placed[0].others[0].queue_days == 5


def test_items_of_one_submission_add_to_the_queue():
    # Capacity 1 a day: the second item waits a day, the third is faster elsewhere.
    fast = offer(1, turnaround=2, capacity=1)
    slow = offer(2, turnaround=3, capacity=10)
    placed = route([Need(1, 100), Need(2, 100), Need(3, 100)], {100: [fast, slow]}, MONDAY)
    assert [p.chosen.lab_id for p in placed] == [1, 1, 2]


def test_items_needing_different_labs_are_split():
    placed = route([Need(1, 100), Need(2, 200)],
                   {100: [offer(1)], 200: [offer(2)]}, MONDAY)
    assert {p.key: p.chosen.lab_id for p in placed} == {1: 1, 2: 2}


def test_no_capable_lab_names_every_uncovered_service():
    with pytest.raises(NoCapableLab) as err:
        route([Need(1, 100), Need(2, 200), Need(3, 300)], {100: [offer(1)], 200: []}, MONDAY)
    assert err.value.service_ids == [200, 300]


def test_queue_days():
    assert queue_days(0, 10) == 0
    assert queue_days(9, 10) == 0
    assert queue_days(10, 10) == 1
    assert queue_days(5, 0) == 5  # a capacity of 0 counts as 1


def test_working_days_skip_weekends():
    friday = date(2026, 11, 27)
    assert add_working_days(friday, 1) == date(2026, 11, 30)
    assert add_working_days(MONDAY, 5) == date(2026, 11, 30)
    assert add_working_days(date(2026, 11, 28), 0) == date(2026, 11, 30)  # Saturday
    assert add_working_days(MONDAY, 1, holidays=frozenset({date(2026, 11, 24)})) == \
        date(2026, 11, 25)
    with pytest.raises(ValueError):
        add_working_days(MONDAY, -1)


def test_each_lab_counts_on_its_own_calendar():
    """A lab closed for two days finishes later: the other, dearer lab wins."""
    from core.workdays import WorkCalendar
    closed = WorkCalendar(closures=frozenset({date(2026, 11, 24), date(2026, 11, 25)}))
    cheap, dear = offer(1, price=9000, turnaround=3), offer(2, price=12000, turnaround=3)
    placed = route([Need(1, 100)], {100: [cheap, dear]}, MONDAY, calendars={1: closed})
    assert placed[0].chosen.lab_id == 2 and placed[0].chosen.ready_by == date(2026, 11, 26)
    assert placed[0].others[0].ready_by == date(2026, 11, 30)


def test_a_booked_up_drop_off_counter_delays_the_start():
    # Lab 1 is faster but its counter has no free place before Friday 27 Nov: the
    # count starts there, so lab 2 (free counter, 2 days slower) finishes first.
    fast = Offer(1, "L1", 10000, 3, 10, 0, first_drop_off=date(2026, 11, 27))
    slow = offer(2, turnaround=5)
    placed = route([Need(1, 100)], {100: [fast, slow]}, MONDAY)
    assert placed[0].chosen.lab_id == 2
    assert placed[0].others[0].ready_by == date(2026, 12, 2)
    assert placed[0].others[0].first_drop_off == date(2026, 11, 27)
    # A free place today changes nothing.
    today = Offer(1, "L1", 10000, 3, 10, 0, first_drop_off=MONDAY)
    assert route([Need(1, 100)], {100: [today]}, MONDAY)[0].chosen.first_drop_off is None


def test_first_free_day_skips_full_and_past_slots():
    from datetime import datetime, timedelta

    from blueprints.scheduling.allocation import first_free_day
    t = datetime(2026, 11, 23, 1, 0)
    days = [(date(2026, 11, 23), [t, t + timedelta(hours=1)]),
            (date(2026, 11, 24), [t + timedelta(days=1)]),
            (date(2026, 11, 25), [t + timedelta(days=2)])]
    assert first_free_day(days, set(), t - timedelta(hours=1)) == date(2026, 11, 23)
    assert first_free_day(days, {t + timedelta(hours=1)}, t) == date(2026, 11, 24)
    assert first_free_day(days, {t + timedelta(days=1)}, t + timedelta(hours=2)) \
        == date(2026, 11, 25)
    assert first_free_day(days, {t + timedelta(days=2)}, t + timedelta(days=1, hours=1)) \
        is None
