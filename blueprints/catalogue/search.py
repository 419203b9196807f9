"""The catalogue query: kind, industry chain and keyword, as one SELECT. Keywords go
through the standards' full-text engine (Chinese words, English words, numbers typed
any way) and rank the service's code or method number first, then its name, then its
method, then the rest."""
from dataclasses import dataclass

from sqlalchemy import Select, case, or_, select

from blueprints.catalogue.kinds import IndustryChain, ServiceKind
from blueprints.catalogue.models import Service, ServiceIndustry
from blueprints.standards.search import holding
from blueprints.standards.tokens import number_terms, query_terms
from core.like import ESCAPE, MAX_TERM, contains
from core.typed import folded


@dataclass(frozen=True)
class CatalogueFilter:
    kind: ServiceKind | None = None
    chain: IndustryChain | None = None
    q: str = ""
    include_inactive: bool = False
    loose: bool = False      # each character of a long Chinese word (see tokens)

    @classmethod
    def from_args(cls, args, include_inactive: bool = False) -> "CatalogueFilter":
        """Unknown values are ignored rather than refused: a stale bookmark still works."""
        kind = args.get("kind", "")
        chain = args.get("chain", "")
        return cls(kind=ServiceKind(kind) if kind in ServiceKind.__members__ else None,
                   chain=IndustryChain(chain) if chain in IndustryChain.__members__ else None,
                   q=(args.get("q") or "").strip()[:100],
                   include_inactive=include_inactive)


def catalogue_query(f: CatalogueFilter) -> Select:
    stmt = select(Service)
    if not f.include_inactive:
        stmt = stmt.where(Service.is_active)
    if f.kind:
        stmt = stmt.where(Service.kind == f.kind)
    if f.chain:
        stmt = stmt.where(Service.id.in_(
            select(ServiceIndustry.service_id).where(ServiceIndustry.chain == f.chain)))
    order = []
    if f.q:
        condition = holding(Service, query_terms(f.q, loose=f.loose))
        stmt = stmt.where(condition if condition is not None else Service.id < 0)
        order = _ranking(f.q)
    return stmt.order_by(*order, Service.kind, Service.code)


def _ranking(q: str) -> list:
    phrase = contains(folded(q).strip()[:MAX_TERM])
    named = or_(Service.name_zh.ilike(phrase, escape=ESCAPE),
                Service.name_en.ilike(phrase, escape=ESCAPE))
    exact = Service.code == q.strip().upper()
    if number_terms(q):
        exact = or_(exact, Service.search_terms.contains(number_terms(q)[0]))
    return [case((exact, 0), (named, 1),
                 (Service.method_standard.ilike(phrase, escape=ESCAPE), 2), else_=3)]
