"""One day's figures recomputed whole from the desk's records: items, parts and
requests in; items done (their part first issued that day) with pass or fail, on time
or late and the turnaround in working days, the applicant's pauses left out; parts
closed and ratings; scales verified. A day's recompute reads that day's records only."""
from collections import Counter, defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import aliased

from blueprints.audit.models import AuditEvent
from blueprints.catalogue.models import Service
from blueprints.certificates.models import Certificate
from blueprints.dashboards import metrics
from blueprints.dashboards.models import (
    BUCKETS,
    LONGEST,
    EnterpriseRow,
    FigureRow,
    SatisfactionRow,
    ScaleRow,
    Span,
)
from blueprints.dashboards.spans import bounds, delete_rows, insert_rows, key_of, local_day
from blueprints.enterprises.models import Enterprise
from blueprints.metrology.models import Instrument, ScaleVerification
from blueprints.service_requests.lifecycle import CLOCK_PAUSED
from blueprints.service_requests.models import (
    Rating,
    RequestItem,
    Result,
    ServiceRequest,
    SubRequest,
)
from blueprints.service_requests.verdicts import Conclusion, conclusion
from core.working_calendar import lab_calendars
from extensions import db

PAUSED = frozenset(s.value for s in CLOCK_PAUSED)
# What each kind of row counts.
FIGURE_COUNTS = ("items_in", "parts_in", "requests_in", "items_done", "passed", "failed",
                 "on_time", "late", "free_done", *BUCKETS)
SATISFACTION_COUNTS = ("closed", "rated", "level_total", "bad", "followed_up")
SCALE_COUNTS = ("verified", "passed", "free")
ENTERPRISE_COUNTS = ("items_done", "passed", "failed", "on_time", "late", "reports")


def _items(*more):
    """Items with their part, lab, service, kind and chain (id, part, lab, service,
    kind, chain first, then `more`), for a day's figures to filter."""
    return (select(RequestItem.id, RequestItem.sub_request_id, SubRequest.lab_id,
                   RequestItem.service_id, Service.kind, Enterprise.industry_chain, *more)
            .join(SubRequest, SubRequest.id == RequestItem.sub_request_id)
            .join(ServiceRequest, ServiceRequest.id == RequestItem.request_id)
            .join(Service, Service.id == RequestItem.service_id)
            .outerjoin(Enterprise, Enterprise.id == ServiceRequest.enterprise_id))


def items_in(day: date) -> dict[tuple, Counter]:
    """(lab, service, kind, chain) -> items, parts and requests submitted that day
    (a part counts on its first item, a request on its first)."""
    start, end = bounds(day)
    rows = db.session.execute(
        _items(RequestItem.request_id)
        .where(ServiceRequest.submitted_at >= start, ServiceRequest.submitted_at < end)
        .order_by(RequestItem.id)).all()
    out: dict[tuple, Counter] = defaultdict(Counter)
    parts, requests = set(), set()
    for _item, part, lab, service, kind, chain, request in rows:
        key = (lab, service, key_of(kind), key_of(chain))
        out[key]["items_in"] += 1
        if part not in parts:
            parts.add(part)
            out[key]["parts_in"] += 1
        if request not in requests:
            requests.add(request)
            out[key]["requests_in"] += 1
    return out


def items_done(day: date) -> tuple[dict[tuple, Counter], dict[tuple, Counter]]:
    """(lab, service, kind, chain) -> items whose part was first issued that day:
    passed, failed, on time, late, free, and the turnaround histogram; and the same
    items by (enterprise, kind) for the enterprises' quality profiles."""
    start, end = bounds(day)
    first = aliased(Certificate)
    issued = dict(db.session.execute(
        select(first.sub_request_id, first.issued_at)
        .where(first.issued_at >= start, first.issued_at < end,
               first.supersedes_id.is_(None))).all())
    out: dict[tuple, Counter] = defaultdict(Counter)
    by_enterprise: dict[tuple, Counter] = defaultdict(Counter)
    if not issued:
        return out, by_enterprise
    parts = list(issued)
    items = db.session.execute(
        _items(RequestItem.price_cents, ServiceRequest.submitted_at, SubRequest.due_date,
               ServiceRequest.enterprise_id)
        .where(RequestItem.sub_request_id.in_(parts)).order_by(RequestItem.id)).all()
    item_ids = [row[0] for row in items]
    verdicts: dict[int, list] = defaultdict(list)
    for item, verdict in db.session.execute(select(Result.item_id, Result.verdict)
                                            .where(Result.item_id.in_(item_ids))):
        verdicts[item].append(verdict)
    scales = dict(db.session.execute(select(ScaleVerification.item_id, ScaleVerification.passed)
                                     .where(ScaleVerification.item_id.in_(item_ids))).all())
    history = _histories(parts)
    calendars = lab_calendars({row[2] for row in items})
    taken, due_at_issue, reported = {}, {}, set()
    for row in items:
        part, lab, submitted, due = row[1], row[2], row[7], row[8]
        if part in taken or submitted is None:
            continue
        issue_day = local_day(issued[part])
        steps, due_then = history.get(part, ([], None))
        pauses = metrics.pauses_from_steps(steps, PAUSED, issue_day)
        taken[part] = metrics.working_days_taken(calendars[lab], local_day(submitted),
                                                 issue_day, pauses)
        due_at_issue[part] = metrics.on_time(issue_day, due_then or due)
    for item, part, lab, service, kind, chain, price, _submitted, _due, ent in items:
        if part not in taken:
            continue
        counts = Counter(items_done=1)
        if item in scales:
            counts["passed" if scales[item] else "failed"] += 1
        else:
            outcome = conclusion(verdicts.get(item, ()))
            if outcome == Conclusion.conforms:
                counts["passed"] += 1
            elif outcome == Conclusion.does_not_conform:
                counts["failed"] += 1
        if due_at_issue[part] is not None:
            counts["on_time" if due_at_issue[part] else "late"] += 1
        if ent is not None:
            mine = by_enterprise[(ent, key_of(kind))]
            mine.update(counts)
            if part not in reported:      # a part's report counted once, with its first item
                reported.add(part)
                mine["reports"] += 1
        counts[f"t{min(taken[part], LONGEST)}"] += 1
        if price == 0:
            counts["free_done"] += 1
        out[(lab, service, key_of(kind), key_of(chain))].update(counts)
    return out, by_enterprise


