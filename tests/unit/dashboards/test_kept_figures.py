"""The figures a board keeps in Redis go as JSON and come back equal, each value of the
class it was (dates, decimals, histograms keyed by whole days); JSON naming any other
class is refused, so nothing read from Redis can make the desk build something else."""
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from blueprints.dashboards import kept, metrics, queries


def figures() -> kept.Figures:
    line = queries.Line(date(2026, 6, 1), items_in=4, passed=2, failed=1,
                        histogram={6: 3, 41: 1})
    return kept.Figures(
        by={"month": [line], "lab": [queries.Line(7, items_done=3)],
            "kind": [queries.Line("testing")], "chain": [queries.Line("", public=True)]},
        satisfaction=[queries.SatisfactionLine(7, metrics.Satisfaction(1, 2, 1, 1, 1)),
                      queries.SatisfactionLine("total", metrics.Satisfaction(1, 2, 1, 1, 1))],
        scales=[queries.ScaleLine("青阳农贸市场", 12, 11, 12)],
        backlog=[(7, {7: 1, 0: 2})],
        clinic=[queries.ClinicLine("total", opened=2, visit_days={3: 1, 5: 1},
                                   reported_cents=1_250_000)],
        served=1, computed_at=datetime(2026, 6, 30, 2, 0, tzinfo=UTC))


def test_figures_come_back_equal_and_of_their_classes():
    back = kept.decode(kept.encode(figures()))
    assert back == figures()
    month = back.by["month"][0]
    assert type(month) is queries.Line and month.key == date(2026, 6, 1)
    assert month.histogram == {6: 3, 41: 1} and month.median == 6
    assert month.pass_rate == Decimal("66.7")
    assert back.backlog == [(7, {7: 1, 0: 2})]
    assert back.computed_at.tzinfo is not None


def test_json_naming_another_class_is_refused():
    with pytest.raises(ValueError):
        kept.decode('{"$": "Popen", "v": {"args": "rm -rf /"}}')
    with pytest.raises(ValueError):
        kept.decode('{"$": "Line", "v": {"key": 1}}')       # a Line, not figures


def test_each_board_and_moment_has_its_own_key():
    june = queries.Filters(date(2026, 6, 1), date(2026, 6, 1))
    at = datetime(2026, 6, 30, 2, 0, tzinfo=UTC)
    keys = {kept.key_of(june, True, False, at), kept.key_of(june, True, True, at),
            kept.key_of(june, False, False, at),
            kept.key_of(queries.Filters(date(2026, 6, 1), date(2026, 6, 1), lab_id=7),
                        True, False, at),
            kept.key_of(june, True, False, datetime(2026, 6, 30, 2, 2, tzinfo=UTC))}
    assert len(keys) == 5
    assert kept.key_of(june, True, False, at) == kept.key_of(
        queries.Filters(date(2026, 6, 1), date(2026, 6, 1)), True, False, at)
