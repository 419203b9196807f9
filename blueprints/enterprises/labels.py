"""The enterprises area's words for people."""
from blueprints.enterprises.models import EnterpriseSize, EnterpriseStatus
from core.i18n import lazy_gettext as _l

ENTERPRISE_STATUS_LABELS = {
    EnterpriseStatus.pending: _l("Pending verification"),
    EnterpriseStatus.verified: _l("Verified"),
    EnterpriseStatus.rejected: _l("Rejected"),
}
ENTERPRISE_SIZE_LABELS = {
    EnterpriseSize.micro: _l("Micro (under 10 staff)"),
    EnterpriseSize.small: _l("Small (10–99 staff)"),
    EnterpriseSize.medium: _l("Medium (100–999 staff)"),
    EnterpriseSize.large: _l("Large (1000 staff or more)"),
}
