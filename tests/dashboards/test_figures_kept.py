"""The worker's figures over a small hand-counted June (Monday the 1st; no holidays
in the test calendar): what came in each day, what was first issued, how long it took
with the applicant's pauses left out, on time or late, passed or failed, and the
ratings; the months as the sums of their days; and a second run that reads only what
changed since."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select

from blueprints.audit.models import AuditEvent
from blueprints.certificates.models import Certificate, CertificateKind
from blueprints.dashboards.metrics import median
from blueprints.dashboards.models import FigureRow, FigureState, SatisfactionRow, Span
from blueprints.dashboards.refresh import refresh
from blueprints.service_requests.lifecycle import State
from blueprints.service_requests.models import (
    Rating,
    RequestItem,
    Result,
    ServiceRequest,
    SubRequest,
)
from blueprints.service_requests.verdicts import Verdict
from core.roles import Role
from core.timeutil import LOCAL_TZ
from extensions import db
from tests import factories


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 6, day, hour, tzinfo=LOCAL_TZ)


def _part(applicant, lab, services, submitted: int, price: int = 15000, verdicts=(),
          analyst=None):
    n = next(factories._seq)
    req = ServiceRequest(number=f"QD-2026-{n:06d}", state=State.submitted,
                         enterprise=applicant.enterprise, applicant=applicant,
                         title=f"送检{n}", contact_name="许雅婷", contact_phone="13900000000",
                         submitted_at=at(submitted))
    sub = SubRequest(request=req, lab=lab, part=1, state=State.in_progress)
    for k, service in enumerate(services):
        item = RequestItem(request=req, sub_request=sub, service=service,
                           sample_description="针织面料", price_cents=price)
        if k < len(verdicts):
            item.results.append(Result(parameter=service.parameters[0], value=Decimal("1"),
                                       verdict=verdicts[k], entered_by_id=analyst.id))
    db.session.add(req)
    db.session.flush()
    return sub


def _steps(sub, *steps, due: date | None = None):
    """The part's audit trail: (day, state entered), the issue carrying its due date."""
    for day, state in steps:
        after = {"state": state}
        if state == "issued" and due is not None:
            after["due_date"] = due.isoformat()
        db.session.add(AuditEvent(entity="sub_requests", entity_id=sub.id, action=state,
                                  after=after, created_at=at(day, 11)))


def _issue(sub, day: int, signer):
    db.session.add(Certificate(number=f"T-{sub.id}", kind=CertificateKind.test_report,
                               sub_request_id=sub.id, lab_id=sub.lab_id,
                               issued_at=at(day, 15), signed_by_id=signer.id,
                               sha256="0" * 64, stored_name=f"t-{sub.id}.pdf"))


def _day_rows(day: int, **where):
    return db.session.scalars(select(FigureRow).where(
        FigureRow.span == Span.day, FigureRow.starts == date(2026, 6, day),
        *(getattr(FigureRow, k) == v for k, v in where.items()))).all()


def test_the_worker_counts_june_as_it_was_hand_counted(users):
    lab = factories.create_lab()
    fabric, fastness = factories.create_service(labs=[lab]), factories.create_service(labs=[lab])
    sme, citizen = users[Role.sme], users[Role.citizen]
    signer = factories.create_user(Role.lab_manager, lab=lab)
    # P1: the enterprise's two items, submitted Mon 1; quoted Tue 2 and waiting for the
    # samples until Fri 5 (a pause of 3 working days), issued Fri 12 on its due date:
    # 9 working days less 3 = 6, on time; one item passed, one failed.
    p1 = _part(sme, lab, [fabric, fastness], 1, verdicts=[Verdict.passed, Verdict.failed],
               analyst=signer)
    _steps(p1, (1, "submitted"), (2, "quoted"), (3, "confirmed"), (5, "sample_received"),
           (5, "in_progress"), (10, "approved"), (12, "issued"), due=date(2026, 6, 12))
    _issue(p1, 12, signer)
    # P2: a citizen's free item, submitted Mon 1, issued Tue 9 a day after its due
    # date: 6 working days, late, passed.
    p2 = _part(citizen, lab, [fabric], 1, price=0, verdicts=[Verdict.passed], analyst=signer)
    _steps(p2, (1, "submitted"), (2, "in_progress"), (9, "issued"), due=date(2026, 6, 8))
    _issue(p2, 9, signer)
    # P3: submitted Wed 3, still at work.
    _part(sme, lab, [fabric], 3)
    # P1 closed and rated badly on Mon 15, the bad review followed up.
    _steps(p1, (15, "closed"))
    db.session.add(Rating(sub_request_id=p1.id, lab_id=lab.id, level=2, rated_by_id=sme.id,
                          created_at=at(15, 16), follow_up_due=date(2026, 7, 6),
                          followed_up_at=at(16)))
    db.session.commit()
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
