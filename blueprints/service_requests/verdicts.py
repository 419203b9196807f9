"""Statement of conformity for one result (ISO/IEC 17025 7.8.6).

Decision rule: simple acceptance. The measured value is compared with the limit
as it stands, without guard bands; the expanded uncertainty is reported beside
it but does not move the limit. Limits are inclusive: a value equal to the limit
conforms.
"""
from decimal import Decimal
from enum import StrEnum

from blueprints.catalogue.kinds import LimitKind

DECISION_RULE = "simple acceptance (ILAC-G8:09/2019 4.2.1), limits inclusive"


class Verdict(StrEnum):
    passed = "pass"
    failed = "fail"
    not_applicable = "n/a"
    # A censored result across the limit ("< 20" against "≤ 10"): it may lie either side.
    inconclusive = "inconclusive"


class VerdictError(ValueError):
    """A numeric limit was given no number to judge."""


def verdict(limit_kind: LimitKind, value: Decimal | None, limit_min: Decimal | None = None,
            limit_max: Decimal | None = None, judged: Verdict | None = None) -> Verdict:
    """The verdict of `value` against the parameter's limit.

    max: pass when value <= limit_max; min: pass when value >= limit_min;
    range: pass when limit_min <= value <= limit_max; none: not applicable;
    text: the analyst's judgement `judged` (not applicable when none is given).
    Raises VerdictError when a numeric limit has no value to compare.
    """
    if limit_kind == LimitKind.none:
        return Verdict.not_applicable
    if limit_kind == LimitKind.text:
        return judged or Verdict.not_applicable
    if value is None:
        raise VerdictError("a numeric limit needs a value")
    if limit_kind == LimitKind.max:
        ok = value <= limit_max
    elif limit_kind == LimitKind.min:
        ok = value >= limit_min
    else:
        ok = limit_min <= value <= limit_max
    return Verdict.passed if ok else Verdict.failed


class Conclusion(StrEnum):
    """A report's overall statement of conformity, from its results' verdicts."""
    conforms = "conforms"              # every judged result passed
    does_not_conform = "fails"         # at least one result failed
    undetermined = "undetermined"      # none failed, but some could not be judged
    not_judged = "not_judged"          # no result was judged against a limit


def conclusion(verdicts) -> Conclusion:
    """17025 7.8.6: one failed result makes the item (and the report) not conform; a
    result that cannot be judged leaves the conclusion open unless another failed."""
    verdicts = [v for v in verdicts if v is not None]
    if Verdict.failed in verdicts:
        return Conclusion.does_not_conform
    if Verdict.inconclusive in verdicts:
        return Conclusion.undetermined
    if Verdict.passed in verdicts:
        return Conclusion.conforms
    return Conclusion.not_judged
