from flask import Blueprint

bp = Blueprint("metrology", __name__)

from blueprints.metrology import routes  # noqa: E402,F401
