"""The catalogue's words for people."""
from blueprints.catalogue.kinds import IndustryChain, LimitKind, ServiceKind
from core.i18n import lazy_gettext as _l

SERVICE_KIND_LABELS = {
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

# The grade scales a parameter's results may be read on (written_results.GRADE_SCALES).
GRADE_SCALE_LABELS = {
    "": _l("No grades"),
    "grey": _l("Grey scale, grades 1 to 5 with half grades"),
    "blue_wool": _l("Blue wool (light fastness), grades 1 to 8 with half grades"),
    "gb18401": _l("GB 18401 safety class: C, B, A (limit 2 = at least B)"),
}
