"""The worker keeps the dashboards' figures (dashboards/models.py) from the desk's
records, incrementally: it reads the audit trail after where it stopped, works out
which days those events touch (the day of each event, and for each part touched the
days it was submitted, first issued and rated), recomputes those days whole from the
records, and then the months they fall in as the sums of their days. A day's
recompute reads that day's records only, so a run costs what changed, not the
history."""
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import case, delete, func, insert, select
from sqlalchemy.orm import aliased

from blueprints.audit.models import AuditEvent
from blueprints.catalogue.models import Service
from blueprints.certificates.models import Certificate
from blueprints.clinic.kinds import VisitState
from blueprints.clinic.lifecycle import CaseState
from blueprints.clinic.models import CaseRating, ClinicCase
from blueprints.clinic.outcome import CaseBenefit
from blueprints.clinic.work import CaseVisit
from blueprints.dashboards import metrics
from blueprints.dashboards.models import (
    AGES,
    BUCKETS,
    LONGEST,
    BacklogRow,
    ClinicRow,
    EnterpriseRow,
    FigureRow,
    FigureState,
    SatisfactionRow,
    ScaleRow,
    ServedRow,
    Span,
)
from blueprints.enterprises.models import Enterprise
from blueprints.metrology.models import Instrument, ScaleVerification
from blueprints.service_requests.lifecycle import CLOCK_PAUSED, OPEN_STATES
from blueprints.service_requests.models import (
    Rating,
    RequestItem,
    Result,
    ServiceRequest,
    SubRequest,
)
from blueprints.service_requests.verdicts import Conclusion, conclusion
from core.timeutil import LOCAL_TZ, local_today, to_local, utcnow
from core.working_calendar import desk_calendar, lab_calendars
from extensions import db

STATE = "figures"
# The events that can move a figure, by the record they are about.
ENTITIES = ("service_requests", "sub_requests", "ratings", "scale_verifications",
            "clinic_cases")
PAUSED = frozenset(s.value for s in CLOCK_PAUSED)
# What each kind of row counts.
FIGURE_COUNTS = ("items_in", "parts_in", "requests_in", "items_done", "passed", "failed",
                 "on_time", "late", "free_done", *BUCKETS)
SATISFACTION_COUNTS = ("closed", "rated", "level_total", "bad", "followed_up")
SCALE_COUNTS = ("verified", "passed", "free")
ENTERPRISE_COUNTS = ("items_done", "passed", "failed", "on_time", "late")
CLINIC_COUNTS = ("opened", "solved", "reported", "reported_cents", "verified",
                 "verified_cents", "rated", "level_total", "bad", "followed_up")


def bounds(day: date) -> tuple[datetime, datetime]:
    """A local day as the UTC instants it runs between (in UTC: SQLite compares the
    stored UTC times as text, and would read a local midnight as a UTC one)."""
    start = datetime.combine(day, time(), LOCAL_TZ)
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


def local_day(moment: datetime | None) -> date | None:
    return None if moment is None else to_local(moment).date()


def month_of(day: date) -> date:
    return day.replace(day=1)


# -- which days an event touches ----------------------------------------------------


def clinic_months(events: list[AuditEvent]) -> set[date]:
    """The months the clinic's cases in these events were opened in."""
    cases = {e.entity_id for e in events if e.entity == "clinic_cases"}
    if not cases:
        return set()
    return {month_of(local_day(opened)) for opened in db.session.scalars(
        select(ClinicCase.created_at).where(ClinicCase.id.in_(cases)))}


def recompute_clinic_month(first: date) -> None:
    """The clinic's row of each chain for the cases opened in the month."""
    db.session.execute(delete(ClinicRow).where(ClinicRow.starts == first))
    start, end = bounds(first)[0], bounds((first + timedelta(days=32)).replace(day=1))[0]
    opened_in = (ClinicCase.created_at >= start, ClinicCase.created_at < end)
    visits = (select(CaseVisit.case_id, func.min(CaseVisit.starts_at).label("first"))
              .where(CaseVisit.state == VisitState.booked, CaseVisit.starts_at <= utcnow())
              .group_by(CaseVisit.case_id).subquery())
    calendar = desk_calendar()
    rows: dict[str, dict] = {}

    def row(chain) -> dict:
        return rows.setdefault(_chain(chain), {
            "starts": first, "chain": _chain(chain), **dict.fromkeys(CLINIC_COUNTS, 0),
            "visit_days": Counter(), "resolution_days": Counter()})
    for chain, opened, resolved, state, visited in db.session.execute(
            select(ClinicCase.chain, ClinicCase.created_at, ClinicCase.resolved_at,
                   ClinicCase.state, visits.c.first)
            .outerjoin(visits, visits.c.case_id == ClinicCase.id).where(*opened_in)):
        r = row(chain)
        r["opened"] += 1
        if visited is not None:
            r["visit_days"][calendar.between(local_day(opened), local_day(visited))] += 1
        if state == CaseState.resolved and resolved is not None:
            r["solved"] += 1
            r["resolution_days"][calendar.between(local_day(opened), local_day(resolved))] += 1
    for chain, reported, cents, verified in db.session.execute(
            select(ClinicCase.chain, CaseBenefit.reported_at, CaseBenefit.cost_saved_cents,
                   CaseBenefit.verified_at)
            .join(ClinicCase, ClinicCase.id == CaseBenefit.case_id).where(*opened_in)):
        r = row(chain)
        if reported is not None:
            r["reported"] += 1
            r["reported_cents"] += cents or 0
        if verified is not None:
            r["verified"] += 1
            r["verified_cents"] += cents or 0
    for chain, level, bad, followed in db.session.execute(
            select(ClinicCase.chain, CaseRating.level, CaseRating.follow_up_due,
                   CaseRating.followed_up_at)
            .join(ClinicCase, ClinicCase.id == CaseRating.case_id).where(*opened_in)):
        r = row(chain)
        r["rated"] += 1
        r["level_total"] += level
        r["bad"] += bad is not None
        r["followed_up"] += bad is not None and followed is not None
    _insert(ClinicRow, [{**r, "visit_days": {str(k): v for k, v in r["visit_days"].items()},
                         "resolution_days": {str(k): v
                                             for k, v in r["resolution_days"].items()}}
                        for r in rows.values()])


