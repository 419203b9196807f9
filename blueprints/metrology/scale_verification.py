"""Verification of trade scales (classes III and IIII), as plain Python.

Sources: OIML R76-1:2006, Non-automatic weighing instruments, Part 1, and JJG 539-2016,
Digital indicating scales, which applies R76 in China with e = d; DOMAIN.md, "Verifying trade
scales", summarises the rules. Masses are `Decimal` grams, so a reading exactly on a limit is
judged exactly.
"""
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

# Printed on certificates so every verdict names the rules it was reached under. Change it with
# the rules (JJG 1204-2025, for electronic price-computing scales, applies from 2027-01-08).
RULES = "JJG 539-2016 / OIML R76-1:2006"


class AccuracyClass(StrEnum):
    # Members are the class names marked on a scale, so they keep the Roman numerals.
    III = "III"
    IIII = "IIII"


class VerificationType(StrEnum):
    initial = "initial"
    subsequent = "subsequent"
    in_service = "in_service"


class InputError(ValueError):
    """Impossible input. `field` names the input (e, max_capacity, load, indication, added,
    loads...), `code` is a stable key, and str(err) is a plain-English sentence with the
    numbers in it."""

    def __init__(self, field: str, code: str, message: str):
        super().__init__(message)
        self.field = field
        self.code = code


# R76-1 3.5.1, Table 6: MPE on initial and subsequent verification, as (upper bound of
# m = load/e, inclusive; MPE in e). The last bound is also the class's largest n (Table 3).
_MPE_BANDS = {
    AccuracyClass.III: ((500, Decimal("0.5")), (2000, Decimal("1")), (10000, Decimal("1.5"))),
    AccuracyClass.IIII: ((50, Decimal("0.5")), (200, Decimal("1")), (1000, Decimal("1.5"))),
}
# R76-1 3.2, Table 3: Min in e.
_MIN_INTERVALS = {AccuracyClass.III: 20, AccuracyClass.IIII: 10}
_LABELS = {"max_capacity": "maximum capacity Max", "e": "verification scale interval e",
           "load": "test load", "indication": "indication", "added": "added weight ΔL",
           "before": "indication before", "after": "indication after", "e0": "zero error E0"}


def _g(value: Decimal) -> str:
    return f"{value.normalize():f} g"


def _finite(name: str, value) -> None:
    if not isinstance(value, Decimal):
        raise TypeError(f"{name} must be a Decimal, not {type(value).__name__}")
    if not value.is_finite():  # Decimal() accepts "NaN" and "Infinity" from a form
        raise InputError(name, "not_a_number", f"The {_LABELS[name]} must be a number: {value}.")


def _check_step(name: str, value: Decimal, step: Decimal, step_name: str, code: str) -> None:
    _finite(name, value)
    try:
        remainder = value % step
    except InvalidOperation:  # the quotient has more digits than Decimal's precision
        raise InputError(name, "out_of_range",
                         f"The {_LABELS[name]} {_g(value)} is too large to check.") from None
    if remainder:
        raise InputError(name, code, f"The {_LABELS[name]} {_g(value)} is not a multiple of "
                                     f"{step_name} ({_g(step)}).")


def _round_to_e(value: Decimal, e: Decimal) -> Decimal:
    return (value / e).to_integral_value(rounding=ROUND_HALF_UP) * e


@dataclass(frozen=True)
class Scale:
    max_capacity: Decimal   # Max, grams
    e: Decimal              # verification scale interval, grams (JJG 539: e = d)
    accuracy_class: AccuracyClass


def intervals(scale: Scale) -> Decimal:
    """n = Max / e, the number of verification scale intervals (check_scale judges it)."""
    return scale.max_capacity / scale.e


def min_capacity(scale: Scale) -> Decimal:
    """Min: 20e for class III, 10e for class IIII (R76-1 3.2, Table 3)."""
    return scale.e * _MIN_INTERVALS[scale.accuracy_class]


