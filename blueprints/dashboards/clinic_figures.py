"""The quality clinic's figures per month and chain: cases opened, solved, the days
to the first visit and to resolution (as histograms), benefits reported and verified,
ratings. A month is recomputed whole from the cases opened in it."""
from collections import Counter
from datetime import date, timedelta

from sqlalchemy import func, select

from blueprints.audit.models import AuditEvent
from blueprints.clinic.kinds import VisitState
from blueprints.clinic.lifecycle import CaseState
from blueprints.clinic.models import CaseRating, ClinicCase
from blueprints.clinic.outcome import CaseBenefit
from blueprints.clinic.work import CaseVisit
from blueprints.dashboards.models import ClinicRow
from blueprints.dashboards.spans import (
    bounds,
    delete_rows,
    insert_rows,
    key_of,
    local_day,
    month_of,
)
from core.timeutil import utcnow
from core.working_calendar import desk_calendar
from extensions import db

CLINIC_COUNTS = ("opened", "solved", "reported", "reported_cents", "verified",
                 "verified_cents", "rated", "level_total", "bad", "followed_up")


def clinic_months(events: list[AuditEvent]) -> set[date]:
    """The months the clinic's cases in these events were opened in."""
    cases = {e.entity_id for e in events if e.entity == "clinic_cases"}
    if not cases:
        return set()
    return {month_of(local_day(opened)) for opened in db.session.scalars(
        select(ClinicCase.created_at).where(ClinicCase.id.in_(cases)))}


def recompute_clinic_month(first: date) -> None:
    """The clinic's row of each chain for the cases opened in the month."""
    delete_rows(ClinicRow, ClinicRow.starts == first)
    start, end = bounds(first)[0], bounds((first + timedelta(days=32)).replace(day=1))[0]
    opened_in = (ClinicCase.created_at >= start, ClinicCase.created_at < end)
    visits = (select(CaseVisit.case_id, func.min(CaseVisit.starts_at).label("first"))
              .where(CaseVisit.state == VisitState.booked, CaseVisit.starts_at <= utcnow())
              .group_by(CaseVisit.case_id).subquery())
    calendar = desk_calendar()
    rows: dict[str, dict] = {}

    def row(chain) -> dict:
        return rows.setdefault(key_of(chain), {
            "starts": first, "chain": key_of(chain), **dict.fromkeys(CLINIC_COUNTS, 0),
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
    insert_rows(ClinicRow, [{**r, "visit_days": {str(k): v for k, v in r["visit_days"].items()},
                         "resolution_days": {str(k): v
                                             for k, v in r["resolution_days"].items()}}
                        for r in rows.values()])