def touched_days(events: list[AuditEvent]) -> set[date]:
    """The days to recompute for these events: their own days, and the submission,
    first issue and rating days of every part they concern."""
    days = {local_day(e.created_at) for e in events}
    parts = {e.entity_id for e in events if e.entity == "sub_requests"}
    requests = {e.entity_id for e in events if e.entity == "service_requests"}
    ratings = {e.entity_id for e in events if e.entity == "ratings"}
    checks = {e.entity_id for e in events if e.entity == "scale_verifications"}
    if ratings:
        parts |= set(db.session.scalars(select(Rating.sub_request_id)
                                        .where(Rating.id.in_(ratings))))
    if checks:
        parts |= set(db.session.scalars(
            select(RequestItem.sub_request_id).join(ScaleVerification,
                                                    ScaleVerification.item_id == RequestItem.id)
            .where(ScaleVerification.id.in_(checks))))
    if requests:
        parts |= set(db.session.scalars(select(SubRequest.id)
                                        .where(SubRequest.request_id.in_(requests))))
    for chunk in _chunks(sorted(parts)):
        for submitted, issued, rated in db.session.execute(
                select(ServiceRequest.submitted_at, func.min(Certificate.issued_at),
                       func.min(Rating.created_at))
                .select_from(SubRequest)
                .join(ServiceRequest, ServiceRequest.id == SubRequest.request_id)
                .outerjoin(Certificate, Certificate.sub_request_id == SubRequest.id)
                .outerjoin(Rating, Rating.sub_request_id == SubRequest.id)
                .where(SubRequest.id.in_(chunk))
                .group_by(SubRequest.id, ServiceRequest.submitted_at)):
            days |= {local_day(submitted), local_day(issued), local_day(rated)}
    days.discard(None)
    return days


def _chunks(values: list, size: int = 500):
    for start in range(0, len(values), size):
        yield values[start:start + size]


# -- one day, recomputed from the records ---------------------------------------------


def _chain(value) -> str:
    return getattr(value, "value", value) or ""


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
        key = (lab, service, _chain(kind), _chain(chain))
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
    taken, due_at_issue = {}, {}
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
            by_enterprise[(ent, _chain(kind))].update(counts)
        counts[f"t{min(taken[part], LONGEST)}"] += 1
        if price == 0:
            counts["free_done"] += 1
        out[(lab, service, _chain(kind), _chain(chain))].update(counts)
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
        out[(lab, _chain(chain))]["closed"] += 1
    for lab, chain, level, bad, followed in db.session.execute(
            select(Rating.lab_id, Enterprise.industry_chain, Rating.level,
                   Rating.follow_up_due, Rating.followed_up_at)
            .join(SubRequest, SubRequest.id == Rating.sub_request_id)
            .join(ServiceRequest, ServiceRequest.id == SubRequest.request_id)
            .outerjoin(Enterprise, Enterprise.id == ServiceRequest.enterprise_id)
            .where(Rating.created_at >= start, Rating.created_at < end)):
        c = out[(lab, _chain(chain))]
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
        db.session.execute(delete(model).where(model.span == Span.day, model.starts == day))
    figures = items_in(day)
    done, by_enterprise = items_done(day)
    for key, counts in done.items():
        figures.setdefault(key, Counter()).update(counts)
    _insert(EnterpriseRow, [{"span": Span.day, "starts": day, **dict.fromkeys(ENTERPRISE_COUNTS, 0),
                             "enterprise_id": ent, "kind": kind, **counts}
                            for (ent, kind), counts in by_enterprise.items()])
    base = {"span": Span.day, "starts": day}
    rows = [{**base, **dict.fromkeys(FIGURE_COUNTS, 0), "lab_id": lab, "service_id": service,
             "kind": kind, "chain": chain, **counts}
            for (lab, service, kind, chain), counts in figures.items()]
    _insert(FigureRow, rows)
    _insert(SatisfactionRow, [{**base, **dict.fromkeys(SATISFACTION_COUNTS, 0), "lab_id": lab,
                               "chain": chain, **counts}
                              for (lab, chain), counts in satisfaction(day).items()])
    _insert(ScaleRow, [{**base, **dict.fromkeys(SCALE_COUNTS, 0), "lab_id": lab,
                        "market": market, **counts}
                       for (lab, market), counts in scales(day).items()])


