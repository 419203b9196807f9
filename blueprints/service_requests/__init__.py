from flask import Blueprint

bp = Blueprint("service_requests", __name__)

from blueprints.service_requests import lab_routes, routes  # noqa: E402,F401
