"""The worker keeps the dashboards' figures (dashboards/models.py) from the desk's
records, incrementally: it reads the audit trail after where it stopped, works out
which days those events touch (the day of each event, and for each part touched the
days it was submitted, first issued and rated), recomputes those days whole from the
records, and then the months they fall in as the sums of their days. A day's
recompute reads that day's records only, so a run costs what changed, not the
history."""
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import case, func, select

from blueprints.audit.models import AuditEvent
from blueprints.catalogue.models import Service
from blueprints.certificates.models import Certificate
from blueprints.clinic.models import ClinicCase
from blueprints.dashboards.clinic_figures import clinic_months, recompute_clinic_month
from blueprints.dashboards.days import (
    ENTERPRISE_COUNTS,
    FIGURE_COUNTS,
    SATISFACTION_COUNTS,
    SCALE_COUNTS,
    recompute_day,
)
from blueprints.dashboards.models import (
    AGES,
    BacklogRow,
    EnterpriseRow,
    FigureRow,
    FigureState,
    SatisfactionRow,
    ScaleRow,
    ServedRow,
    ServedYearRow,
    Span,
)
from blueprints.dashboards.spans import (
    bounds,
    delete_rows,
    insert_rows,
    key_of,
    local_day,
    month_of,
)
from blueprints.enterprises.models import Enterprise
from blueprints.metrology.models import ScaleVerification
from blueprints.service_requests.models import Rating, RequestItem, ServiceRequest, SubRequest
from core.timeutil import LOCAL_TZ, local_today, utcnow
from extensions import db

STATE = "figures"
# Further behind than this many events, the worker catches up day by day (catch_up).
CATCH_UP_AFTER = 50_000
# The events that can move a figure, by the record they are about.
ENTITIES = ("service_requests", "sub_requests", "ratings", "scale_verifications",
            "clinic_cases")


# -- which days an event touches ----------------------------------------------------


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


# -- months and the worker's job ------------------------------------------------------


def recompute_month(first: date) -> set[int]:
    """The month's rows as the sums of its days' rows, and the enterprises it served;
    returns the enterprises whose part of those changed (their ServedYearRow rows must
    follow)."""
    last = (first + timedelta(days=32)).replace(day=1)
    start, end = bounds(first)[0], bounds(last)[0]
    served = {(ent, lab, key_of(kind), key_of(chain)) for ent, lab, kind, chain in
              db.session.execute(
                  select(ServiceRequest.enterprise_id, SubRequest.lab_id, Service.kind,
                         Enterprise.industry_chain).distinct()
                  .join(SubRequest, SubRequest.request_id == ServiceRequest.id)
                  .join(RequestItem, RequestItem.sub_request_id == SubRequest.id)
                  .join(Service, Service.id == RequestItem.service_id)
                  .join(Enterprise, Enterprise.id == ServiceRequest.enterprise_id)
                  .where(ServiceRequest.submitted_at >= start,
                         ServiceRequest.submitted_at < end))}
    before = {tuple(row) for row in db.session.execute(
        select(ServedRow.enterprise_id, ServedRow.lab_id, ServedRow.kind, ServedRow.chain)
        .where(ServedRow.starts == first))}
    changed = {row[0] for row in served ^ before}
    if changed:
        delete_rows(ServedRow, ServedRow.starts == first)
        insert_rows(ServedRow, [{"starts": first, "enterprise_id": ent, "lab_id": lab,
                                 "kind": kind, "chain": chain}
                                for ent, lab, kind, chain in served])
    for model, keys, counts in ((FigureRow, ("lab_id", "kind", "chain"),
                                 FIGURE_COUNTS),
                                (SatisfactionRow, ("lab_id", "chain"), SATISFACTION_COUNTS),
                                (ScaleRow, ("lab_id", "market"), SCALE_COUNTS),
                                (EnterpriseRow, ("enterprise_id", "kind"), ENTERPRISE_COUNTS)):
        delete_rows(model, model.span == Span.month, model.starts == first)
        columns = [getattr(model, k) for k in keys]
        sums = [func.sum(getattr(model, c)).label(c) for c in counts]
        rows = db.session.execute(
            select(*columns, *sums).where(model.span == Span.day, model.starts >= first,
                                          model.starts < last).group_by(*columns)).all()
        insert_rows(model, [{"span": Span.month, "starts": first, **row._mapping} for row in rows])
    return changed


# Above this many enterprises changed, the year's rows are rebuilt whole: cheaper than
# picking each one's rows out of the year's (a catch-up changes every enterprise).
WHOLE_YEAR_AFTER = 500


