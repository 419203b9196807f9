"""Results as labs write them: every form read from what people type, and judged
against every kind of limit, at and around its boundary. No app, no database."""
from decimal import Decimal as D

import pytest

from blueprints.catalogue.grade_scales import BLUE_WOOL, TEXTILE_SAFETY_CLASS
from blueprints.catalogue.kinds import LimitKind as L
from blueprints.service_requests.verdicts import Verdict
from blueprints.service_requests.written_results import (
    GREY_SCALE,
    ResultForm,
    UnreadableResult,
    WrittenResult,
    judge,
    read_result,
)

F = ResultForm
PASS, FAIL, OPEN = Verdict.passed, Verdict.failed, None


@pytest.mark.parametrize("typed, form, low, high, written", [
    ("12.5", F.number, D("12.5"), None, "12.5"),
    ("12.50", F.number, D("12.50"), None, "12.50"),          # the precision as written
    (" 0.003 ", F.number, D("0.003"), None, "0.003"),
    ("１２．５", F.number, D("12.5"), None, "12.5"),           # full-width digits
    ("1,250.5", F.number, D("1250.5"), None, "1,250.5"),
    ("-4.2", F.number, D("-4.2"), None, "-4.2"),
    ("< 5", F.below, D("5"), None, "< 5"),
    ("<0.01", F.below, D("0.01"), None, "< 0.01"),
    ("＜5", F.below, D("5"), None, "< 5"),                    # full-width sign
    ("> 200", F.above, D("200"), None, "> 200"),
    ("＞200", F.above, D("200"), None, "> 200"),
    ("ND", F.not_detected, None, None, "ND"),
    ("n.d.", F.not_detected, None, None, "ND"),
    ("N.D.", F.not_detected, None, None, "ND"),
    ("未检出", F.not_detected, None, None, "ND"),
    ("not detected", F.not_detected, None, None, "ND"),
    ("3.2-4.1", F.interval, D("3.2"), D("4.1"), "3.2–4.1"),
    ("3.2～4.1", F.interval, D("3.2"), D("4.1"), "3.2–4.1"),
    ("3.2—4.1", F.interval, D("3.2"), D("4.1"), "3.2–4.1"),
    ("3.2 至 4.1", F.interval, D("3.2"), D("4.1"), "3.2–4.1"),
])
def test_numbers_censored_values_nd_and_intervals_are_read(typed, form, low, high, written):
    result = read_result(typed)
    assert (result.form, result.low, result.high, result.written) == (form, low, high, written)


@pytest.mark.parametrize("typed, low, high, written", [
    ("3", D(3), D(3), "3"), ("3-4", D(3), D(4), "3-4"), ("4/5", D(4), D(5), "4-5"),
    ("４－５", D(4), D(5), "4-5"), ("1-2", D(1), D(2), "1-2"), ("5", D(5), D(5), "5"),
])
def test_grades_are_read_on_their_scale(typed, low, high, written):
    assert read_result(typed, grades=GREY_SCALE) == WrittenResult(F.grade, low, high, written)


@pytest.mark.parametrize("typed, grades, words, code", [
    ("1,5", None, False, "decimal_comma"),        # would read as 15
    ("12,25", None, False, "decimal_comma"),
    ("abc", None, False, "not_a_result"),
    ("5 mg", None, False, "not_a_result"),
    ("1e5", None, False, "not_a_result"),
    ("0.0000001", None, False, "too_many_digits"),
    ("1234567890123", None, False, "too_many_digits"),
    ("4.1-3.2", None, False, "empty_interval"),
    ("3-5", GREY_SCALE, False, "off_the_scale"),  # not a half grade
    ("6", GREY_SCALE, False, "off_the_scale"),
    ("2.5", GREY_SCALE, False, "off_the_scale"),
    ("ND", GREY_SCALE, False, "off_the_scale"),
])
def test_only_what_cannot_be_read_is_refused_and_says_why(typed, grades, words, code):
    with pytest.raises(UnreadableResult) as refused:
        read_result(typed, grades=grades, words=words)
    assert refused.value.code == code and refused.value.raw == typed