def check_scale(scale: Scale) -> None:
    """Return quietly when Max, e and the class can describe a real scale.

    Raises InputError when Max or e is not positive (not_positive), class IIII has e below
    5 g (e_too_small), Max is not a whole number of e (not_multiple_of_e), or n = Max/e lies
    outside the class's range (n_out_of_range, field max_capacity).
    """
    cls, e, top = scale.accuracy_class, scale.e, scale.max_capacity
    for name, value in (("max_capacity", top), ("e", e)):
        _finite(name, value)
        if value <= 0:
            raise InputError(name, "not_positive",
                             f"The {_LABELS[name]} must be more than 0 g; got {_g(value)}.")
    # R76-1 3.2, Table 3: class IIII starts at e = 5 g; class III needs n >= 500 from e = 5 g.
    if cls == AccuracyClass.IIII and e < 5:
        raise InputError("e", "e_too_small",
                         f"A class IIII scale needs e of at least 5 g; this one has e = {_g(e)}.")
    _check_step("max_capacity", top, e, "e", "not_multiple_of_e")
    low, high = (500 if cls == AccuracyClass.III and e >= 5 else 100), _MPE_BANDS[cls][-1][0]
    n = intervals(scale)
    if not low <= n <= high:
        raise InputError("max_capacity", "n_out_of_range",
                         f"A class {cls} scale with e = {_g(e)} must have from {low} to {high} "
                         f"intervals (n = Max / e); Max {_g(top)} gives n = {n.normalize():f}.")


def _check_load(scale: Scale, load: Decimal) -> None:
    _finite("load", load)
    if load < 0:
        raise InputError("load", "negative", f"The test load cannot be negative; got {_g(load)}.")
    if load > scale.max_capacity:
        raise InputError("load", "load_above_max",
                         f"The test load {_g(load)} is above Max ({_g(scale.max_capacity)}).")


def mpe(scale: Scale, load: Decimal, vtype: VerificationType) -> Decimal:
    """The maximum permissible error at `load`, as a positive number of grams.

    Bands on m = load/e, upper bounds inclusive (R76-1 3.5.1, Table 6), doubled in service
    (R76-1 3.5.2). Raises InputError for an impossible scale, or a load below 0 or above Max.
    """
    check_scale(scale)
    _check_load(scale, load)
    # check_scale keeps n within the last band, so some band always holds the load.
    factor = next(f for upper, f in _MPE_BANDS[scale.accuracy_class] if load <= upper * scale.e)
    return factor * scale.e * (2 if vtype == VerificationType.in_service else 1)


def _required_loads(scale: Scale) -> list[Decimal]:
    # R76-1 A.4.4.1: Min, Max and the loads between them where the MPE changes.
    low, high, e = min_capacity(scale), scale.max_capacity, scale.e
    changes = (upper * e for upper, _ in _MPE_BANDS[scale.accuracy_class][:-1])
    return sorted({low, high, *(load for load in changes if low < load < high)})


def proposed_loads(scale: Scale) -> list[Decimal]:
    """The weighing-test loads, ascending: at least 5 distinct multiples of e including Min,
    the loads strictly between Min and Max where the MPE changes, and Max (R76-1 A.4.4.1).

    Further points go in the middle of the widest gap. Raises InputError for an impossible
    scale.
    """
    check_scale(scale)
    loads = _required_loads(scale)
    # n >= 100 leaves at least 80e between Min and Max, so the middle of the widest gap is
    # always a new multiple of e.
    while len(loads) < 5:
        i = max(range(len(loads) - 1), key=lambda k: loads[k + 1] - loads[k])
        loads.insert(i + 1, _round_to_e((loads[i] + loads[i + 1]) / 2, scale.e))
    return loads


def eccentricity_load(scale: Scale) -> Decimal:
    """About 1/3 Max as a multiple of e (R76-1 A.4.7); InputError for an impossible scale."""
    check_scale(scale)
    return _round_to_e(scale.max_capacity / 3, scale.e)


def repeatability_load(scale: Scale) -> Decimal:
    """About 0.8 Max as a multiple of e (R76-1 A.4.10); InputError for an impossible scale."""
    check_scale(scale)
    return _round_to_e(scale.max_capacity * Decimal("0.8"), scale.e)


@dataclass(frozen=True)
class Reading:
    load: Decimal        # L, the test load, grams
    indication: Decimal  # I, what the scale shows, grams
    added: Decimal       # ΔL, the 0.1e weights added until I stepped up by e, grams


def error_before_rounding(scale: Scale, reading: Reading) -> Decimal:
    """E = P - L, where P = I + e/2 - ΔL is the indication before rounding (R76-1 A.4.4.3).

    Raises InputError for an impossible scale, a load below 0 or above Max, an indication
    that is not a multiple of e, or ΔL outside 0..e or not in 0.1e steps.
    """
    check_scale(scale)
    _check_load(scale, reading.load)
    e, added = scale.e, reading.added
    _check_step("indication", reading.indication, e, "e", "not_multiple_of_e")
    _finite("added", added)
    if not 0 <= added <= e:
        raise InputError("added", "added_out_of_range",
                         f"The added weight ΔL must be from 0 g to e ({_g(e)}); got {_g(added)}.")
    _check_step("added", added, e / 10, "0.1e", "added_not_tenth_e")
    return reading.indication + e / 2 - added - reading.load


