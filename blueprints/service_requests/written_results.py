"""Results as labs write them, and how each form is judged against a limit.

A lab reports a number (12.5), a censored value ("< 5", ">200", "<0.01"), "not
detected" (ND, N.D., 未检出: below the method's limit of detection), a measured
interval (3.2–4.1), a grade on a defined scale (grey-scale "3-4" or "4/5"), or words.
`read_result` reads what was typed, with full-width signs and the dashes people use,
into a WrittenResult that keeps both the meaning and the text as written; it refuses
only what cannot be read, saying why. `judge` gives the statement of conformity of
each form (ISO/IEC 17025 7.8.6, simple acceptance, limits inclusive), or says that the
result cannot be judged against the limit (a censored value across it).

Plain Python: no database, no Flask."""
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from blueprints.catalogue.grade_scales import GRADE_SCALES, GREY_SCALE, GradeScale  # noqa: F401  (re-exported)
from blueprints.catalogue.kinds import LimitKind
from blueprints.service_requests.verdicts import Verdict

MAX_DIGITS_BEFORE_POINT = 12
MAX_DECIMALS = 6


class ResultForm(StrEnum):
    number = "number"              # 12.5
    below = "below"                # < 5: somewhere under the bound
    above = "above"                # > 200: somewhere over the bound
    not_detected = "not_detected"  # ND / 未检出: under the limit of detection
    interval = "interval"          # 3.2–4.1: a measured interval
    grade = "grade"                # 3-4 on a grade scale (a half grade is an interval)
    text = "text"                  # words, judged by the analyst


@dataclass(frozen=True)
class WrittenResult:
    form: ResultForm
    low: Decimal | None = None     # the number; the bound of < and >; an interval's low end
    high: Decimal | None = None    # an interval's or a half grade's high end
    written: str = ""              # as the report prints it (signs made plain)

    def bounds(self, detection_limit: Decimal | None = None) -> tuple:
        """The interval the true value lies in: (low, high, low is open, high is open),
        None for an unbounded end. ND is below the detection limit (unknown if none)."""
        if self.form == ResultForm.number:
            return self.low, self.low, False, False
        if self.form == ResultForm.grade and self.low != self.high:
            # A half grade (3-4) lies strictly between its two whole grades.
            return self.low, self.high, True, True
        if self.form in (ResultForm.interval, ResultForm.grade):
            return self.low, self.high, False, False
        if self.form == ResultForm.below:
            return None, self.low, True, True
        if self.form == ResultForm.above:
            return self.low, None, True, True
        if self.form == ResultForm.not_detected:
            return None, detection_limit, True, True
        return None, None, True, True


class UnreadableResult(ValueError):
    """What was typed is not a result; `code` says why, `raw` is what was typed and
    `scale` the grades it should have been one of."""

    def __init__(self, code: str, raw: str, scale: str = ""):
        super().__init__(f"{code}: {raw!r}")
        self.code, self.raw, self.scale = code, raw, scale


NOT_DETECTED = re.compile(r"^(n\.?\s*d\.?|not\s+detected|未检出|未检测到|<\s*lod)$",
                          re.IGNORECASE)
NUMBER = r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+"
CENSORED = re.compile(rf"^([<>])\s*({NUMBER})$")
BETWEEN = re.compile(rf"^({NUMBER})\s*(?:-|~|至|到)\s*({NUMBER})$")
# Dashes and tildes people type between two numbers, and signs in their CJK forms.
SIGNS = str.maketrans({"－": "-", "—": "-", "–": "-", "−": "-", "～": "~", "〜": "~",
                       "＜": "<", "＞": ">", "／": "/", "，": ",", "。": "."})


def plain_text(raw: str) -> str:
    """Full-width letters, digits and signs as their ASCII forms, spaces folded."""
    text = unicodedata.normalize("NFKC", raw or "").translate(SIGNS)
    return " ".join(text.split())


