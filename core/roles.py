"""The five roles of the desk (DESIGN.md, People and what they do); plain Python,
their words for people are in core/labels.py."""
from enum import StrEnum


class Role(StrEnum):
    sme = "sme"
    citizen = "citizen"
    lab_staff = "lab_staff"
    lab_manager = "lab_manager"
    admin = "admin"


LAB_ROLES = frozenset({Role.lab_staff, Role.lab_manager})