@dataclass(frozen=True)
class PointResult:
    load: Decimal
    indication: Decimal
    added: Decimal
    error: Decimal       # E
    corrected: Decimal   # Ec = E - E0
    mpe: Decimal         # the limit |Ec| is held to
    passed: bool


@dataclass(frozen=True)
class TestResult:
    __test__ = False     # a result, not a pytest test class, despite its name

    name: str            # zero, weighing, eccentricity, repeatability, discrimination
    passed: bool
    points: tuple[PointResult, ...] = ()
    detail: dict = field(default_factory=dict)


def _points(scale: Scale, vtype: VerificationType, e0: Decimal,
            readings: list[Reading]) -> tuple[PointResult, ...]:
    _finite("e0", e0)
    points = []
    for r in readings:
        error, limit = error_before_rounding(scale, r), mpe(scale, r.load, vtype)
        corrected = error - e0  # R76-1 A.4.4.3: take out the error the scale had at zero
        points.append(PointResult(r.load, r.indication, r.added, error, corrected, limit,
                                  abs(corrected) <= limit))
    return tuple(points)


def _same_load(test: str, readings: list[Reading]) -> Decimal:
    loads = sorted({r.load for r in readings})
    if len(loads) > 1:
        raise InputError("load", "loads_differ", f"Every {test} reading must use the same "
                                                 f"load; got {', '.join(map(_g, loads))}.")
    return loads[0]


def zero_test(scale: Scale, zero: Reading) -> TestResult:
    """Zero-setting accuracy: E0, found at zero or near it (about 10e; `zero.load` says
    which), passes when |E0| <= 0.25e (R76-1 4.5.2, A.4.2.3).

    One point, whose `mpe` is the 0.25e limit and `corrected` is E0 itself; detail holds
    "e0" and "limit". Raises InputError for an impossible reading, or a load above 20e.
    """
    e0 = error_before_rounding(scale, zero)
    # "About 10e" is no sharp bound; twice that still catches a weighing typed in as the zero.
    if zero.load > 20 * scale.e:
        raise InputError("load", "zero_load_too_high",
                         f"The zero test is done at zero or at about 10e ({_g(10 * scale.e)}); "
                         f"a load of {_g(zero.load)} is too far from zero.")
    limit = scale.e / 4
    passed = abs(e0) <= limit
    point = PointResult(zero.load, zero.indication, zero.added, e0, e0, limit, passed)
    return TestResult("zero", passed, (point,), {"e0": e0, "limit": limit})


def weighing_test(scale: Scale, vtype: VerificationType, e0: Decimal,
                  readings: list[Reading]) -> TestResult:
    """Weighing test: passes when every |Ec| = |E - E0| <= MPE at its load.

    Loads may repeat (loading up, then unloading). Raises InputError for an impossible
    reading, or, with field "loads", for fewer than 5 different loads (too_few_loads) or a
    missing Min, Max or load between them where the MPE changes (load_missing; R76-1 A.4.4.1).
    """
    points = _points(scale, vtype, e0, readings)
    loads = {p.load for p in points}
    if len(loads) < 5:
        raise InputError("loads", "too_few_loads",
                         f"The weighing test needs at least 5 different loads; got {len(loads)}.")
    missing = [f"{_g(x)} ({(x / scale.e).normalize():f}e)"
               for x in _required_loads(scale) if x not in loads]
    if missing:
        raise InputError("loads", "load_missing", "The weighing test must include Min, Max and "
                         f"the loads where the MPE changes; missing {', '.join(missing)}.")
    return TestResult("weighing", all(p.passed for p in points), points)


def _check_band(scale: Scale, load: Decimal, low: Decimal, high: Decimal, code: str,
                what: str) -> None:
    """A test done at the wrong load proves nothing: refuse a load outside its band of
    Max (DOMAIN.md: eccentricity at about 1/3 Max, repeatability at about 0.8 Max)."""
    if not low * scale.max_capacity <= load <= high * scale.max_capacity:
        raise InputError("load", code, f"{what} ({_g(low * scale.max_capacity)} to "
                                       f"{_g(high * scale.max_capacity)}); got {_g(load)}.")


