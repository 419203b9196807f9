"""The worker's figures over a small hand-counted June (tests/dashboards/june.py): what
came in each day, what was first issued, how long it took with the applicant's pauses
left out, on time or late, passed or failed, and the ratings; the months as the sums of
their days; and a second run that reads only what changed since."""
from datetime import date

from sqlalchemy import func, select

from blueprints.audit.models import AuditEvent
from blueprints.dashboards.metrics import median
from blueprints.dashboards.models import FigureRow, FigureState, SatisfactionRow, Span
from blueprints.dashboards.refresh import refresh
from blueprints.service_requests.models import Rating
from core.roles import Role
from extensions import db
from tests.dashboards.june import at, build_june


def _day_rows(day: int, **where):
    return db.session.scalars(select(FigureRow).where(
        FigureRow.span == Span.day, FigureRow.starts == date(2026, 6, day),
        *(getattr(FigureRow, k) == v for k, v in where.items()))).all()


def test_the_worker_counts_june_as_it_was_hand_counted(users):
    june = build_june(users)
    lab, fabric, fastness, p2 = june.lab, june.fabric, june.fastness, june.p2
    sme, citizen = users[Role.sme], users[Role.citizen]
    chain = sme.enterprise.industry_chain.value

    first = refresh()
    assert first["events"] > 0 and first["months"] == 1

    [a] = _day_rows(1, service_id=fabric.id, chain=chain)
    [b] = _day_rows(1, service_id=fastness.id)
    [c] = _day_rows(1, service_id=fabric.id, chain="")
    assert (a.items_in, a.parts_in, a.requests_in) == (1, 1, 1)
    assert (b.items_in, b.parts_in, b.requests_in) == (1, 0, 0)     # P1's second item
    assert (c.items_in, c.parts_in, c.requests_in) == (1, 1, 1)
    assert [(r.items_in, r.parts_in) for r in _day_rows(3)] == [(1, 1)]
    [free] = _day_rows(9)
    assert (free.items_done, free.passed, free.late, free.on_time, free.free_done,
            free.histogram()) == (1, 1, 1, 0, 1, {6: 1})
    twelfth = {r.service_id: r for r in _day_rows(12)}
    assert (twelfth[fabric.id].passed, twelfth[fastness.id].failed) == (1, 1)
    assert all((r.on_time, r.late, r.histogram()) == (1, 0, {6: 1}) for r in twelfth.values())

    month = db.session.execute(select(
        func.sum(FigureRow.items_in), func.sum(FigureRow.items_done),
        func.sum(FigureRow.passed), func.sum(FigureRow.failed), func.sum(FigureRow.on_time),
        func.sum(FigureRow.late), func.sum(FigureRow.t6))
        .where(FigureRow.span == Span.month, FigureRow.starts == date(2026, 6, 1))).one()
    assert tuple(month) == (4, 3, 2, 1, 2, 1, 3)
    assert median({6: month[6]}) == 6
    [rated] = db.session.scalars(select(SatisfactionRow).where(
        SatisfactionRow.span == Span.day, SatisfactionRow.starts == date(2026, 6, 15))).all()
    assert (rated.closed, rated.rated, rated.level_total, rated.bad, rated.followed_up) == \
        (1, 1, 2, 1, 1)

    # A second run reads nothing new; a rating given later moves its own day only.
    assert refresh()["events"] == 0
    db.session.add(Rating(sub_request_id=p2.id, lab_id=lab.id, level=5,
                          rated_by_id=citizen.id, created_at=at(16, 9)))
    db.session.flush()
    rating = db.session.scalar(select(Rating).where(Rating.sub_request_id == p2.id))
    db.session.add(AuditEvent(entity="ratings", entity_id=rating.id, action="rated",
                              after={"level": 5}, created_at=at(16, 9)))
    db.session.commit()
    again = refresh()
    assert again["events"] == 1
    assert db.session.scalar(select(func.sum(SatisfactionRow.rated)).where(
        SatisfactionRow.span == Span.month)) == 2
    state = db.session.get(FigureState, "figures")
    assert state.computed_at is not None
    assert state.last_event_id == db.session.scalar(select(func.max(AuditEvent.id)))


def _every_figure() -> dict[str, list[tuple]]:
    """Every row the worker keeps, as plain tuples without their ids, in a fixed order."""
    from blueprints.dashboards.models import (
        BacklogRow,
        ClinicRow,
        EnterpriseRow,
        ScaleRow,
        ServedRow,
        ServedYearRow,
    )
    out = {}
    for model in (FigureRow, SatisfactionRow, ScaleRow, ServedRow, ServedYearRow,
                  EnterpriseRow, BacklogRow, ClinicRow):
        columns = [c for c in model.__table__.columns if c.name != "id"]
        out[model.__tablename__] = sorted(
            tuple(str(v) for v in row) for row in db.session.execute(select(*columns)))
    return out


def test_far_behind_the_worker_catches_up_day_by_day_to_the_same_figures(users, monkeypatch):
    from blueprints.dashboards import refresh as job
    build_june(users)
    refresh()
    batch_by_batch = _every_figure()
    for table in batch_by_batch:
        db.session.execute(db.text(f"DELETE FROM {table}"))
    db.session.get(FigureState, job.STATE).last_event_id = 0
    db.session.commit()
    monkeypatch.setattr(job, "CATCH_UP_AFTER", 1)
    caught_up = refresh()
    assert caught_up["days"] > 150    # every day from June's first submission to today
    assert _every_figure() == batch_by_batch
    assert db.session.get(FigureState, job.STATE).last_event_id == \
        db.session.scalar(select(func.max(AuditEvent.id)))
