"""The metrologist's readings as typed (field name -> text) turned into the maths
module's input, with each row's figures and each test's verdict as far as the
readings go: the form shows them live and saves them once they are complete.

Plain Python: no request, no database."""
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from blueprints.metrology import scale_verification as sv
from core.typed import folded

MAX_WEIGHING_ROWS = 8
ECCENTRICITY_POSITIONS = ("centre", "front_left", "front_right", "back_left", "back_right")
REPEATS = 3


@dataclass(frozen=True)
class Row:
    """One reading row of the form: where its figures go and what they are."""
    key: str                      # "zero", "w0".."w7", "ecc0".."ecc4", "rep0".."rep2"
    test: str                     # "zero", "weighing", "eccentricity", "repeatability"
    load_field: str               # the field holding its load (shared for ecc/rep)


def rows() -> list[Row]:
    return ([Row("zero", "zero", "zero-load")]
            + [Row(f"w{i}", "weighing", f"w{i}-load") for i in range(MAX_WEIGHING_ROWS)]
            + [Row(f"ecc{i}", "eccentricity", "ecc-load")
               for i in range(len(ECCENTRICITY_POSITIONS))]
            + [Row(f"rep{i}", "repeatability", "rep-load") for i in range(REPEATS)])


@dataclass
class Assessment:
    errors: dict[str, sv.InputError] = field(default_factory=dict)   # by field name
    points: dict[str, sv.PointResult] = field(default_factory=dict)  # by row key
    tests: dict[str, sv.TestResult] = field(default_factory=dict)    # by test name
    missing: set[str] = field(default_factory=set)                   # tests not yet complete
    data: sv.VerificationInput | None = None
    outcome: sv.Outcome | None = None

    @property
    def complete(self) -> bool:
        return self.outcome is not None


def _number(raw: Mapping[str, str], name: str, errors: dict) -> Decimal | None:
    text = folded(raw.get(name)).replace(",", ".")  # a tablet's full-width digits too
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or abs(value) >= Decimal(10) ** 9:
        errors[name] = sv.InputError(name, "not_a_number", f"{text!r} is not a number")
        return None
    return value


def _reading(scale, raw, row: Row, errors) -> sv.Reading | None:
    load = _number(raw, row.load_field, errors)
    indication = _number(raw, f"{row.key}-ind", errors)
    added = _number(raw, f"{row.key}-add", errors)
    if load is None or indication is None:
        return None
    reading = sv.Reading(load=load, indication=indication, added=added or Decimal(0))
    try:
        sv.error_before_rounding(scale, reading)
    except sv.InputError as err:
        name = {"load": row.load_field, "indication": f"{row.key}-ind",
                "added": f"{row.key}-add"}.get(err.field, f"{row.key}-ind")
        errors[name] = err
        return None
    return reading


def assess(scale: sv.Scale, vtype: sv.VerificationType, raw: Mapping[str, str]) -> Assessment:
    """What the readings show so far. Raises sv.InputError only for an impossible
    scale (check it before)."""
    sv.check_scale(scale)
    result = Assessment()
    readings: dict[str, list[sv.Reading]] = {"zero": [], "weighing": [], "eccentricity": [],
                                             "repeatability": []}
    for row in rows():
        reading = _reading(scale, raw, row, result.errors)
        if reading is not None:
            readings[row.test].append(reading)
            result.points[row.key] = reading  # replaced by its PointResult below
    e0 = None
    if readings["zero"]:
        try:
            zero = sv.zero_test(scale, readings["zero"][0])
        except sv.InputError as err:
            result.errors["zero-load"] = err
        else:
            result.tests["zero"] = zero
            e0 = zero.detail["e0"]
    _point_results(scale, vtype, e0, result)
    for name, test, load_field in (("weighing", sv.weighing_test, "weighing-rows"),
                                   ("eccentricity", sv.eccentricity_test, "ecc-load")):
        if e0 is not None and readings[name]:
            try:
                result.tests[name] = test(scale, vtype, e0, readings[name])
            except sv.InputError as err:
                result.missing.add(name)
                result.errors.setdefault(load_field if err.field == "load" else f"{name}-rows",
                                         err)
    if len(readings["eccentricity"]) < len(ECCENTRICITY_POSITIONS):
        result.missing.add("eccentricity")
    if len(readings["repeatability"]) >= REPEATS:
        try:
            result.tests["repeatability"] = sv.repeatability_test(scale, vtype,
                                                                  readings["repeatability"])
        except sv.InputError as err:
            result.errors["rep-load"] = err
    discrimination = [_number(raw, f"disc-{n}", result.errors)
                      for n in ("load", "before", "after")]
    if None not in discrimination:
        try:
            result.tests["discrimination"] = sv.discrimination_test(scale, *discrimination)
        except sv.InputError as err:
            result.errors["disc-" + {"after": "after", "load": "load"}.get(err.field,
                                                                          "before")] = err
    result.missing |= {name for name in ("zero", "weighing", "eccentricity", "repeatability",
                                         "discrimination") if name not in result.tests}
    if not result.missing and not result.errors:
        result.data = sv.VerificationInput(
            zero=readings["zero"][0], weighing=readings["weighing"],
            eccentricity=readings["eccentricity"], repeatability=readings["repeatability"],
            discrimination=tuple(discrimination))
        result.outcome = sv.verify(scale, vtype, result.data)
    return result


def _point_results(scale, vtype, e0, result: Assessment) -> None:
    """Each complete row's error, corrected error, MPE and verdict (the live figures)."""
    for key, reading in list(result.points.items()):
        error = sv.error_before_rounding(scale, reading)
        corrected = error - e0 if e0 is not None else error
        mpe = sv.mpe(scale, reading.load, vtype)
        result.points[key] = sv.PointResult(
            load=reading.load, indication=reading.indication, added=reading.added,
            error=error, corrected=corrected, mpe=mpe, passed=abs(corrected) <= mpe)


def proposed(scale: sv.Scale) -> dict[str, Decimal]:
    """The loads the form offers before anything is typed."""
    loads = {"zero-load": Decimal(0), "ecc-load": sv.eccentricity_load(scale),
             "rep-load": sv.repeatability_load(scale),
             "disc-load": sv.repeatability_load(scale)}
    for i, load in enumerate(sv.proposed_loads(scale)[:MAX_WEIGHING_ROWS]):
        loads[f"w{i}-load"] = load
    return loads


def field_names() -> set[str]:
    """Every field the form has: what a saved verification keeps of a post."""
    names = {"vtype", "disc-load", "disc-before", "disc-after", "ecc-load", "rep-load"}
    for row in rows():
        names |= {row.load_field, f"{row.key}-ind", f"{row.key}-add"}
    return names


def kept(raw: Mapping[str, str]) -> dict[str, str]:
    """The form's own fields of a post, each cut to a sensible length."""
    names = field_names()
    return {k: str(v)[:40] for k, v in raw.items() if k in names}
