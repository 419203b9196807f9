"""Verdicts at and around every kind of limit."""
from decimal import Decimal as D

import pytest

from blueprints.catalogue.kinds import LimitKind as L
from blueprints.service_requests.verdicts import (
    Conclusion,
    Verdict,
    VerdictError,
    conclusion,
    verdict,
)

P, F, NA = Verdict.passed, Verdict.failed, Verdict.not_applicable


@pytest.mark.parametrize("value,expected", [
    ("74.9", P), ("75", P), ("75.0", P), ("75.000001", F), ("0", P), ("-1", P), ("300", F)])
def test_at_most(value, expected):
    assert verdict(L.max, D(value), limit_max=D("75")) == expected


@pytest.mark.parametrize("value,expected", [("2.99", F), ("3", P), ("3.0", P), ("4", P)])
def test_at_least(value, expected):
    assert verdict(L.min, D(value), limit_min=D("3")) == expected


@pytest.mark.parametrize("value,expected", [
    ("3.99", F), ("4.0", P), ("6", P), ("8.5", P), ("8.51", F)])
def test_range_is_inclusive_at_both_ends(value, expected):
    assert verdict(L.range, D(value), limit_min=D("4.0"), limit_max=D("8.5")) == expected


def test_no_limit_is_not_applicable():
    assert verdict(L.none, D("12")) == NA
    assert verdict(L.none, None) == NA


def test_text_limit_takes_the_analysts_judgement():
    assert verdict(L.text, None, judged=F) == F
    assert verdict(L.text, None, judged=P) == P
    assert verdict(L.text, None) == NA


def test_numeric_limit_without_a_value_is_an_error():
    with pytest.raises(VerdictError):
        verdict(L.max, None, limit_max=D("1"))


@pytest.mark.parametrize("verdicts, expected", [
    ([Verdict.passed, Verdict.passed], Conclusion.conforms),
    ([Verdict.passed, Verdict.not_applicable], Conclusion.conforms),
    ([Verdict.passed, Verdict.failed, Verdict.inconclusive], Conclusion.does_not_conform),
    ([Verdict.passed, Verdict.inconclusive], Conclusion.undetermined),
    ([Verdict.not_applicable, None], Conclusion.not_judged),
    ([], Conclusion.not_judged),
])
def test_a_report_concludes_from_all_its_verdicts(verdicts, expected):
    assert conclusion(verdicts) == expected