def test_nothing_typed_is_no_result_and_words_are_kept_where_words_are_taken():
    assert read_result("") is None and read_result("   ") is None
    assert read_result("无异常", words=True) == WrittenResult(F.text, written="无异常")
    assert read_result("Ｏｋ， no defects", words=True).written == "Ok, no defects"


def r(typed, **kw):
    return read_result(typed, **kw)


# (result, limit kind, min, max, detection limit, expected verdict): every form against
# every limit kind, at the boundary and either side of it.
JUDGED = [
    # a number: inclusive limits
    (r("10"), L.max, None, D(10), None, PASS), (r("10.01"), L.max, None, D(10), None, FAIL),
    (r("3"), L.min, D(3), None, None, PASS), (r("2.99"), L.min, D(3), None, None, FAIL),
    (r("5"), L.range, D(5), D(8), None, PASS), (r("8"), L.range, D(5), D(8), None, PASS),
    (r("4.9"), L.range, D(5), D(8), None, FAIL), (r("8.1"), L.range, D(5), D(8), None, FAIL),
    # below a bound
    (r("< 5"), L.max, None, D(10), None, PASS), (r("< 10"), L.max, None, D(10), None, PASS),
    (r("< 20"), L.max, None, D(10), None, OPEN),
    (r("< 3"), L.min, D(3), None, None, FAIL), (r("< 2"), L.min, D(3), None, None, FAIL),
    (r("< 4"), L.min, D(3), None, None, OPEN),
    (r("< 5"), L.range, D(5), D(8), None, FAIL), (r("< 6"), L.range, D(5), D(8), None, OPEN),
    # above a bound
    (r("> 200"), L.max, None, D(200), None, FAIL), (r("> 300"), L.max, None, D(200), None, FAIL),
    (r("> 100"), L.max, None, D(200), None, OPEN),
    (r("> 3"), L.min, D(3), None, None, PASS), (r("> 2"), L.min, D(3), None, None, OPEN),
    (r("> 8"), L.range, D(5), D(8), None, FAIL), (r("> 6"), L.range, D(5), D(8), None, OPEN),
    # not detected: below the detection limit
    (r("ND"), L.max, None, D(10), D("0.5"), PASS), (r("ND"), L.max, None, D(10), D(10), PASS),
    (r("ND"), L.max, None, D(10), D(20), OPEN), (r("ND"), L.max, None, D(10), None, OPEN),
    (r("ND"), L.min, D(3), None, D(1), FAIL), (r("ND"), L.min, D(3), None, D(3), FAIL),
    (r("ND"), L.min, D(3), None, D(5), OPEN),
    # a measured interval
    (r("3.2-4.1"), L.max, None, D("4.1"), None, PASS), (r("3.2-4.1"), L.max, None, D(4), None, OPEN),
    (r("3.2-4.1"), L.max, None, D(3), None, FAIL),
    (r("3.2-4.1"), L.min, D("3.2"), None, None, PASS), (r("3.2-4.1"), L.min, D(5), None, None, FAIL),
    (r("3.2-4.1"), L.range, D(3), D(5), None, PASS), (r("3.2-4.1"), L.range, D(4), D(5), None, OPEN),
    # grades (grey scale): a half grade "3-4" lies strictly between 3 and 4
    (r("3-4", grades=GREY_SCALE), L.min, D(3), None, None, PASS),
    (r("3-4", grades=GREY_SCALE), L.min, D(4), None, None, FAIL),
    (r("2-3", grades=GREY_SCALE), L.min, D(3), None, None, FAIL),
    (r("4", grades=GREY_SCALE), L.min, D(4), None, None, PASS),
    (r("3", grades=GREY_SCALE), L.min, D(4), None, None, FAIL),
    (r("1-2", grades=GREY_SCALE), L.max, None, D(2), None, PASS),
    (r("2-3", grades=GREY_SCALE), L.range, D(2), D(3), None, PASS),
]


