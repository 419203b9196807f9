"""A service's method standard, written as text ("GB/T 8629-2017；GB/T 8630"), read by
the parser into links to the standards catalogue: a dated reference to that edition,
an undated one to the edition in force. What cannot be read, or is not in the
catalogue, is kept on the service for an administrator to put right."""
from sqlalchemy import select

from blueprints.catalogue.models import Service, ServiceStandard
from blueprints.standards.models import Standard
from blueprints.standards.references import Reference, read_all, resolve
from extensions import db


def editions_by_key(keys) -> dict[str, list[Standard]]:
    """Every edition of the given standards, in one query."""
    found: dict[str, list[Standard]] = {}
    keys = sorted(set(keys))
    for start in range(0, len(keys), 500):
        for row in db.session.scalars(select(Standard).where(
                Standard.key.in_(keys[start:start + 500]))):
            found.setdefault(row.key, []).append(row)
    return found


def _meant(ref: Reference, known: list[Standard]) -> Standard | None:
    if ref.year is not None:
        return next((row for row in known if row.year == ref.year), None)
    # Undated: the edition in force now (DOMAIN: the latest valid version).
    by_year = {row.year: row for row in known}
    edition = resolve(ref, {ref.key: [row.edition() for row in known]})
    return by_year.get(edition.year) if edition else None


def link(service: Service, catalogue: dict[str, list[Standard]]) -> bool:
    """Set the service's links from its method text; True when anything changed.
    Links are updated in place, so (service, position) never meets itself twice."""
    refs, unread = read_all(service.method_standard)
    wanted, missing = [], list(unread)
    for ref in refs:
        row = _meant(ref, catalogue.get(ref.key, []))
        if row is None:
            missing.append(str(ref))
        else:
            wanted.append((str(ref), row))
    before = [(link.cited, link.standard_id) for link in service.method_links]
    for position, (cited, row) in enumerate(wanted):
        if position < len(service.method_links):
            current = service.method_links[position]
            current.cited, current.standard = cited, row
        else:
            service.method_links.append(ServiceStandard(position=position, cited=cited,
                                                        standard=row))
    del service.method_links[len(wanted):]
    unread_text = "；".join(missing)[:200]
    changed = before != [(cited, row.id) for cited, row in wanted] \
        or service.method_unread != unread_text
    service.method_unread = unread_text
    return changed


def link_services(services) -> int:
    """Link each service against the catalogue (one query for all their editions);
    how many changed."""
    services = list(services)
    keys = [ref.key for s in services for ref in read_all(s.method_standard)[0]]
    catalogue = editions_by_key(keys)
    return sum(link(service, catalogue) for service in services)


def link_all() -> int:
    """Every service, as after an import or on setup: the free text becomes links."""
    return link_services(db.session.scalars(select(Service)))


def unread_services() -> list[Service]:
    """Services whose method text names something the catalogue cannot give."""
    return list(db.session.scalars(select(Service).where(Service.method_unread != "")
                                   .order_by(Service.code)))