def _histories(parts: list[int]) -> dict[int, tuple[list, date | None]]:
    """Each part's states by day, from its audit events, and the due date its first
    issue was recorded against (None for events older than that record)."""
    out: dict[int, tuple[list, date | None]] = {}
    rows = db.session.execute(
        select(AuditEvent.entity_id, AuditEvent.created_at, AuditEvent.action,
               AuditEvent.after)
        .where(AuditEvent.entity == "sub_requests", AuditEvent.entity_id.in_(parts))
        .order_by(AuditEvent.id))
    for part, created, action, after in rows:
        steps, due = out.get(part, ([], None))
        state = (after or {}).get("state") if isinstance(after, dict) else None
        if state:
            steps.append((local_day(created), state))
        if action == "issued" and due is None and isinstance(after, dict) \
                and after.get("due_date"):
            due = date.fromisoformat(after["due_date"])
        out[part] = (steps, due)
    return out


def satisfaction(day: date) -> dict[tuple, Counter]:
    """(lab, chain) -> parts closed that day, and the ratings given that day."""
    start, end = bounds(day)
    out: dict[tuple, Counter] = defaultdict(Counter)
    closed = select(AuditEvent.entity_id).where(
        AuditEvent.entity == "sub_requests", AuditEvent.action == "closed",
        AuditEvent.created_at >= start, AuditEvent.created_at < end).distinct()
    for lab, chain in db.session.execute(
            select(SubRequest.lab_id, Enterprise.industry_chain)
            .join(ServiceRequest, ServiceRequest.id == SubRequest.request_id)
            .outerjoin(Enterprise, Enterprise.id == ServiceRequest.enterprise_id)
            .where(SubRequest.id.in_(closed))):
        out[(lab, key_of(chain))]["closed"] += 1
    for lab, chain, level, bad, followed in db.session.execute(
            select(Rating.lab_id, Enterprise.industry_chain, Rating.level,
                   Rating.follow_up_due, Rating.followed_up_at)
            .join(SubRequest, SubRequest.id == Rating.sub_request_id)
            .join(ServiceRequest, ServiceRequest.id == SubRequest.request_id)
            .outerjoin(Enterprise, Enterprise.id == ServiceRequest.enterprise_id)
            .where(Rating.created_at >= start, Rating.created_at < end)):
        c = out[(lab, key_of(chain))]
        c["rated"] += 1
        c["level_total"] += level
        if bad is not None:
            c["bad"] += 1
            c["followed_up"] += followed is not None
    return out


def scales(day: date) -> dict[tuple, Counter]:
    """(lab, market) -> scales verified that day, passed, and free."""
    start, end = bounds(day)
    out: dict[tuple, Counter] = defaultdict(Counter)
    for lab, market, passed, price in db.session.execute(
            select(SubRequest.lab_id, Instrument.market, ScaleVerification.passed,
                   RequestItem.price_cents)
            .join(RequestItem, RequestItem.id == ScaleVerification.item_id)
            .join(SubRequest, SubRequest.id == RequestItem.sub_request_id)
            .join(Instrument, Instrument.id == ScaleVerification.instrument_id)
            .where(ScaleVerification.verified_at >= start,
                   ScaleVerification.verified_at < end)):
        c = out[(lab, market or "")]
        c["verified"] += 1
        c["passed"] += bool(passed)
        c["free"] += price == 0
    return out


def recompute_day(day: date) -> None:
    """Replace the day's rows with what the records say now."""
    for model in (FigureRow, SatisfactionRow, ScaleRow, EnterpriseRow):
        delete_rows(model, model.span == Span.day, model.starts == day)
    figures = items_in(day)
    done, by_enterprise = items_done(day)
    for key, counts in done.items():
        figures.setdefault(key, Counter()).update(counts)
    insert_rows(EnterpriseRow, [{"span": Span.day, "starts": day, **dict.fromkeys(ENTERPRISE_COUNTS, 0),
                             "enterprise_id": ent, "kind": kind, **counts}
                            for (ent, kind), counts in by_enterprise.items()])
    base = {"span": Span.day, "starts": day}
    rows = [{**base, **dict.fromkeys(FIGURE_COUNTS, 0), "lab_id": lab, "service_id": service,
             "kind": kind, "chain": chain, **counts}
            for (lab, service, kind, chain), counts in figures.items()]
    insert_rows(FigureRow, rows)
    insert_rows(SatisfactionRow, [{**base, **dict.fromkeys(SATISFACTION_COUNTS, 0), "lab_id": lab,
                               "chain": chain, **counts}
                              for (lab, chain), counts in satisfaction(day).items()])
    insert_rows(ScaleRow, [{**base, **dict.fromkeys(SCALE_COUNTS, 0), "lab_id": lab,
                        "market": market, **counts}
                       for (lab, market), counts in scales(day).items()])
