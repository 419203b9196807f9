from flask import Blueprint

bp = Blueprint("labs", __name__)

from blueprints.labs import routes  # noqa: E402,F401
