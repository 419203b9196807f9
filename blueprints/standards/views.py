"""The public look-up of standards: search with facets, and a page per standard."""
from flask import Blueprint

bp = Blueprint("standards", __name__, url_prefix="/standards")