def _insert(model, rows: list[dict]) -> None:
    if rows:
        db.session.execute(insert(model), rows)


def recompute_month(first: date) -> None:
    """The month's rows as the sums of its days' rows, and the enterprises it served."""
    last = (first + timedelta(days=32)).replace(day=1)
    db.session.execute(delete(ServedRow).where(ServedRow.starts == first))
    start, end = bounds(first)[0], bounds(last)[0]
    served = db.session.execute(
        select(ServiceRequest.enterprise_id, SubRequest.lab_id, Service.kind,
               Enterprise.industry_chain).distinct()
        .join(SubRequest, SubRequest.request_id == ServiceRequest.id)
        .join(RequestItem, RequestItem.sub_request_id == SubRequest.id)
        .join(Service, Service.id == RequestItem.service_id)
        .join(Enterprise, Enterprise.id == ServiceRequest.enterprise_id)
        .where(ServiceRequest.submitted_at >= start, ServiceRequest.submitted_at < end)).all()
    _insert(ServedRow, [{"starts": first, "enterprise_id": ent, "lab_id": lab,
                         "kind": _chain(kind), "chain": _chain(chain)}
                        for ent, lab, kind, chain in served])
    for model, keys, counts in ((FigureRow, ("lab_id", "service_id", "kind", "chain"),
                                 FIGURE_COUNTS),
                                (SatisfactionRow, ("lab_id", "chain"), SATISFACTION_COUNTS),
                                (ScaleRow, ("lab_id", "market"), SCALE_COUNTS),
                                (EnterpriseRow, ("enterprise_id", "kind"), ENTERPRISE_COUNTS)):
        db.session.execute(delete(model).where(model.span == Span.month,
                                               model.starts == first))
        columns = [getattr(model, k) for k in keys]
        sums = [func.sum(getattr(model, c)).label(c) for c in counts]
        rows = db.session.execute(
            select(*columns, *sums).where(model.span == Span.day, model.starts >= first,
                                          model.starts < last).group_by(*columns)).all()
        _insert(model, [{"span": Span.month, "starts": first, **row._mapping} for row in rows])


# -- the worker's job -------------------------------------------------------------------


def count_backlog(today: date) -> None:
    """Each lab's open parts by age (days since submitted), counted afresh: what is
    open now, not history, so the worker counts it on every run."""
    db.session.execute(delete(BacklogRow))
    bounds_by_age = [(age, datetime.combine(today - timedelta(days=age), time(), LOCAL_TZ)
                      .astimezone(UTC)) for age in AGES]
    age = case(*((ServiceRequest.submitted_at >= since, bound)
                 for bound, since in bounds_by_age), else_=0)
    rows = db.session.execute(
        select(SubRequest.lab_id, age, func.count())
        .join(ServiceRequest, ServiceRequest.id == SubRequest.request_id)
        .where(SubRequest.state.in_(OPEN_STATES), ServiceRequest.submitted_at.is_not(None))
        .group_by(SubRequest.lab_id, age)).all()
    _insert(BacklogRow, [{"lab_id": lab, "age": bound, "parts": n} for lab, bound, n in rows])


def refresh(batch: int = 5000) -> dict[str, int]:
    """Read the audit trail after the last event seen, recompute the days and months it
    touches, and move the mark on; repeated until the trail is read. Returns the
    counts for the job's record."""
    state = db.session.get(FigureState, STATE)
    if state is None:
        state = FigureState(name=STATE, last_event_id=0)
        db.session.add(state)
    events_read = days_done = 0
    months: set[date] = set()
    while True:
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.id > state.last_event_id)
            .order_by(AuditEvent.id).limit(batch)).all()
        if not events:
            break
        relevant = [e for e in events if e.entity in ENTITIES]
        days = touched_days(relevant) if relevant else set()
        for first in sorted(clinic_months(relevant)):
            recompute_clinic_month(first)
        for day in sorted(days):
            recompute_day(day)
        # Each batch leaves its months right before the mark moves on, so a run that
        # stops half-way leaves no month behind its days.
        for first in sorted({month_of(d) for d in days}):
            recompute_month(first)
        months |= {month_of(d) for d in days}
        days_done += len(days)
        events_read += len(events)
        state.last_event_id = events[-1].id
        state.computed_at = utcnow()
        db.session.commit()
    count_backlog(local_today())
    state.computed_at = utcnow()
    db.session.commit()
    return {"events": events_read, "days": days_done, "months": len(months)}
