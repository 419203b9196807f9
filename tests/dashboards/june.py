"""A small June that the dashboards' tests count by hand (Monday the 1st; no
holidays in the test calendar): parts built straight into the records with their
audit trail, so each day and pause is where the test puts it."""
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from blueprints.audit.models import AuditEvent
from blueprints.certificates.models import Certificate, CertificateKind
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
    """A local time in June, kept in UTC as the desk keeps every time."""
    return datetime(2026, 6, day, hour, tzinfo=LOCAL_TZ).astimezone(UTC)


def part(applicant, lab, services, submitted: int, price: int = 15000, verdicts=(),
          analyst=None, hour: int = 10):
    n = next(factories._seq)
    req = ServiceRequest(number=f"QD-2026-{n:06d}", state=State.submitted,
                         enterprise=applicant.enterprise, applicant=applicant,
                         title=f"送检{n}", contact_name="许雅婷", contact_phone="13900000000",
                         submitted_at=at(submitted, hour))
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


def steps(sub, *steps, due: date | None = None):
    """The part's audit trail: (day, state entered), the issue carrying its due date."""
    for day, state in steps:
        after = {"state": state}
        if state == "issued" and due is not None:
            after["due_date"] = due.isoformat()
        db.session.add(AuditEvent(entity="sub_requests", entity_id=sub.id, action=state,
                                  after=after, created_at=at(day, 11)))


def issue(sub, day: int, signer):
    db.session.add(Certificate(number=f"T-{sub.id}", kind=CertificateKind.test_report,
                               sub_request_id=sub.id, lab_id=sub.lab_id,
                               issued_at=at(day, 15), signed_by_id=signer.id,
                               sha256="0" * 64, stored_name=f"t-{sub.id}.pdf"))




@dataclass
class June:
    lab: object
    fabric: object
    fastness: object
    p1: object
    p2: object
    signer: object


def build_june(users) -> June:
    """Three parts of one lab, hand-counted:
    P1, the enterprise's two items, submitted Mon 1; quoted Tue 2 and waiting for the
    samples until Fri 5 (a pause of 3 working days), issued Fri 12 on its due date: 9
    working days less 3 = 6, on time; one item passed, one failed; closed and rated 2
    (a bad review, followed up) on Mon 15.
    P2, a citizen's free item, submitted Mon 1, issued Tue 9, a day after its due date:
    6 working days, late, passed.
    P3, the enterprise's, submitted Wed 3 at 07:00 (still Tuesday in UTC), at work."""
    lab = factories.create_lab()
    fabric, fastness = factories.create_service(labs=[lab]), factories.create_service(labs=[lab])
    sme, citizen = users[Role.sme], users[Role.citizen]
    signer = factories.create_user(Role.lab_manager, lab=lab)
    p1 = part(sme, lab, [fabric, fastness], 1, verdicts=[Verdict.passed, Verdict.failed],
               analyst=signer)
    steps(p1, (1, "submitted"), (2, "quoted"), (3, "confirmed"), (5, "sample_received"),
           (5, "in_progress"), (10, "approved"), (12, "issued"), due=date(2026, 6, 12))
    issue(p1, 12, signer)
    p2 = part(citizen, lab, [fabric], 1, price=0, verdicts=[Verdict.passed], analyst=signer)
    steps(p2, (1, "submitted"), (2, "in_progress"), (9, "issued"), due=date(2026, 6, 8))
    issue(p2, 9, signer)
    part(sme, lab, [fabric], 3, hour=7)     # 23:00 on the 2nd in UTC: a local day counts
    steps(p1, (15, "closed"))
    db.session.add(Rating(sub_request_id=p1.id, lab_id=lab.id, level=2, rated_by_id=sme.id,
                          created_at=at(15, 16), follow_up_due=date(2026, 7, 6),
                          followed_up_at=at(16)))
    p1.state, p2.state = State.closed, State.issued
    db.session.commit()
    return June(lab, fabric, fastness, p1, p2, signer)

