"""The one way lists are paginated: two queries (count + page), whatever the size."""
from flask import current_app, request

from extensions import db


def paginate(stmt, per_page: int | None = None):
    """Paginate a SELECT with ?page= from the request; a page past the end shows
    the last page's emptiness rather than a 404."""
    per_page = per_page or current_app.config["PER_PAGE"]
    return db.paginate(stmt, page=request.args.get("page", 1, type=int),
                       per_page=per_page, max_per_page=100, error_out=False)