def recompute_served_year(year: int, enterprises: set[int]) -> None:
    """The year's ServedYearRow rows of these enterprises (all, past WHOLE_YEAR_AFTER)
    from its months' ServedRow rows: a bit per month for each enterprise, lab and kind,
    and for every lab, every kind and both. A routine run changes a few enterprises,
    so it rewrites a few rows, not the year's tens of thousands."""
    in_year = [ServedRow.starts >= date(year, 1, 1), ServedRow.starts < date(year + 1, 1, 1)]
    mine = [ServedYearRow.year == year]
    if len(enterprises) <= WHOLE_YEAR_AFTER:
        in_year.append(ServedRow.enterprise_id.in_(enterprises))
        mine.append(ServedYearRow.enterprise_id.in_(enterprises))
    delete_rows(ServedYearRow, *mine)
    months: dict[tuple, int] = {}
    chains: dict[int, str] = {}
    for ent, lab, kind, chain, starts in db.session.execute(
            select(ServedRow.enterprise_id, ServedRow.lab_id, ServedRow.kind, ServedRow.chain,
                   ServedRow.starts).where(*in_year).order_by(ServedRow.starts)):
        bit = 1 << (starts.month - 1)
        for key in ((ent, lab, kind), (ent, None, kind), (ent, lab, None), (ent, None, None)):
            months[key] = months.get(key, 0) | bit
        chains[ent] = chain   # the latest month's, should the enterprise's chain change
    insert_rows(ServedYearRow, [{"year": year, "enterprise_id": ent, "lab_id": lab,
                                 "kind": kind, "chain": chains[ent], "months": bits}
                                for (ent, lab, kind), bits in months.items()])


# -- the worker's job -------------------------------------------------------------------


def count_backlog(today: date) -> None:
    """Each lab's open parts by age (days since submitted), counted afresh: what is
    open now, not history, so the worker counts it on every run."""
    delete_rows(BacklogRow)
    bounds_by_age = [(age, datetime.combine(today - timedelta(days=age), time(), LOCAL_TZ)
                      .astimezone(UTC)) for age in AGES]
    age = case(*((ServiceRequest.submitted_at >= since, bound)
                 for bound, since in bounds_by_age), else_=0)
    rows = db.session.execute(
        select(SubRequest.lab_id, age, func.count())
        .join(ServiceRequest, ServiceRequest.id == SubRequest.request_id)
        .where(SubRequest.is_open(), ServiceRequest.submitted_at.is_not(None))
        .group_by(SubRequest.lab_id, age)).all()
    insert_rows(BacklogRow, [{"lab_id": lab, "age": bound, "parts": n} for lab, bound, n in rows])


def catch_up(state: FigureState) -> dict[str, int]:
    """Every day from the first submission to today recomputed once, each month as soon
    as its last day is (committed month by month), the clinic's months, and the mark
    moved to the end of the trail as it stood when the catch-up began: what the worker
    does when it is far behind (the dashboards arriving on a desk with years of history),
    where reading the trail batch by batch would recompute each day many times."""
    upto = db.session.scalar(select(func.max(AuditEvent.id))) or 0
    today = local_today()
    first = db.session.scalar(select(func.min(ServiceRequest.submitted_at)))
    day, days = (local_day(first) if first else today), 0
    while day <= today:
        recompute_day(day)
        days += 1
        if day == today or (day + timedelta(days=1)).day == 1:
            changed = recompute_month(month_of(day))
            if changed:
                recompute_served_year(day.year, changed)
            state.computed_at = utcnow()     # the boards' kept figures are out of date
            db.session.commit()
        day += timedelta(days=1)
    opened = db.session.scalar(select(func.min(ClinicCase.created_at)))
    month = month_of(local_day(opened)) if opened else month_of(today)
    while month <= today:
        recompute_clinic_month(month)
        month = month_of(month + timedelta(days=32))
    state.last_event_id = max(upto, state.last_event_id)
    state.computed_at = utcnow()
    db.session.commit()
    return {"days": days}


def refresh(batch: int = 5000) -> dict[str, int]:
    """Read the audit trail after the last event seen, recompute the days and months it
    touches, and move the mark on; repeated until the trail is read (or, far behind,
    catch up day by day). Returns the counts for the job's record."""
    state = db.session.get(FigureState, STATE)
    if state is None:
        state = FigureState(name=STATE, last_event_id=0)
        db.session.add(state)
    events_read = days_done = 0
    behind = (db.session.scalar(select(func.max(AuditEvent.id))) or 0) - state.last_event_id
    if behind > CATCH_UP_AFTER:
        done = catch_up(state)
        events_read, days_done = behind, done["days"]
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
        changed: dict[int, set[int]] = defaultdict(set)
        for first in sorted({month_of(d) for d in days}):
            changed[first.year] |= recompute_month(first)
        for year, enterprises in sorted(changed.items()):
            if enterprises:
                recompute_served_year(year, enterprises)
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