def eccentricity_test(scale: Scale, vtype: VerificationType, e0: Decimal,
                      readings: list[Reading]) -> TestResult:
    """Eccentricity: one load, about 1/3 Max, on each quarter of the platter (and the centre);
    passes when every |Ec| <= MPE at that load (R76-1 3.6.2, A.4.7).

    detail holds "load". Raises InputError for an impossible reading, a count other than 4
    or 5 (field "eccentricity", wrong_count) or readings at different loads (loads_differ).
    """
    if len(readings) not in (4, 5):
        raise InputError("eccentricity", "wrong_count",
                         f"The eccentricity test takes 4 or 5 readings (each quarter of the "
                         f"platter, and the centre); got {len(readings)}.")
    points = _points(scale, vtype, e0, readings)
    load = _same_load("eccentricity", readings)
    _check_band(scale, load, Decimal("0.25"), Decimal("0.5"), "eccentricity_load",
                "The eccentricity test is done at about 1/3 Max")
    return TestResult("eccentricity", all(p.passed for p in points), points, {"load": load})


def repeatability_test(scale: Scale, vtype: VerificationType,
                       readings: list[Reading]) -> TestResult:
    """Repeatability: 3 or more weighings of one load, about 0.8 Max; passes when the spread
    max(E) - min(E) <= MPE at that load (R76-1 3.6.1, A.4.10). detail: load, spread, mpe.

    E0 cancels in the spread, so points carry E uncorrected and the test's verdict. Raises
    InputError for an impossible reading, fewer than 3 readings (field "repeatability",
    too_few_readings) or readings at different loads (loads_differ).
    """
    if len(readings) < 3:
        raise InputError("repeatability", "too_few_readings",
                         f"The repeatability test takes at least 3 weighings of the same load; "
                         f"got {len(readings)}.")
    errors = [error_before_rounding(scale, r) for r in readings]
    load = _same_load("repeatability", readings)
    _check_band(scale, load, Decimal("0.7"), Decimal("0.9"), "repeatability_load",
                "The repeatability test is done at about 0.8 Max")
    limit, spread = mpe(scale, load, vtype), max(errors) - min(errors)
    passed = spread <= limit
    points = tuple(PointResult(r.load, r.indication, r.added, error, error, limit, passed)
                   for r, error in zip(readings, errors, strict=True))
    return TestResult("repeatability", passed, points,
                      {"load": load, "spread": spread, "mpe": limit})


def discrimination_test(scale: Scale, load: Decimal, before: Decimal,
                        after: Decimal) -> TestResult:
    """Discrimination: gently adding 1.4d to `load` must raise the indication by exactly d,
    so the test passes when after - before == e (R76-1 3.8, A.4.12; JJG 539: d = e).

    detail holds "load", "before", "after" and "d". Raises InputError for an impossible
    scale or load, or an indication that is not a multiple of e.
    """
    check_scale(scale)
    _check_load(scale, load)
    if load < min_capacity(scale):
        raise InputError("load", "below_min", f"Discrimination is tested at a load of at "
                                              f"least Min ({_g(min_capacity(scale))}); "
                                              f"got {_g(load)}.")
    _check_step("before", before, scale.e, "e", "not_multiple_of_e")
    _check_step("after", after, scale.e, "e", "not_multiple_of_e")
    return TestResult("discrimination", after - before == scale.e, (),
                      {"load": load, "before": before, "after": after, "d": scale.e})


@dataclass(frozen=True)
class VerificationInput:
    zero: Reading
    weighing: list[Reading]
    eccentricity: list[Reading]
    repeatability: list[Reading]
    discrimination: tuple[Decimal, Decimal, Decimal] | None   # (load, before, after)


@dataclass(frozen=True)
class Outcome:
    passed: bool
    tests: tuple[TestResult, ...]

    def failed(self) -> tuple[TestResult, ...]:
        """The tests that failed, in the order they were run."""
        return tuple(t for t in self.tests if not t.passed)


def verify(scale: Scale, vtype: VerificationType, data: VerificationInput) -> Outcome:
    """Run every test of a verification; the scale passes only when all of them pass.

    Weighing and eccentricity are corrected by the zero test's E0, whether or not the zero
    test passed. Discrimination is left out when `data.discrimination` is None. Raises
    InputError, from check_scale or any test, when the input is impossible.
    """
    check_scale(scale)
    zero = zero_test(scale, data.zero)
    e0 = zero.detail["e0"]
    tests = [zero, weighing_test(scale, vtype, e0, data.weighing),
             eccentricity_test(scale, vtype, e0, data.eccentricity),
             repeatability_test(scale, vtype, data.repeatability)]
    if data.discrimination is not None:
        tests.append(discrimination_test(scale, *data.discrimination))
    return Outcome(all(t.passed for t in tests), tuple(tests))
