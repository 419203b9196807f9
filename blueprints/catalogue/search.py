"""The catalogue query: kind, industry chain and keyword, as one SELECT."""
from dataclasses import dataclass

from sqlalchemy import Select, or_, select

from blueprints.catalogue.kinds import IndustryChain, ServiceKind
from blueprints.catalogue.models import Service, ServiceIndustry
from core.like import ESCAPE, MAX_TERM, contains


@dataclass(frozen=True)
class CatalogueFilter:
    kind: ServiceKind | None = None
    chain: IndustryChain | None = None
    q: str = ""
    include_inactive: bool = False

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
    for word in f.q[:MAX_TERM].split()[:10]:
        like = contains(word)
        stmt = stmt.where(or_(*(column.ilike(like, escape=ESCAPE) for column in (
            Service.name_zh, Service.name_en, Service.method_standard, Service.code,
            Service.description_zh, Service.description_en))))
    return stmt.order_by(Service.kind, Service.code)
