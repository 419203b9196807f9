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
from tests.clinic.journey import made_case
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
    clinic = _clinic(client, login, users, two_labs)
    case, done, waiting = (f"/clinic/{clinic[k].id}" for k in ("case", "done", "waiting"))
    library = f"/clinic/library/{clinic['article'].id}"
    # (who, as the screenshots name them, and the pages they open)
    return [
        (None, "public", ["/", "/services", "/labs", f"/labs/{two_labs['fabric_lab'].code}", "/verify",
               verify, "/campaign-days", "/login", "/enterprises/register",
               "/standards/", "/standards/?q=甲醛", standard]),
        (users[Role.sme], "sme", ["/requests", "/requests/new", f"/requests/{req.id}",
                          f"/requests/{req.id}/parts/{ntc.id}/booking", "/enterprises/mine",
                          "/tasks", "/notifications", "/account", standard, "/clinic/",
                          "/clinic/new", case, done, "/clinic/library", library]),
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
                                      "/tasks", standard, "/admin/services/unread-methods",
                                      "/clinic/", waiting, case, done, "/clinic/experts",
                                      "/clinic/experts/new", "/clinic/figures",
                                      f"{done}/article"]),
        (clinic["expert"].user, "expert", ["/clinic/", case, done, "/tasks", f"{done}/article",
                                           "/clinic/library"]),
    ]


def _clinic(client, login, users, two_labs) -> dict:
    """The enterprise's clinic cases: one waiting for the desk, one at work (a visit, a
    finding, an action), one resolved with its benefit reported and its article
    published; an outside expert works them. Made through the models (the browser
    test signs in under the rate limit)."""
    from blueprints.clinic.library import CaseArticle
    from blueprints.clinic.outcome import CaseBenefit
    from core.timeutil import utcnow
    expert = factories.create_expert(name="林专家", skills=("root_cause", "materials"))
    factories.create_expert(lab=two_labs["fabric_lab"], name="陈工")
    sme, admin = users[Role.sme], users[Role.admin]
    waiting = made_case(sme, title="面料起球")
    case = made_case(sme, "working", admin, expert)
    done = made_case(sme, "resolved", admin, expert, visit_in_days=4, title="大底开胶")
    benefit = CaseBenefit(case_id=done.id, reported_at=utcnow(), reported_by_id=sme.id,
                          defect_rate_before=5, defect_rate_after=1, cost_saved_cents=3_600_000,
                          note="退货减少")
    done.consent_at = utcnow()
    article = CaseArticle(case_id=done.id, chain=done.chain, title="运动鞋大底开胶的原因",
                          problem="大底开胶", cause="晾置时间不足", actions="延长晾置",
                          outcome="退货率明显下降", written_by_id=expert.user_id)
    db.session.add_all([benefit, article])
    db.session.flush()
    article.submit(expert.user, _nobody())
    article.approve(admin, _nobody())
    db.session.commit()
    return {"expert": expert, "waiting": waiting, "case": case, "done": done,
            "article": article}


def _nobody():
    from blueprints.clinic.anonymity import Identity
    return Identity("无名企业")

