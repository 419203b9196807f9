from flask import Blueprint

bp = Blueprint("enterprises", __name__)

from blueprints.enterprises import routes  # noqa: E402,F401
