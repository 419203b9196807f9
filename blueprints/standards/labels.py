"""The standards area's words for people: statuses as the national platform words them
(现行 / 废止 / 被代替 / 即将实施) and the ways a standard adopts an international one."""
from blueprints.standards.models import Adoption, StandardStatus
from core.i18n import lazy_gettext as _l

STANDARD_STATUS_LABELS = {
    StandardStatus.current: _l("Current"),
    StandardStatus.upcoming: _l("To be implemented"),
    StandardStatus.replaced: _l("Replaced"),
    StandardStatus.withdrawn: _l("Abolished"),
}

ADOPTION_LABELS = {
    Adoption.none: _l("Not an adoption"),
    Adoption.identical: _l("Identical (IDT)"),
    Adoption.modified: _l("Modified (MOD)"),
    Adoption.not_equivalent: _l("Not equivalent (NEQ)"),
}
