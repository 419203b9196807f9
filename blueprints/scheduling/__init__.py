from flask import Blueprint

bp = Blueprint("scheduling", __name__)

from blueprints.scheduling import calendar_routes, routes  # noqa: E402,F401
