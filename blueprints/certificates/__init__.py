from flask import Blueprint

bp = Blueprint("certificates", __name__)

from blueprints.certificates import batch_routes, routes  # noqa: E402,F401
