"""The signed-in person's expert profile, read once per request: the menu, My tasks and
the clinic's pages all ask for it."""
from flask import g
from flask_login import current_user

from blueprints.clinic.models import Expert, expert_of


def my_expert_profile() -> Expert | None:
    if "clinic_expert" not in g:
        g.clinic_expert = expert_of(current_user)
    return g.clinic_expert
