"""Fixed vocabularies of the catalogue, with their labels for people."""
from enum import StrEnum

from core.i18n import lazy_gettext as _l


class ServiceKind(StrEnum):
    testing = "testing"
    calibration = "calibration"
    verification = "verification"
    standards = "standards"
    diagnosis = "diagnosis"


class IndustryChain(StrEnum):
    textiles_footwear = "textiles_footwear"
    leisure_food = "leisure_food"
    building_ceramics = "building_ceramics"
    smart_equipment = "smart_equipment"
    integrated_circuits = "integrated_circuits"
    nuclear_medicine = "nuclear_medicine"
    other = "other"


class LimitKind(StrEnum):
    """How a parameter's result is judged against its limit."""
    none = "none"        # reported, no verdict
    max = "max"          # value <= limit_max
    min = "min"          # value >= limit_min
    range = "range"      # limit_min <= value <= limit_max
    text = "text"        # a stated requirement, judged by the analyst


KIND_LABELS = {
    ServiceKind.testing: _l("Testing"),
    ServiceKind.calibration: _l("Calibration"),
    ServiceKind.verification: _l("Legal verification"),
    ServiceKind.standards: _l("Standards"),
    ServiceKind.diagnosis: _l("Quality diagnosis"),
}

INDUSTRY_LABELS = {
    IndustryChain.textiles_footwear: _l("Textiles & footwear"),
    IndustryChain.leisure_food: _l("Leisure food"),
    IndustryChain.building_ceramics: _l("Building ceramics"),
    IndustryChain.smart_equipment: _l("Smart equipment"),
    IndustryChain.integrated_circuits: _l("Integrated circuits"),
    IndustryChain.nuclear_medicine: _l("Nuclear medicine"),
    IndustryChain.other: _l("Other"),
}

LIMIT_LABELS = {
    LimitKind.none: _l("No limit (reported only)"),
    LimitKind.max: _l("At most"),
    LimitKind.min: _l("At least"),
    LimitKind.range: _l("Between"),
    LimitKind.text: _l("Stated requirement"),
}
