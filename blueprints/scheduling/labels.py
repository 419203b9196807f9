"""The scheduling area's words for people."""
from blueprints.scheduling.kinds import ResourceKind
from core.i18n import lazy_gettext as _l
from core.working_calendar import DayKind

RESOURCE_KIND_LABELS = {
    ResourceKind.reception: _l("Sample drop-off counter"),
    ResourceKind.onsite_team: _l("On-site team"),
    ResourceKind.instrument: _l("Instrument"),
}
WEEKDAY_LABELS = [_l("Mon"), _l("Tue"), _l("Wed"), _l("Thu"), _l("Fri"), _l("Sat"), _l("Sun")]

DAY_KIND_LABELS = {
    DayKind.holiday: _l("Closed (holiday or closure)"),
    DayKind.workday: _l("Open (make-up working day)"),
}

# The steps after which a part gives its bookings back, as the notice names them.
RELEASE_STEPS = {
    "cancelled": _l("cancelled"),
    "rejected": _l("not accepted by the lab"),
    "returned": _l("returned for more information"),
}
