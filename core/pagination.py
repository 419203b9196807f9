"""The one way lists are paginated: a page of rows and a bounded count, whatever the
size of the table behind the list.

Counting every row a list matches costs as much as the history behind it (a lab's
closed parts, the audit log's millions of events), so the count stops at COUNT_LIMIT
rows: past it the list says "more than 1,000" and still pages on (a page reads one
row beyond its own to know whether another follows)."""
from dataclasses import dataclass

from flask import current_app, request
from sqlalchemy import func, inspect, select

from extensions import db

MAX_PAGE = 100_000  # far past any real list; keeps OFFSET within what databases take


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    has_next: bool
    total: int | None            # None: more than `limit` rows match
    limit: int

    @property
    def pages(self) -> int | None:
        """The number of pages, when the count is known."""
        if self.total is None:
            return None
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None

    @property
    def several(self) -> bool:
        """More than one page to move between."""
        return self.has_prev or self.has_next or (self.pages or 2) > 1

    def __iter__(self):
        return iter(self.items)


def paginate(stmt, per_page: int | None = None, limit: int | None = None) -> Page:
    """The ?page= page of a SELECT of entities. A page past the end is empty rather
    than a 404; its count says how many there are."""
    per_page = per_page or current_app.config["PER_PAGE"]
    limit = limit or current_app.config["COUNT_LIMIT"]
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)
    entity = stmt.column_descriptions[0].get("entity")
    keyed = stmt.with_only_columns(*inspect(entity).primary_key) if entity is not None else stmt
    if entity is not None:
        # The page's keys first, then its rows with what they show: the joins are made
        # for one page of rows, not for every row the filter matches before the sort
        # (a backlog lab's overdue parts are tens of thousands).
        key = inspect(entity).primary_key[0]
        keys = list(db.session.scalars(keyed.limit(per_page + 1)
                                       .offset((page - 1) * per_page)))
        found = {getattr(row, key.key): row for row in db.session.scalars(
            stmt.where(key.in_(keys)).order_by(None)).unique()} if keys else {}
        items = [found[k] for k in keys if k in found]
    else:
        items = list(db.session.scalars(stmt.limit(per_page + 1)
                                        .offset((page - 1) * per_page)).unique())
    has_next = len(items) > per_page
    items = items[:per_page]
    # Counted on every page, the last too: a list runs the same statements whatever
    # its length. Over the entity's key alone, so an index can answer without the rows.
    counted = db.session.scalar(select(func.count()).select_from(
        keyed.order_by(None).limit(limit + 1).subquery()))
    return Page(items, page, per_page, has_next, counted if counted <= limit else None, limit)
