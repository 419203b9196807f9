"""The one way lists are paginated: two queries (count + page), whatever the size."""
from flask import current_app, request

from extensions import db

MAX_PAGE = 100_000  # far past any real list; keeps OFFSET within what databases take


def paginate(stmt, per_page: int | None = None):
    """Paginate a SELECT with ?page= from the request; a page past the end shows
    the last page's emptiness rather than a 404."""
    per_page = per_page or current_app.config["PER_PAGE"]
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)
    return db.paginate(stmt, page=page, per_page=per_page, max_per_page=100, error_out=False)