@pytest.mark.parametrize("result, kind, low, high, lod, expected", JUDGED)
def test_each_form_is_judged_by_its_own_rule(result, kind, low, high, lod, expected):
    judgement = judge(result, kind, low, high, detection_limit=lod)
    assert judgement.verdict == expected
    if expected is None:  # it says why it cannot be judged
        assert judgement.why in ("straddles_the_limit", "no_detection_limit")


@pytest.mark.parametrize("result", [r("12.5"), r("< 5"), r("ND"), r("3-4"),
                                    r("ok", words=True)])
def test_no_limit_is_not_applicable_and_words_are_the_analysts_to_judge(result):
    assert judge(result, L.none).verdict == Verdict.not_applicable
    assert judge(result, L.text, judged=Verdict.failed).verdict == Verdict.failed
    assert judge(result, L.text).verdict == Verdict.not_applicable
    words = r("轻微色差", words=True)
    assert judge(words, L.max, None, D(5)) == judge(words, L.max, None, D(5))
    assert judge(words, L.max, None, D(5)).why == "needs_judgement"
    assert judge(words, L.max, None, D(5), judged=Verdict.passed).verdict == Verdict.passed


def test_uncertainties_and_references_are_read_by_the_same_rules():
    from blueprints.service_requests.written_results import read_number
    assert read_number("0.15") == D("0.15") and read_number("１，２５０.5") == D("1250.5")
    assert read_number(" ") is None
    for typed, code in (("1,5", "decimal_comma"), ("2oo", "not_a_number"),
                        ("< 5", "not_a_number"), ("0.0000001", "too_many_digits")):
        with pytest.raises(UnreadableResult) as refused:
            read_number(typed)
        assert refused.value.code == code


@pytest.mark.parametrize("scale, typed, low, high, written", [
    (BLUE_WOOL, "7", D(7), D(7), "7"), (BLUE_WOOL, "6-7", D(6), D(7), "6-7"),
    (BLUE_WOOL, "７／８", D(7), D(8), "7-8"),
    (TEXTILE_SAFETY_CLASS, "B", D(2), D(2), "B类"), (TEXTILE_SAFETY_CLASS, "a类", D(3), D(3), "A类"),
    (TEXTILE_SAFETY_CLASS, "Ｃ 类", D(1), D(1), "C类"),
])
def test_other_scales_read_their_grades_and_classes(scale, typed, low, high, written):
    assert read_result(typed, grades=scale) == WrittenResult(F.grade, low, high, written)


@pytest.mark.parametrize("scale, typed", [
    (BLUE_WOOL, "9"), (BLUE_WOOL, "6-8"), (TEXTILE_SAFETY_CLASS, "D"),
    (TEXTILE_SAFETY_CLASS, "A-B"), (TEXTILE_SAFETY_CLASS, "2"), (GREY_SCALE, "B"),
])
def test_a_grade_off_its_scale_is_refused_naming_the_scale(scale, typed):
    with pytest.raises(UnreadableResult) as refused:
        read_result(typed, grades=scale)
    assert refused.value.code == "off_the_scale" and refused.value.scale == scale.summary()


@pytest.mark.parametrize("typed, limit_kind, limit_min, limit_max, expected", [
    ("A", L.min, D(2), None, PASS),     # class A meets "at least class B"
    ("B", L.min, D(2), None, PASS),     # the limit itself conforms
    ("C", L.min, D(2), None, FAIL),
    ("B", L.max, None, D(2), PASS),
    ("A", L.range, D(1), D(2), FAIL),
])
def test_classes_are_judged_on_their_order(typed, limit_kind, limit_min, limit_max, expected):
    written = read_result(typed, grades=TEXTILE_SAFETY_CLASS)
    assert judge(written, limit_kind, limit_min, limit_max).verdict == expected


def test_a_scale_names_its_limits_and_sums_itself_up():
    assert TEXTILE_SAFETY_CLASS.name_of(D(2)) == "B类" and GREY_SCALE.name_of(D(3)) == "3"
    assert GREY_SCALE.summary() == "1, 1-2 … 4-5, 5"
    assert BLUE_WOOL.summary() == "1, 1-2 … 7-8, 8"
    assert TEXTILE_SAFETY_CLASS.summary() == "C类, B类, A类"
