from flask import Blueprint

bp = Blueprint("scheduling", __name__)

from blueprints.scheduling import routes  # noqa: E402,F401
