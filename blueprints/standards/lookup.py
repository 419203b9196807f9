"""The public look-up's reads: the standards a query and its filters select, ranked
(the exact number first, then titles that hold the words, then the editions in force
and the newest), and the facets (ICS field, prefix, status, decade) each counted under
the other filters.

A query with words costs two statements whatever it matches: its matches counted once
by their facet values together (status × prefix × field × decade: a few hundred
groups, from which each facet is counted under the other filters and the total under
all of them), and the page's rows ranked by the database. Filters alone (a whole field
of the catalogue) are paged and counted by the database, in six."""
import math
import re
from collections import Counter
from dataclasses import dataclass, replace

from sqlalchemy import String, and_, case, func, or_, select, type_coerce

from blueprints.standards.models import Standard, StandardStatus
from blueprints.standards.references import UnreadableReference, parse_one
from blueprints.standards.search import matching
from blueprints.standards.tokens import CJK, compact
from core.like import ESCAPE, MAX_TERM, contains
from core.typed import folded
from extensions import db

MAX_QUERY = 100
PREFIX_FORM = re.compile(r"^[A-Z]{1,6}(?:/[A-Z]{1,3})?$")


@dataclass(frozen=True)
class LookupFilter:
    q: str = ""
    field: str = ""                          # ICS field, "59"
    prefix: str = ""                         # "GB/T"
    status: StandardStatus | None = None
    decade: int | None = None                # 2010 for 2010–2019
    loose: bool = False                      # each character of a long Chinese word

    @classmethod
    def from_args(cls, args) -> "LookupFilter":
        """Unknown values are ignored rather than refused: a stale link still works."""
        field = (args.get("field") or "").strip()
        prefix = (args.get("prefix") or "").strip().upper()
        status = args.get("status", "")
        decade = args.get("decade", "")
        return cls(q=(args.get("q") or "").strip()[:MAX_QUERY],
                   field=field if re.fullmatch(r"\d{2}", field) else "",
                   prefix=prefix if PREFIX_FORM.match(prefix) else "",
                   status=StandardStatus(status) if status in StandardStatus.__members__
                   else None,
                   decade=int(decade) if re.fullmatch(r"(19|20)\d0", decade) else None)

    @property
    def narrowed(self) -> bool:
        return bool(self.q or self.field or self.prefix or self.status or self.decade)


def _conditions(f: LookupFilter) -> list:
    found = []
    if f.q:
        condition = matching(f.q, loose=f.loose)
        # A query with no searchable term ("/-") finds nothing rather than everything.
        found.append(condition if condition is not None else Standard.id < 0)
    if f.field:
        found.append(or_(Standard.ics == f.field, Standard.ics.like(f"{f.field}.%")))
    if f.prefix:
        found.append(Standard.prefix == f.prefix)
    if f.status:
        found.append(Standard.status == f.status)
    if f.decade:
        found.append(Standard.year.between(f.decade, f.decade + 9))
    return found


def _exact(q: str):
    """The condition of "this is the number typed", or None for words."""
    try:
        ref = parse_one(q)
    except UnreadableReference:
        return None
    return Standard.code == str(ref) if ref.year else Standard.key == ref.key


def _ranking(q: str) -> list:
    order = []
    if q:
        if _exact(q) is not None:
            order.append(_exact_flag(q))
        order.append(_title_flag(q))
    order.append(case((Standard.status == StandardStatus.current, 0),
                      (Standard.status == StandardStatus.upcoming, 1), else_=2))
    return order + [Standard.year.desc().nulls_last(), Standard.code]


def _exact_flag(q: str):
    return case((_exact(q), 0), else_=1)


def _title_flag(q: str):
    """0 where the titles hold the words, 1 where only the scope does. A standard with
    no scope text matched on its number or titles: no title is read for it."""
    like = contains(folded(q).strip()[:MAX_TERM])
    in_title = or_(Standard.title_zh.ilike(like, escape=ESCAPE),
                   Standard.title_en.ilike(like, escape=ESCAPE))
    return case((and_(Standard.scope_zh == "", Standard.scope_en == ""), 0),
                (in_title, 0), else_=1)


def lookup_query(f: LookupFilter):
    """The standards the filter selects, best first."""
    return select(Standard).where(and_(True, *_conditions(f))).order_by(*_ranking(f.q))


