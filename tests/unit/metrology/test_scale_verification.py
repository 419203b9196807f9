"""Trade-scale verification (OIML R76-1:2006, JJG 539-2016), with no app."""
from decimal import ROUND_CEILING
from decimal import Decimal as D

import pytest

from blueprints.metrology import scale_verification as sv

III, IIII = sv.AccuracyClass.III, sv.AccuracyClass.IIII
INITIAL = sv.VerificationType.initial
SUBSEQUENT = sv.VerificationType.subsequent
IN_SERVICE = sv.VerificationType.in_service

# The market scale used throughout: class III, Max 15 kg, e 5 g, n = 3000.
SCALE = sv.Scale(D("15000"), D("5"), III)


def scale(max_capacity, e, cls=III):
    return sv.Scale(D(max_capacity), D(e), cls)


def reading(load, indication, added):
    return sv.Reading(D(load), D(indication), D(added))


def exact(load, error="0", e="5"):
    """A reading at `load` (a multiple of e) whose error before rounding E is `error`: the
    indication I = L + ke and ΔL = ke + e/2 - E, with the k that puts ΔL within 0..e."""
    load, error, e = D(load), D(error), D(e)
    k = ((error - e / 2) / e).to_integral_value(rounding=ROUND_CEILING)
    return sv.Reading(load, load + k * e, k * e + e / 2 - error)


def raised(call, *args):
    with pytest.raises(sv.InputError) as err:
        call(*args)
    return err.value


def test_rules_name_both_standards():
    assert "JJG 539-2016" in sv.RULES and "R76-1:2006" in sv.RULES


# R76-1 A.4.4.3 worked example, as quoted in DOMAIN.md.
def test_worked_example_error_before_rounding():
    r = reading("1000", "1000", "1.5")
    assert r.indication + SCALE.e / 2 - r.added == D("1001")   # P
    assert sv.error_before_rounding(SCALE, r) == D("1")


def test_worked_example_corrected_and_judged():
    result = sv.weighing_test(SCALE, INITIAL, D("0.5"), [
        reading("1000", "1000", "1.5"),
        exact("100", "0.5"), exact("2500", "0.5"), exact("10000", "0.5"), exact("15000", "0.5")])
    point = next(p for p in result.points if p.load == D("1000"))
    assert point.error == D("1") and point.corrected == D("0.5")
    assert point.mpe == D("2.5")   # m = 200: 0.5e
    assert point.passed and result.passed


# MPE bands on a class III scale with e = 5 g and n = 10000, and a class IIII with e = 10 g
# and n = 1000, so every band boundary lies within 0..Max.
MPE_III = scale("50000", "5")
MPE_IIII = scale("10000", "10", IIII)


@pytest.mark.parametrize("vtype,factor", [(INITIAL, 1), (SUBSEQUENT, 1), (IN_SERVICE, 2)])
@pytest.mark.parametrize("s,load,expected", [
    (MPE_III, "0", "2.5"),
    (MPE_III, "2500", "2.5"),      # 500e
    (MPE_III, "2505", "5"),        # 501e
    (MPE_III, "10000", "5"),       # 2000e
    (MPE_III, "10005", "7.5"),     # 2001e
    (MPE_III, "50000", "7.5"),     # 10000e = Max
    (MPE_IIII, "0", "5"),
    (MPE_IIII, "500", "5"),        # 50e
    (MPE_IIII, "510", "10"),       # 51e
    (MPE_IIII, "2000", "10"),      # 200e
    (MPE_IIII, "2010", "15"),      # 201e
    (MPE_IIII, "10000", "15"),     # 1000e = Max
])
def test_mpe_at_and_past_each_band_boundary(s, load, expected, vtype, factor):
    assert sv.mpe(s, D(load), vtype) == D(expected) * factor


@pytest.mark.parametrize("s,load", [(MPE_III, "50005"), (MPE_IIII, "10010")])
def test_mpe_one_e_past_the_top_band_is_above_max(s, load):
    err = raised(sv.mpe, s, D(load), INITIAL)
    assert (err.field, err.code) == ("load", "load_above_max")
    assert load in str(err)


def test_mpe_refuses_a_negative_load():
    err = raised(sv.mpe, SCALE, D("-5"), INITIAL)
    assert (err.field, err.code) == ("load", "negative")


@pytest.mark.parametrize("max_capacity,e,cls", [
    ("100", "1", III), ("10000", "1", III),       # e < 5 g: n from 100 to 10000
    ("2500", "5", III), ("50000", "5", III),      # e >= 5 g: n from 500 to 10000
    ("500", "5", IIII), ("5000", "5", IIII),      # n from 100 to 1000
])
def test_n_at_the_limits_is_accepted(max_capacity, e, cls):
    sv.check_scale(scale(max_capacity, e, cls))


