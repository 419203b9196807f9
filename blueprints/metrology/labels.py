"""How instruments read to people, on pages (translated) and on documents (both
languages, as the certificates print them)."""
from decimal import Decimal

from blueprints.metrology.models import InstrumentKind
from blueprints.metrology.scale_verification import VerificationType
from core.i18n import lazy_gettext as _l
from core.numbers import plain

INSTRUMENT_KIND_LABELS = {
    InstrumentKind.price_computing_scale: _l("Price-computing scale"),
    InstrumentKind.platform_scale: _l("Platform scale"),
    InstrumentKind.counter_scale: _l("Counter scale"),
    InstrumentKind.hanging_scale: _l("Hanging scale"),
    InstrumentKind.balance: _l("Balance"),
    InstrumentKind.pressure_gauge: _l("Pressure gauge"),
    InstrumentKind.thermometer: _l("Thermometer"),
    InstrumentKind.other: _l("Other instrument"),
}

KIND_DOCUMENT_NAMES = {
    InstrumentKind.price_computing_scale: "电子计价秤 Price-computing scale",
    InstrumentKind.platform_scale: "电子台秤 Platform scale",
    InstrumentKind.counter_scale: "案秤 Counter scale",
    InstrumentKind.hanging_scale: "电子吊秤 Hanging scale",
    InstrumentKind.balance: "电子天平 Balance",
    InstrumentKind.pressure_gauge: "压力表 Pressure gauge",
    InstrumentKind.thermometer: "温度计 Thermometer",
    InstrumentKind.other: "计量器具 Instrument",
}

VERIFICATION_TYPE_LABELS = {
    VerificationType.initial: _l("Initial verification"),
    VerificationType.subsequent: _l("Subsequent verification"),
    VerificationType.in_service: _l("In-service inspection"),
}

TYPE_DOCUMENT_NAMES = {
    VerificationType.initial: "首次检定 Initial verification",
    VerificationType.subsequent: "后续检定 Subsequent verification",
    VerificationType.in_service: "使用中检查 In-service inspection",
}


def mass(grams: Decimal | None) -> str:
    """1500 -> '1.5 kg', 5 -> '5 g': masses as a market reads them."""
    if grams is None:
        return ""
    if abs(grams) >= 1000:
        return f"{plain(grams / 1000)} kg"
    return f"{plain(grams)} g"


def accuracy(accuracy_class: str) -> str:
    """"class III" / "III 级"."""
    return str(_l("class %(cls)s", cls=accuracy_class))


def instrument_line(instrument) -> str:
    """An instrument on a page, in the reader's language: kind, make, model, serial and,
    for a scale, Max, e and accuracy class. (Documents print describe(): both
    languages.)"""
    parts = [str(INSTRUMENT_KIND_LABELS[instrument.kind]), instrument.make, instrument.model,
             f"S/N {instrument.serial}"]
    if instrument.max_capacity is not None:
        parts.append(f"Max {mass(instrument.max_capacity)}, e = {mass(instrument.e)}, "
                     f"{accuracy(instrument.accuracy_class)}")
    return " ".join(p for p in parts if p)


INPUT_ERRORS = {
    "not_a_number": _l("Enter a number such as 12.5."),
    "out_of_range": _l("This number is too large."),
    "not_positive": _l("Enter a number above zero."),
    "e_too_small": _l("Class IIII scales have e of at least 5 g."),
    ("max_capacity", "not_multiple_of_e"): _l("Max must be a whole number of intervals e."),
    "n_out_of_range": _l("Max ÷ e gives a number of intervals this accuracy class does not "
                         "allow (class III: 100 to 10,000, from 500 when e is 5 g or more; "
                         "class IIII: 100 to 1,000)."),
    "not_multiple_of_e": _l("The indication must be a multiple of e."),
    "added_out_of_range": _l("The added weights ΔL must lie between 0 and e."),
    "added_not_tenth_e": _l("The added weights ΔL go in steps of 0.1e."),
    "load_above_max": _l("The load is above the scale's Max."),
    "negative": _l("The load cannot be negative."),
    "loads_differ": _l("Every reading of this test uses the same load."),
    "zero_load_too_high": _l("The zero test is done at zero or at about 10e."),
    "too_few_loads": _l("The weighing test needs at least five different loads."),
    "load_missing": _l("The weighing test needs Min, Max and the loads where the MPE changes "
                       "(500e and 2000e for class III; 50e and 200e for class IIII)."),
    "wrong_count": _l("Enter a reading at the centre and at each quarter of the platter."),
    "too_few_readings": _l("Enter every reading this test asks for."),
    "eccentricity_load": _l("The eccentricity test is done at about ⅓ Max."),
    "repeatability_load": _l("The repeatability test is done at about 0.8 Max."),
    "below_min": _l("Discrimination is tested at a load of at least Min."),
}


def input_error_message(err) -> str:
    """The maths module's refusal in the reader's language (its own English message,
    with the figures, when the code is new to us)."""
    message = INPUT_ERRORS.get((err.field, err.code)) or INPUT_ERRORS.get(err.code)
    return str(message) if message is not None else str(err)
