"""The five roles of the desk (DESIGN.md, People and what they do)."""
from enum import StrEnum

from core.i18n import lazy_gettext as _l


class Role(StrEnum):
    sme = "sme"
    citizen = "citizen"
    lab_staff = "lab_staff"
    lab_manager = "lab_manager"
    admin = "admin"


ROLE_LABELS = {
    Role.sme: _l("Enterprise user"),
    Role.citizen: _l("Citizen / market vendor"),
    Role.lab_staff: _l("Lab analyst"),
    Role.lab_manager: _l("Lab manager"),
    Role.admin: _l("Platform administrator"),
}

LAB_ROLES = frozenset({Role.lab_staff, Role.lab_manager})