@pytest.mark.parametrize("max_capacity,e,cls,n", [
    ("99", "1", III, "99"), ("10001", "1", III, "10001"),
    ("2495", "5", III, "499"), ("50005", "5", III, "10001"),
    ("500", "5", III, "100"),                     # n = 100 is too few once e >= 5 g
    ("495", "5", IIII, "99"), ("5005", "5", IIII, "1001"),
])
def test_n_out_of_range_is_refused(max_capacity, e, cls, n):
    err = raised(sv.check_scale, scale(max_capacity, e, cls))
    assert (err.field, err.code) == ("max_capacity", "n_out_of_range")
    assert f"n = {n}" in str(err)


def test_class_iiii_needs_e_of_at_least_5_g():
    err = raised(sv.check_scale, scale("200", "2", IIII))
    assert (err.field, err.code) == ("e", "e_too_small")
    assert "2 g" in str(err)


def test_max_must_be_a_whole_number_of_e():
    err = raised(sv.check_scale, scale("15002", "5"))
    assert (err.field, err.code) == ("max_capacity", "not_multiple_of_e")
    assert "15002" in str(err)


@pytest.mark.parametrize("max_capacity,e,name", [
    ("0", "5", "max_capacity"), ("-15000", "5", "max_capacity"), ("15000", "0", "e")])
def test_max_and_e_must_be_positive(max_capacity, e, name):
    err = raised(sv.check_scale, scale(max_capacity, e))
    assert (err.field, err.code) == (name, "not_positive")


@pytest.mark.parametrize("value", ["NaN", "Infinity"])
def test_a_number_that_is_not_finite_is_refused(value):
    err = raised(sv.error_before_rounding, SCALE, reading("1000", value, "0"))
    assert (err.field, err.code) == ("indication", "not_a_number")


@pytest.mark.parametrize("r,name,code,number", [
    (reading("1000", "1002", "0"), "indication", "not_multiple_of_e", "1002"),
    (reading("1000", "1000", "-0.5"), "added", "added_out_of_range", "-0.5"),
    (reading("1000", "1000", "5.5"), "added", "added_out_of_range", "5.5"),
    (reading("1000", "1000", "0.25"), "added", "added_not_tenth_e", "0.25"),   # 0.1e = 0.5 g
    (reading("15005", "15005", "0"), "load", "load_above_max", "15005"),
    (reading("-1", "0", "0"), "load", "negative", "-1"),
])
def test_impossible_readings_are_refused(r, name, code, number):
    err = raised(sv.error_before_rounding, SCALE, r)
    assert (err.field, err.code) == (name, code)
    assert number in str(err)


@pytest.mark.parametrize("added", ["0", "0.5", "4.5", "5"])
def test_added_weight_from_0_to_e_in_tenths(added):
    assert sv.error_before_rounding(SCALE, reading("1000", "1000", added)) == D("2.5") - D(added)


def check_proposed(s, expected):
    loads = sv.proposed_loads(s)
    assert loads == [D(x) for x in expected]
    assert loads == sorted(set(loads)) and len(loads) >= 5
    assert all(x % s.e == 0 for x in loads)
    assert loads[0] == sv.min_capacity(s) and loads[-1] == s.max_capacity


def test_proposed_loads_15_kg_by_5_g():
    # Min 20e, 500e, 2000e, Max, and one more in the widest gap (2500 to 10000 g).
    check_proposed(SCALE, ["100", "2500", "6250", "10000", "15000"])


def test_proposed_loads_30_kg_by_10_g():
    check_proposed(scale("30000", "10"), ["200", "5000", "12500", "20000", "30000"])


def test_proposed_loads_class_iiii_6_kg_by_20_g():
    # Min 10e, 50e, 200e, Max.
    check_proposed(scale("6000", "20", IIII), ["200", "1000", "2500", "4000", "6000"])


def test_proposed_loads_small_scale_has_no_band_boundary_inside():
    check_proposed(scale("100", "1"), ["20", "40", "60", "80", "100"])


def test_a_band_boundary_at_max_is_not_repeated():
    check_proposed(scale("10000", "5"), ["100", "2500", "4375", "6250", "10000"])


