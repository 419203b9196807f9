"""Reading typed results and saving them with their verdicts.

`parse_entry` is plain Python: raw strings in, a checked entry or an error out,
so the per-item form and the worklist grid read results the same way. What a result
may look like, and how each form is judged, is written_results'."""
from dataclasses import dataclass
from decimal import Decimal

from blueprints.audit.models import record_event
from blueprints.catalogue.kinds import LimitKind
from blueprints.service_requests.lifecycle import Action, State
from blueprints.service_requests.models import RequestItem, Result
from blueprints.service_requests.verdicts import Verdict
from blueprints.service_requests.written_results import (
    GRADE_SCALES,
    ResultForm,
    UnreadableResult,
    WrittenResult,
    judge,
    read_number,
    read_result,
)
from core.i18n import lazy_gettext as _l
from core.numbers import plain
from core.timeutil import utcnow

MAX_ABS = Decimal(10) ** 12


@dataclass(frozen=True)
class Entry:
    parameter_id: int
    value: Decimal | None              # the number; the bound of < and >; an interval's low
    uncertainty: Decimal | None
    text_value: str
    verdict: Verdict
    reference: Decimal | None = None   # calibration: the reference standard's value
    form: ResultForm = ResultForm.number
    high: Decimal | None = None        # an interval's or a half grade's high end
    written: str = ""                  # as the report prints it


# Why a typed result was refused (written_results.UnreadableResult codes).
UNREADABLE = {
    "decimal_comma": _l("“%(raw)s”: write decimals with a point, such as 1.5."),
    "not_a_number": _l("“%(raw)s” is not a number."),
    "too_many_digits": _l("“%(raw)s” is not a number the desk can keep (at most 6 "
                          "decimals)."),
    "empty_interval": _l("“%(raw)s”: an interval is written low to high, such as 3.2-4.1."),
    "off_the_scale": _l("“%(raw)s” is not a grade of this scale (%(scale)s)."),
    "not_a_result": _l("“%(raw)s” is not a result the desk can read: write a number (12.5), "
                       "< or > a number (<0.01), ND for not detected, or an interval "
                       "(3.2-4.1)."),
}


def field_name(item_id: int, parameter_id: int, part: str) -> str:
    return f"r-{item_id}-{parameter_id}-{part}"


def _number(raw: str):
    """An uncertainty or a reference value: (number or None, None), or (None, why not)."""
    try:
        return read_number(raw), None
    except UnreadableResult as refused:
        return None, refusal(refused)


def read_typed(parameter, raw: str) -> WrittenResult | None:
    """What was typed for this parameter, read as the parameter takes results (on its
    grade scale; words where its limit is in words). Raises UnreadableResult."""
    return read_result(raw, grades=GRADE_SCALES.get(parameter.grade_scale or ""),
                       words=parameter.limit_kind == LimitKind.text)


def judged(parameter, written: WrittenResult, by_analyst: Verdict | None = None):
    return judge(written, parameter.limit_kind, parameter.limit_min, parameter.limit_max,
                 parameter.detection_limit, by_analyst)


def refusal(refused: UnreadableResult) -> str:
    return UNREADABLE[refused.code] % {"raw": refused.raw.strip(), "scale": refused.scale}


def parse_entry(parameter, raw_value: str, raw_uncertainty: str = "", raw_text: str = "",
                raw_judged: str = "", raw_reference: str = "") -> tuple[Entry | None, str | None]:
    """(entry, None) for a usable result, (None, None) when left empty, or
    (None, message) when what was typed cannot be used. Nothing typed is dropped: a
    reference or an uncertainty typed without its reading asks for the reading."""
    uncertainty, err = _number(raw_uncertainty)
    if err:
        return None, err
    reference, err = _number(raw_reference)
    if err:
        return None, err
    if uncertainty is not None and uncertainty < 0:
        return None, _l("The uncertainty cannot be negative.")
    text = (raw_text or "").strip()[:200]
    verdict_given = Verdict(raw_judged) if raw_judged in Verdict._value2member_map_ else None
    kind = parameter.limit_kind
    words = kind == LimitKind.text  # a limit in words takes words (or a reading)
    try:
        written = read_typed(parameter, text if words else raw_value)
    except UnreadableResult as refused:
        return None, refusal(refused)
    if written is None:
        if words and verdict_given is not None:
            written = WrittenResult(ResultForm.text)
        elif uncertainty is not None or reference is not None or (text and not words):
            return None, _l("Enter the value too.")
        else:
            return None, None
    judgement = judged(parameter, written, verdict_given)
    return Entry(parameter.id, written.low, uncertainty, text,
                 judgement.verdict or Verdict.inconclusive, reference, written.form,
                 written.high, "" if written.form == ResultForm.text else written.written), None


def read_item(item: RequestItem, form) -> tuple[list[Entry], dict[str, str]]:
    """Every parameter of one item from the posted form: entries and errors by field."""
    entries, errors = [], {}
    for parameter in item.service.parameters:
        def raw(part, p=parameter):
            return form.get(field_name(item.id, p.id, part), "")
        entry, err = parse_entry(parameter, raw("value"), raw("unc"), raw("text"), raw("judged"),
                                 raw("ref"))
        if err:
            errors[field_name(item.id, parameter.id, "value")] = str(err)
        elif entry:
            entries.append(entry)
    return entries, errors


def _shown(value: Decimal | None, uncertainty: Decimal | None, text: str, verdict: Verdict,
           reference: Decimal | None = None, written: str = ""):
    shown = {"value": plain(value), "uncertainty": plain(uncertainty), "text": text,
             "verdict": verdict.value}
    if reference is not None:
        shown["reference"] = plain(reference)
    if written and written != plain(value):
        shown["written"] = written
    return shown


def save(item: RequestItem, entries: list[Entry], user) -> int:
    """Store the entries that change something (a form posts back the values it
    showed; those are not re-entered by whoever saves). The first change starts the
    work. Every change is in the audit log with the value before and after, so an
    amended result stays traceable and whoever entered a value is known for good.
    Returns how many results changed."""
    existing = {r.parameter_id: r for r in item.results}
    changes = []
    for e in entries:
        result = existing.get(e.parameter_id)
        new = _shown(e.value, e.uncertainty, e.text_value, e.verdict, e.reference, e.written)
        old = _shown(result.value, result.uncertainty, result.text_value, result.verdict,
                     result.reference_value, result.written) if result else None
        if old == new:
            continue
        if result is None:
            result = Result(parameter_id=e.parameter_id)
            item.results.append(result)
        result.value, result.uncertainty = e.value, e.uncertainty
        result.reference_value = e.reference
        result.text_value, result.verdict = e.text_value, e.verdict
        result.form, result.high_value, result.written = e.form, e.high, e.written
        result.entered_by_id, result.entered_at = user.id, utcnow()
        changes.append((e.parameter_id, old, new))
    if not changes:
        return 0
    sub = item.sub_request
    if sub.state == State.sample_received:
        sub.take(Action.start, user)
    sub.updated_at = utcnow()  # moves the version: a form opened before this is stale
    record_event(user, "request_items", item.id, "results_entered",
                 before={str(p): old for p, old, _new in changes if old},
                 after={str(p): new for p, _old, new in changes})
    return len(changes)
