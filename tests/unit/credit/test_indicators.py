"""Scoring by the county's indicator set, against sums worked by hand."""
from decimal import Decimal

import pytest

from blueprints.credit.indicators import IndicatorSetError, indicator_set, parse_set, score

JINJIANG = indicator_set("jinjiang")


def points(result) -> dict[str, Decimal]:
    return {line.id: line.points for line in result.lines}


def test_the_set_is_versioned_and_its_weights_make_a_hundred():
    assert JINJIANG.version == "2026.1" and JINJIANG.county == "jinjiang"
    assert JINJIANG.total_weight == 100
    assert [d[0] for d in JINJIANG.dimensions] == \
        ["credit", "management", "brand", "infrastructure", "innovation"]


def test_a_dossier_scored_by_hand():
    # By hand, with the bands of jinjiang.toml:
    #   pass rate 96.0 %        reaches 95  -> 0.8 x 15 = 12
    #   sampling 100 %          reaches 100 -> 1.0 x 15 = 15
    #   QMS in force (1)                   -> 1.0 x 10 = 10
    #   instruments 80.0 %      reaches 75  -> 0.3 x 8  = 2.4
    #   clinic                  unknown     -> 0  (7 unknown)
    #   product certificates 2  reaches 1   -> 0.6 x 8  = 4.8
    #   best award provincial 3 reaches 3   -> 0.8 x 7  = 5.6
    #   items tested 25         reaches 20  -> 0.7 x 8  = 5.6
    #   standards followed      unknown     -> 0  (7 unknown)
    #   drafted: group 2        reaches 2   -> 0.6 x 10 = 6
    #   verified benefit        unknown     -> 0  (5 unknown)
    # total 61.4 of 100, 81 of the weight known (at least 50: graded), 61.4 >= 50: B
    result = score(JINJIANG, {
        "pass_rate": Decimal("96.0"), "sampling": Decimal(100), "qms": Decimal(1),
        "instruments": Decimal("80.0"), "clinic": None, "product_certifications": Decimal(2),
        "awards": Decimal(3), "tests": Decimal(25), "standards_drafted": Decimal(2)})
    assert points(result) == {
        "pass_rate": 12, "sampling": 15, "qms": 10, "instruments": Decimal("2.4"),
        "clinic": 0, "product_certifications": Decimal("4.8"), "awards": Decimal("5.6"),
        "tests": Decimal("5.6"), "standards_followed": 0, "standards_drafted": 6,
        "clinic_benefit": 0}
    assert (result.total, result.known_weight, result.grade) == (Decimal("61.4"), 81, "B")
    unknown = [line.id for line in result.lines if line.value is None]
    assert unknown == ["clinic", "standards_followed", "clinic_benefit"]


def test_a_cut_off_is_reached_at_its_value_and_missed_just_below():
    at = score(JINJIANG, {"pass_rate": Decimal(98)})
    below = score(JINJIANG, {"pass_rate": Decimal("97.9")})
    least = score(JINJIANG, {"pass_rate": Decimal("79.9")})
    assert [points(r)["pass_rate"] for r in (at, below, least)] == [15, 12, 0]


def test_zero_is_known_and_earns_nothing_unknown_is_not_zero():
    known_zero = score(JINJIANG, {"qms": Decimal(0)})
    unknown = score(JINJIANG, {})
    assert known_zero.known_weight == 10 and unknown.known_weight == 0
    assert known_zero.lines[2].value == 0 and unknown.lines[2].value is None


def test_too_little_known_is_not_graded():
    # 15 + 8 = 23 of the weight known, under the 50 a grade needs: 15 + 5.6 = 20.6 points
    result = score(JINJIANG, {"pass_rate": Decimal(99), "tests": Decimal(25)})
    assert (result.total, result.known_weight, result.grade) == (Decimal("20.6"), 23, None)


def test_the_best_of_everything_is_AAA():
    best = {"pass_rate": 100, "sampling": 100, "qms": 1, "instruments": 100, "clinic": 100,
            "product_certifications": 5, "awards": 4, "tests": 80, "standards_followed": 9,
            "standards_drafted": 5, "clinic_benefit": 250000}
    result = score(JINJIANG, {k: Decimal(v) for k, v in best.items()})
    assert (result.total, result.grade) == (Decimal("100.0"), "AAA")


RAW = {"county": "x", "zh": "某县", "en": "X", "version": "1", "effective": "2026-01-01",
       "min_known_weight": 0, "grades": [{"at_least": 0, "grade": "C"}],
       "dimensions": [{"id": "d", "zh": "维", "en": "D"}]}


def _indicator(**kw):
    return {"id": "i", "dimension": "d", "zh": "指", "en": "I", "source": "tests.items",
            "unit": "count", "weight": 10, "bands": [{"at_least": 5, "share": 1}], **kw}


@pytest.mark.parametrize("indicator", [
    _indicator(dimension="nowhere"),
    _indicator(bands=[{"at_least": 1, "share": 0.5}, {"at_least": 5, "share": 1}]),
    _indicator(bands=[{"at_least": 5, "share": 1.5}]),
    _indicator(bands=[]),
])
def test_a_broken_set_is_refused_with_where(indicator):
    with pytest.raises(IndicatorSetError):
        parse_set({**RAW, "indicators": [indicator]})


def test_a_set_must_grade_every_score():
    with pytest.raises(IndicatorSetError):
        parse_set({**RAW, "grades": [{"at_least": 50, "grade": "B"}],
                   "indicators": [_indicator()]})


def test_only_a_named_set_is_read():
    with pytest.raises(IndicatorSetError):
        indicator_set("../etc/passwd")