@pytest.mark.parametrize("s,eccentricity,repeatability", [
    (SCALE, "5000", "12000"),
    (scale("30000", "10"), "10000", "24000"),
    (scale("6000", "20", IIII), "2000", "4800"),
    (scale("10000", "5"), "3335", "8000"),        # 3333.3 g rounds to 667e
])
def test_eccentricity_and_repeatability_loads(s, eccentricity, repeatability):
    assert sv.eccentricity_load(s) == D(eccentricity)
    assert sv.repeatability_load(s) == D(repeatability)


# Zero: E0 = I + e/2 - ΔL - L, limit 0.25e = 1.25 g. With L = 0 and ΔL in 0.5 g steps E0 can
# only be a multiple of 0.1e, so the exact limit is reached with a load near 10e.
@pytest.mark.parametrize("r,e0,passed", [
    (reading("48.75", "50", "2.5"), "1.25", True),
    (reading("48.5", "50", "2.5"), "1.5", False),
    (reading("46.25", "45", "2.5"), "-1.25", True),
    (reading("0", "0", "1.5"), "1", True),
    (reading("0", "0", "1"), "1.5", False),
    (reading("0", "0", "4"), "-1.5", False),
])
def test_zero_setting_accuracy(r, e0, passed):
    result = sv.zero_test(SCALE, r)
    assert result.name == "zero" and result.passed is passed
    assert result.detail == {"e0": D(e0), "limit": D("1.25")}


def test_zero_test_refuses_a_load_far_from_zero():
    assert sv.zero_test(SCALE, reading("100", "100", "2.5")).passed     # 20e: still near zero
    err = raised(sv.zero_test, SCALE, reading("105", "105", "2.5"))
    assert (err.field, err.code) == ("load", "zero_load_too_high")
    assert "105 g" in str(err)


def test_weighing_fails_on_one_point_out_of_mpe():
    readings = [exact(x) for x in ("100", "2500", "6250", "10000")]
    ok = sv.weighing_test(SCALE, INITIAL, D("0"), [*readings, exact("15000", "7.5")])
    bad = sv.weighing_test(SCALE, INITIAL, D("0"), [*readings, exact("15000", "8")])
    assert ok.passed and not bad.passed
    assert [p.passed for p in bad.points] == [True, True, True, True, False]


def test_weighing_may_repeat_loads_when_unloading():
    loads = ["100", "2500", "6250", "10000", "15000"]
    result = sv.weighing_test(SCALE, INITIAL, D("0"), [exact(x) for x in loads + loads[::-1]])
    assert result.passed and len(result.points) == 10


@pytest.mark.parametrize("loads,code,number", [
    (["100", "2500", "10000", "15000", "15000"], "too_few_loads", "4"),
    (["105", "2500", "6250", "10000", "15000"], "load_missing", "100 g"),
    (["100", "2500", "6250", "10000", "14995"], "load_missing", "15000 g"),
    (["100", "2000", "6250", "10000", "15000"], "load_missing", "2500 g"),
])
def test_weighing_needs_five_loads_with_min_boundaries_and_max(loads, code, number):
    err = raised(sv.weighing_test, SCALE, INITIAL, D("0"), [exact(x) for x in loads])
    assert (err.field, err.code) == ("loads", code)
    assert number in str(err)


def test_eccentricity_one_corner_out_of_mpe_fails():
    # 5000 g is m = 1000: MPE 1e = 5 g on initial verification.
    within = [exact("5000", x) for x in ("0", "5", "-5", "2.5", "0")]
    corner = [*within[:4], exact("5000", "5.5")]
    assert sv.eccentricity_test(SCALE, INITIAL, D("0"), within).passed
    result = sv.eccentricity_test(SCALE, INITIAL, D("0"), corner)
    assert not result.passed and [p.passed for p in result.points][-1] is False
    assert result.detail == {"load": D("5000")}
    # In service the MPE doubles, so the same corner passes.
    assert sv.eccentricity_test(SCALE, IN_SERVICE, D("0"), corner).passed


def test_eccentricity_is_corrected_by_e0():
    result = sv.eccentricity_test(SCALE, INITIAL, D("1"), [exact("5000", "6")] * 4)
    assert result.passed and {p.corrected for p in result.points} == {D("5")}


@pytest.mark.parametrize("readings,code", [
    ([exact("5000")] * 3, "wrong_count"),
    ([exact("5000")] * 6, "wrong_count"),
    ([exact("5000")] * 3 + [exact("5005")], "loads_differ"),
])
def test_eccentricity_input_is_checked(readings, code):
    assert raised(sv.eccentricity_test, SCALE, INITIAL, D("0"), readings).code == code