def _decimal(text: str, raw: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise UnreadableResult("not_a_number", raw) from None
    if (not value.is_finite() or value.adjusted() >= MAX_DIGITS_BEFORE_POINT
            or -value.as_tuple().exponent > MAX_DECIMALS):
        raise UnreadableResult("too_many_digits", raw)
    return value


def read_result(raw: str, grades: GradeScale | None = None,
                words: bool = False) -> WrittenResult | None:
    """What a lab typed, read into its form; None when nothing was typed.

    `grades` is the parameter's grade scale (GREY_SCALE): "3-4" and "4/5" are then
    half grades, "B类" a class, and a grade off the scale is refused. `words` accepts free text
    (a parameter judged by the analyst). Raises UnreadableResult with a code:
    "decimal_comma" (1,5 for 1.5), "not_a_number", "too_many_digits",
    "empty_interval" (its low end above its high end), "off_the_scale", "not_a_result".
    """
    text = plain_text(raw)
    if not text:
        return None
    if grades is not None:  # a grade from the scale, and nothing else
        graded = grades.read(text)
        if graded is None:
            raise UnreadableResult("off_the_scale", raw, grades.summary())
        return WrittenResult(ResultForm.grade, *graded)
    if NOT_DETECTED.match(text):
        return WrittenResult(ResultForm.not_detected, written="ND")
    if m := CENSORED.match(text):
        form = ResultForm.below if m.group(1) == "<" else ResultForm.above
        value = _number(m.group(2), raw)
        return WrittenResult(form, value, written=f"{m.group(1)} {m.group(2)}")
    if m := BETWEEN.match(text):
        low, high = _number(m.group(1), raw), _number(m.group(2), raw)
        if low > high:
            raise UnreadableResult("empty_interval", raw)
        return WrittenResult(ResultForm.interval, low, high, f"{m.group(1)}–{m.group(2)}")
    if re.fullmatch(NUMBER, text) or re.fullmatch(r"[+-]?\d+,\d{1,2}", text):
        value = _number(text, raw)
        # As typed: a lab's trailing zeros say how precisely it measured (12.50).
        return WrittenResult(ResultForm.number, value, written=text)
    if words:
        return WrittenResult(ResultForm.text, written=text[:200])
    raise UnreadableResult("not_a_result", raw)


def read_number(raw: str) -> Decimal | None:
    """A plain number (an uncertainty, a reference value), read by the same rules as a
    result's; None when nothing was typed. Raises UnreadableResult."""
    text = plain_text(raw)
    if not text:
        return None
    if re.fullmatch(NUMBER, text) or re.fullmatch(r"[+-]?\d+,\d{1,2}", text):
        return _number(text, raw)
    raise UnreadableResult("not_a_number", raw)


def _number(text: str, raw: str) -> Decimal:
    # A comma is read only as thousands grouping (1,250.5): "1,5" would read as 15.
    if "," in text and not re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", text):
        raise UnreadableResult("decimal_comma", raw)
    return _decimal(text, raw)


@dataclass(frozen=True)
class Judgement:
    """A statement of conformity, or None with `why` when the result cannot be judged
    against the limit (it may lie on either side)."""
    verdict: Verdict | None
    why: str = ""


def judge(result: WrittenResult, limit_kind: LimitKind, limit_min: Decimal | None = None,
          limit_max: Decimal | None = None, detection_limit: Decimal | None = None,
          judged: Verdict | None = None) -> Judgement:
    """The result's verdict against the parameter's limit, by its form.

    Passes when every value the result allows lies within the limit, fails when none
    does, and cannot be judged (verdict None) otherwise: "< 5" passes "≤ 10", "< 20"
    cannot be judged against it; ND is below the detection limit, so it passes a "≤"
    limit at or above it and cannot be judged without one; a half grade lies strictly
    between its grades, so "3-4" passes "≥ 3" and fails "≥ 4".
    A limit stated in words (and any result in words) is the analyst's `judged`.
    """
    if limit_kind == LimitKind.none:
        return Judgement(Verdict.not_applicable)
    if limit_kind == LimitKind.text or result.form == ResultForm.text:
        if judged is not None:
            return Judgement(judged)
        return Judgement(None, "needs_judgement") if limit_kind != LimitKind.text \
            else Judgement(Verdict.not_applicable)
    if result.form == ResultForm.not_detected and detection_limit is None:
        return Judgement(None, "no_detection_limit")
    low, high, low_open, high_open = result.bounds(detection_limit)
    need_min = limit_kind in (LimitKind.min, LimitKind.range)
    need_max = limit_kind in (LimitKind.max, LimitKind.range)
    # Every allowed value within the limit?
    inside_min = not need_min or (low is not None and low >= limit_min)
    inside_max = not need_max or (high is not None and high <= limit_max)
    if inside_min and inside_max:
        return Judgement(Verdict.passed)
    # No allowed value within it? (an open end at the limit keeps the limit out)
    below_min = need_min and high is not None and (
        high < limit_min or (high == limit_min and high_open))
    above_max = need_max and low is not None and (
        low > limit_max or (low == limit_max and low_open))
    if below_min or above_max:
        return Judgement(Verdict.failed)
    return Judgement(None, "straddles_the_limit")
