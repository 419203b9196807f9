"""The six roles of the desk (DESIGN.md, People and what they do); plain Python,
their words for people are in core/labels.py."""
from enum import StrEnum


class Role(StrEnum):
    sme = "sme"
    citizen = "citizen"
    lab_staff = "lab_staff"
    lab_manager = "lab_manager"
    admin = "admin"
    # A quality-clinic expert from outside the labs; lab staff who are experts keep
    # their lab role and have an expert profile too (blueprints/clinic).
    expert = "expert"


LAB_ROLES = frozenset({Role.lab_staff, Role.lab_manager})
