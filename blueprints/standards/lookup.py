"""The public look-up's reads: the standards a query and its filters select, ranked
(the exact number first, then titles that hold the words, then the editions in force
and the newest), and the facets (ICS field, prefix, status, decade) each counted under
the other filters.

A query with words is matched once: the few columns that rank and facet its matches
come back in one statement (at most MATCHES of them), the page's rows in a second.
Filters alone (a whole field of the catalogue) are counted by the database, in six."""
import math
import re
from collections import Counter
from dataclasses import dataclass, replace

from sqlalchemy import String, and_, case, func, literal, or_, select, type_coerce

from blueprints.standards.models import Standard, StandardStatus
from blueprints.standards.references import UnreadableReference, parse_one
from blueprints.standards.search import matching
from blueprints.standards.tokens import CJK, compact
from core.like import ESCAPE, MAX_TERM, contains
from core.typed import folded
from extensions import db

MAX_QUERY = 100
MATCHES = 20_000   # a query matching more is ranked and counted by the database
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
    exact = _exact(q) if q else None
    return case((exact, 0), else_=1) if exact is not None else literal(1)


def _title_flag(q: str):
    like = contains(folded(q).strip()[:MAX_TERM])
    return case((or_(Standard.title_zh.ilike(like, escape=ESCAPE),
                     Standard.title_en.ilike(like, escape=ESCAPE)), 0), else_=1)


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


STATUS_ORDER = {StandardStatus.current: 0, StandardStatus.upcoming: 1}


@dataclass(frozen=True, slots=True)
class Match:
    """What ranks and facets one matching standard (status as the stored text: an
    enum per row costs a third of a page at a million standards)."""
    id: int
    status: str
    prefix: str
    field: str
    year: int | None
    code: str
    exact: int
    in_title: int

    def rank(self) -> tuple:
        return (self.exact, self.in_title, STATUS_ORDER.get(self.status, 2),
                -(self.year or 0), self.year is None, self.code)

    def misses(self, f: LookupFilter) -> list[str]:
        """The filters this standard fails, by facet name."""
        decade = self.year // 10 * 10 if self.year else None
        return [name for name, wanted, value in (
            ("field", f.field, self.field), ("prefix", f.prefix, self.prefix),
            ("status", f.status, self.status), ("decade", f.decade, decade))
            if wanted and value != wanted]


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


def _matches(f: LookupFilter) -> list[Match] | None:
    """Every standard holding the query's words (no filters), or None past MATCHES."""
    condition = matching(f.q, loose=f.loose)
    if condition is None:
        return []
    rows = db.session.execute(
        select(Standard.id, type_coerce(Standard.status, String), Standard.prefix, FIELD,
               Standard.year, Standard.code, _exact_flag(f.q), _title_flag(f.q))
        .where(condition).limit(MATCHES + 1)).all()
    return None if len(rows) > MATCHES else [Match(*row) for row in rows]


def _facets(matches: list[Match], f: LookupFilter) -> tuple[list[Match], Facets]:
    """The matches the filters keep, and each facet counted under the other filters:
    a match missing no filter counts in every facet, one missing one filter in that
    facet only. One pass."""
    kept, counts = [], {name: Counter() for name in ("field", "prefix", "status", "decade")}
    for m in matches:
        missed = m.misses(f)
        if not missed:
            kept.append(m)
            names = counts
        elif len(missed) == 1:
            names = missed
        else:
            continue
        decade = m.year // 10 * 10 if m.year else None
        values = {"field": m.field, "prefix": m.prefix, "status": m.status, "decade": decade}
        for name in names:
            if values[name]:
                counts[name][values[name]] += 1

    def top(name, chosen, limit=40):
        ranked = sorted(counts[name].items(), key=lambda kv: (-kv[1], str(kv[0])))[:limit]
        return [FacetValue(StandardStatus(v) if name == "status" else v, n, v == chosen)
                for v, n in ranked]
    return kept, Facets(fields=top("field", f.field), prefixes=top("prefix", f.prefix, 15),
                        statuses=top("status", f.status),
                        decades=sorted(top("decade", f.decade), key=lambda v: v.value,
                                       reverse=True))


def look_up(f: LookupFilter, page: int, per_page: int = 20):
    """The page of results and the facets for a query with words, or None when it
    matches too many to rank here (the caller pages it with lookup_query and facets)."""
    matches = _matches(f)
    if matches is None:
        return None
    kept, counts = _facets(matches, f)
    kept.sort(key=Match.rank)
    page = min(max(page, 1), max(1, math.ceil(len(kept) / per_page)))
    ids = [m.id for m in kept[(page - 1) * per_page:page * per_page]]
    rows = {row.id: row for row in db.session.scalars(select(Standard).where(
        Standard.id.in_(ids)))} if ids else {}
    return ResultPage([rows[i] for i in ids], len(kept), page, per_page), counts


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
