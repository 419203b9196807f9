"""Every person's pages, with the objects they open filled in: the list the browser
test opens at three screen sizes and the language test reads in both languages."""
from datetime import timedelta

from blueprints.catalogue.method_links import link_all
from blueprints.certificates.models import Certificate
from blueprints.metrology.models import Campaign
from blueprints.service_requests.models import ServiceRequest
from blueprints.standards.models import StandardStatus
from core.roles import Role
from core.timeutil import local_today
from extensions import db
from tests import factories
from tests.journeys import closed_part, submitted
from tests.metrology.test_scales import scale_row


def every_persons_pages(client, login, users, two_labs, metrology):
    """The pages each person opens, with the objects they open filled in."""
    req, parts = submitted(client, login, users, two_labs)
    _closed, done = closed_part(client, login, users, two_labs)
    cert = db.session.scalar(db.select(Certificate).filter_by(sub_request_id=done.id))
    lab = metrology["lab"]
    campaign = Campaign(lab_id=lab.id, service_id=metrology["verification"].id,
                        market="青阳农贸市场", address="晋江市青阳街道 88 号",
                        day=local_today() + timedelta(days=5), created_by_id=metrology["manager"].id)
    db.session.add(campaign)
    factories.create_resource(two_labs["fabric_lab"].id)
    citizen = login(factories.create_user(Role.citizen, phone="13800009999"))
    db.session.flush()
    client.post("/scales/verify", data={"where": str(campaign.id),
                                        "contact_name": "蔡阿姨", "contact_phone": "13800009999",
                                        **scale_row(0)})
    db.session.commit()
    scale_req = db.session.scalars(db.select(ServiceRequest).filter_by(
        applicant_id=citizen.id)).first()
    ntc = parts["NTC1"]
    analyst = two_labs["ntc_analyst"]
    verify = f"/verify?number={cert.number}&code={cert.verification_code}"
    new = factories.create_standard("GB/T 2912.1-2025", "纺织品 甲醛的测定 第1部分：游离和水解的甲醛",
                                    "Textiles—Determination of formaldehyde—Part 1",
                                    ics="59.080.01")
    old = factories.create_standard("GB/T 2912.1-2009", "纺织品 甲醛的测定 第1部分：游离和水解的甲醛",
                                    "Textiles—Determination of formaldehyde—Part 1",
                                    ics="59.080.01", status=StandardStatus.replaced,
                                    replaced_by=new)
    link_all()   # the services cite GB/T 2912.1-2009: flagged in the lab's scope
    db.session.commit()
    standard = f"/standards/{old.id}"
    # (who, as the screenshots name them, and the pages they open)
    return [
        (None, "public", ["/", "/services", "/labs", f"/labs/{two_labs['fabric_lab'].code}", "/verify",
               verify, "/campaign-days", "/login", "/enterprises/register",
               "/standards/", "/standards/?q=甲醛", standard]),
        (users[Role.sme], "sme", ["/requests", "/requests/new", f"/requests/{req.id}",
                          f"/requests/{req.id}/parts/{ntc.id}/booking", "/enterprises/mine",
                          "/tasks", "/notifications", "/account", standard]),
        (citizen, "vendor", ["/scales", "/scales/verify", "/requests",
                  f"/requests/{scale_req.id}", "/tasks"]),
        (analyst, "analyst", ["/lab/queue", f"/lab/requests/{ntc.id}", "/lab/worklist", "/lab/calendar",
                  "/lab", "/lab/signatories"]),
        (two_labs["ntc_manager"], "lab-manager", ["/lab/queue", f"/lab/requests/{ntc.id}", "/lab/batches",
                                  "/lab/batches/new", "/lab/resources", "/lab/ratings",
                                  "/lab/signatories", "/tasks"]),
        (metrology["manager"], "metrology-manager", ["/campaigns", f"/campaigns/{campaign.id}",
                                                     "/lab/queue"]),
        (users[Role.admin], "admin", ["/admin/", "/admin/enterprises", "/admin/users",
                                      "/admin/labs", "/admin/jobs", "/admin/mail", "/admin/audit",
                                      "/tasks", standard, "/admin/services/unread-methods"]),
    ]
