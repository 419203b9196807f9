"""What a verification certificate or notice of failure prints for a scale: the
readings and each test's figures, as plain values (the maths re-run on the saved
readings, so the document shows exactly what was judged)."""
from blueprints.metrology import readings
from blueprints.metrology import scale_verification as sv
from blueprints.metrology.labels import TYPE_DOCUMENT_NAMES, mass
from blueprints.metrology.verifying import scale_of
from core.numbers import plain

TEST_NAMES = {
    "zero": "置零准确度 Zero-setting accuracy",
    "weighing": "称量测试 Weighing test",
    "eccentricity": "偏载测试 Eccentricity",
    "repeatability": "重复性 Repeatability",
    "discrimination": "鉴别力 Discrimination",
}
PASS, FAIL = "合格 Pass", "不合格 Fail"


def _g(value) -> str:
    return f"{plain(value)} g"


def _rows(test: sv.TestResult) -> list[dict]:
    return [{"load": mass(p.load), "indication": _g(p.indication), "added": _g(p.added),
             "error": _g(p.error), "corrected": _g(p.corrected), "mpe": f"± {_g(p.mpe)}",
             "passed": p.passed, "verdict": PASS if p.passed else FAIL} for p in test.points]


def _note(test: sv.TestResult) -> str:
    d = test.detail
    if test.name == "zero":
        return f"E₀ = {_g(d['e0'])}, |E₀| ≤ 0.25e = {_g(d['limit'])}"
    if test.name == "repeatability":
        return f"spread 极差 = {_g(d['spread'])} ≤ MPE {_g(d['mpe'])}"
    if test.name == "discrimination":
        return (f"L = {mass(d['load'])}: {_g(d['before'])} → {_g(d['after'])} "
                f"(+1.4d, d = {_g(d['d'])})")
    return ""


def scale_block(item) -> dict:
    """The scale's identity, the kind of verification, the label and each test."""
    record, instrument = item.scale_verification, item.instrument
    outcome = readings.assess(scale_of(record), record.verification_type,
                              record.readings).outcome
    return {
        "instrument": record.instrument_description,
        "max": mass(record.max_capacity), "e": mass(record.e),
        "accuracy_class": record.accuracy_class,
        "location": " ".join(p for p in (instrument.market, instrument.stall) if p),
        "type": TYPE_DOCUMENT_NAMES[record.verification_type], "rules": record.rules,
        "label": record.label_number or "", "passed": record.passed,
        "tests": [{"name": TEST_NAMES[t.name], "passed": t.passed,
                   "verdict": PASS if t.passed else FAIL, "rows": _rows(t), "note": _note(t)}
                  for t in (outcome.tests if outcome else ())],
    }
