"""Core's words for people: the roles."""
from core.i18n import lazy_gettext as _l
from core.roles import Role

ROLE_LABELS = {
    Role.sme: _l("Enterprise user"),
    Role.citizen: _l("Citizen / market vendor"),
    Role.lab_staff: _l("Lab analyst"),
    Role.lab_manager: _l("Lab manager"),
    Role.admin: _l("Platform administrator"),
    Role.expert: _l("Quality-clinic expert"),
}