FIELD = func.substr(Standard.ics, 1, 2)
DECADE = (Standard.year // 10) * 10


@dataclass(frozen=True)
class FacetValue:
    value: object          # "59", "GB/T", StandardStatus.current, 2010
    count: int
    chosen: bool

    @property
    def arg(self) -> str | None:
        """The query argument that toggles it: None takes a chosen value off."""
        if self.chosen:
            return None
        return self.value.value if isinstance(self.value, StandardStatus) else str(self.value)


@dataclass(frozen=True)
class Facets:
    fields: list[FacetValue]
    prefixes: list[FacetValue]
    statuses: list[FacetValue]
    decades: list[FacetValue]


def _counts(f: LookupFilter, column, chosen, limit: int = 40,
            text: bool = True) -> list[FacetValue]:
    stmt = (select(column, func.count()).where(and_(True, *_conditions(f)))
            .where(column.is_not(None)).where(column != "" if text else True)
            .group_by(column).order_by(func.count().desc(), column).limit(limit))
    return [FacetValue(value, n, value == chosen) for value, n in db.session.execute(stmt)]


def facets(f: LookupFilter) -> Facets:
    """Counts for each facet under the other filters (choosing a prefix leaves the
    other prefixes countable)."""
    return Facets(
        fields=_counts(replace(f, field=""), FIELD, f.field),
        prefixes=_counts(replace(f, prefix=""), Standard.prefix, f.prefix, limit=15),
        statuses=_counts(replace(f, status=None), Standard.status, f.status, text=False),
        decades=sorted(_counts(replace(f, decade=None), DECADE, f.decade, text=False),
                       key=lambda v: v.value, reverse=True))


@dataclass
class ResultPage:
    """One page of results, read as the pager reads a database page."""
    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def _groups(f: LookupFilter) -> list[tuple[dict, int]]:
    """The query's matches (no filters) counted by their facet values together."""
    condition = matching(f.q, loose=f.loose)
    if condition is None:
        return []
    columns = (type_coerce(Standard.status, String), Standard.prefix, FIELD, DECADE)
    rows = db.session.execute(select(*columns, func.count()).where(condition)
                              .group_by(*columns))
    return [({"status": status, "prefix": prefix, "field": field, "decade": decade}, n)
            for status, prefix, field, decade, n in rows]


def _tally(groups: list[tuple[dict, int]], f: LookupFilter) -> tuple[int, Facets]:
    """How many pass every filter, and each facet counted under the other filters: a
    group missing no filter counts in every facet, one missing one filter in that one."""
    wanted = {"field": f.field, "prefix": f.prefix, "status": f.status, "decade": f.decade}
    total, counts = 0, {name: Counter() for name in wanted}
    for values, n in groups:
        missed = [name for name, want in wanted.items() if want and values[name] != want]
        if not missed:
            total += n
        for name in (wanted if not missed else missed if len(missed) == 1 else ()):
            if values[name]:
                counts[name][values[name]] += n

    def top(name, limit=40):
        ranked = sorted(counts[name].items(), key=lambda kv: (-kv[1], str(kv[0])))[:limit]
        return [FacetValue(StandardStatus(v) if name == "status" else v, n, v == wanted[name])
                for v, n in ranked]
    return total, Facets(fields=top("field"), prefixes=top("prefix", 15),
                         statuses=top("status"),
                         decades=sorted(top("decade"), key=lambda v: v.value, reverse=True))


def look_up(f: LookupFilter, page: int, per_page: int = 20):
    """The page of results and the facets for a query with words (two statements)."""
    total, counts = _tally(_groups(f), f)
    page = min(max(page, 1), max(1, math.ceil(total / per_page)))
    rows = list(db.session.scalars(lookup_query(f).limit(per_page)
                                   .offset((page - 1) * per_page))) if total else []
    return ResultPage(rows, total, page, per_page), counts


WORDS = re.compile(rf"[{CJK}]+|[0-9A-Za-z]+")


def marks(text: str, query: str) -> list[tuple[str, bool]]:
    """The text cut into pieces, each saying whether it is one of the query's words
    (case-insensitive), for highlighting. A number query marks nothing in titles."""
    if not text or not query or compact(query) and _exact(query) is not None:
        return [(text or "", False)]
    words = sorted({w for w in WORDS.findall(folded(query)) if len(w) > 1 or not w.isascii()},
                   key=len, reverse=True)
    if not words:
        return [(text, False)]
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    pieces, at = [], 0
    for hit in pattern.finditer(text):
        if hit.start() > at:
            pieces.append((text[at:hit.start()], False))
        pieces.append((hit.group(0), True))
        at = hit.end()
    if at < len(text):
        pieces.append((text[at:], False))
    return pieces
