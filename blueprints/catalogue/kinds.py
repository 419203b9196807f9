"""The catalogue's fixed kinds (plain enums; their words for people are in labels.py)."""
from enum import StrEnum


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