# Repeatability at 12000 g (m = 2400): MPE 1.5e = 7.5 g.
@pytest.mark.parametrize("errors,spread,passed", [
    (["0", "7.5", "0"], "7.5", True),
    (["0", "8", "0"], "8", False),
    (["-2.5", "0", "5", "0.5"], "7.5", True),
])
def test_repeatability_spread_against_mpe(errors, spread, passed):
    result = sv.repeatability_test(SCALE, INITIAL, [exact("12000", x) for x in errors])
    assert result.passed is passed
    assert result.detail == {"load": D("12000"), "spread": D(spread), "mpe": D("7.5")}


def test_repeatability_needs_three_weighings_of_one_load():
    err = raised(sv.repeatability_test, SCALE, INITIAL, [exact("12000")] * 2)
    assert (err.field, err.code) == ("repeatability", "too_few_readings")
    err = raised(sv.repeatability_test, SCALE, INITIAL, [exact("12000")] * 2 + [exact("11995")])
    assert (err.field, err.code) == ("load", "loads_differ")


@pytest.mark.parametrize("before,after,passed", [
    ("12000", "12005", True), ("12000", "12000", False), ("12000", "12010", False)])
def test_discrimination_raises_by_one_d(before, after, passed):
    result = sv.discrimination_test(SCALE, D("12000"), D(before), D(after))
    assert result.passed is passed
    assert result.detail["d"] == D("5")


def test_discrimination_indications_are_multiples_of_e():
    err = raised(sv.discrimination_test, SCALE, D("12000"), D("12000"), D("12007"))
    assert (err.field, err.code) == ("after", "not_multiple_of_e")
    assert "12007" in str(err)


def verification(max_error="0.5"):
    """A complete verification of SCALE with E0 = +0.5 g: every point has E = +0.5 g except
    Max, whose error is `max_error`."""
    loads = [str(x) for x in sv.proposed_loads(SCALE)]
    return sv.VerificationInput(
        zero=exact("0", "0.5"),
        weighing=[exact(x, "0.5") for x in loads[:-1]] + [exact(loads[-1], max_error)],
        eccentricity=[exact(str(sv.eccentricity_load(SCALE)), "0.5")] * 5,
        repeatability=[exact(str(sv.repeatability_load(SCALE)), "0.5")] * 3,
        discrimination=(D("12000"), D("12000"), D("12005")))


def test_verify_passes_a_good_scale():
    outcome = sv.verify(SCALE, INITIAL, verification())
    assert outcome.passed and outcome.failed() == ()
    assert [t.name for t in outcome.tests] == [
        "zero", "weighing", "eccentricity", "repeatability", "discrimination"]
    assert all(p.corrected == 0 for p in outcome.tests[1].points)


def test_verify_fails_only_the_weighing_at_max():
    # Ec at Max = 10 - 0.5 = 9.5 g, beyond 1.5e = 7.5 g.
    outcome = sv.verify(SCALE, INITIAL, verification(max_error="10"))
    assert not outcome.passed
    assert [t.name for t in outcome.failed()] == ["weighing"]
    assert [p.load for p in outcome.failed()[0].points if not p.passed] == [D("15000")]
    # In service the MPE at Max is 15 g, so the same readings pass.
    assert sv.verify(SCALE, IN_SERVICE, verification(max_error="10")).passed


def test_verify_without_discrimination_runs_four_tests():
    data = verification()
    data = sv.VerificationInput(data.zero, data.weighing, data.eccentricity, data.repeatability,
                                None)
    assert len(sv.verify(SCALE, INITIAL, data).tests) == 4


def test_verify_checks_the_scale_first():
    err = raised(sv.verify, scale("500", "5"), INITIAL, verification())
    assert err.code == "n_out_of_range"


@pytest.mark.parametrize("test, load, code", [
    ("eccentricity", "0", "eccentricity_load"),
    ("eccentricity", "10000", "eccentricity_load"),
    ("repeatability", "5000", "repeatability_load"),
    ("repeatability", "15000", "repeatability_load"),
])
def test_a_test_at_the_wrong_load_is_refused(test, load, code):
    """A test done far from its load proves nothing (about 1/3 Max, about 0.8 Max)."""
    if test == "eccentricity":
        err = raised(sv.eccentricity_test, SCALE, INITIAL, D("0"), [exact(load)] * 5)
    else:
        err = raised(sv.repeatability_test, SCALE, INITIAL, [exact(load)] * 3)
    assert (err.field, err.code) == ("load", code) and load in str(err)


def test_discrimination_below_min_is_refused():
    err = raised(sv.discrimination_test, SCALE, D("0"), D("0"), D("5"))
    assert (err.field, err.code) == ("load", "below_min")
