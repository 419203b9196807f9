"""Demo data: a real catalogue, one user per role, loaded once."""
from blueprints.auth.models import User
from blueprints.catalogue.kinds import ServiceKind
from blueprints.catalogue.models import Capability, Service
from blueprints.enterprises.models import Enterprise
from blueprints.enterprises.uscc import validate
from blueprints.labs.models import Lab
from core.roles import Role
from demo.loader import DEMO_PASSWORD, DEMO_USERS
from extensions import db


def counts():
    return {m.__name__: db.session.scalar(db.select(db.func.count()).select_from(m))
            for m in (Lab, Service, Capability, Enterprise, User)}


def test_setup_loads_the_demo_once_and_a_second_run_changes_nothing(app, runner):
    assert runner.invoke(args=["setup"]).exit_code == 0
    assert counts()["Lab"] == 0  # a deployment gets no demo accounts
    result = runner.invoke(args=["setup", "--demo"])
    assert result.exit_code == 0, result.output
    first = counts()
    assert first["Lab"] >= 5 and first["Service"] >= 40
    assert runner.invoke(args=["setup", "--demo"]).exit_code == 0
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert counts() == first


def test_demo_catalogue_has_real_method_standards(app, runner):
    runner.invoke(args=["demo", "load"])
    standards = " ".join(db.session.scalars(db.select(Service.method_standard)))
    for std in ("GB 18401", "GB/T 3920", "GB/T 3923.1", "GB 2760", "GB 4789", "GB/T 4100",
                "JJG 539", "JJG 52"):
        assert std in standards, std
    kinds = set(db.session.scalars(db.select(Service.kind)))
    assert kinds == set(ServiceKind)
    scale = db.session.scalar(db.select(Service).where(Service.method_standard.like("JJG 539%")))
    assert scale.price_cents == 0  # trade-scale verification is free
    for ent in db.session.scalars(db.select(Enterprise)):
        assert validate(ent.uscc) == ent.uscc
    for service in db.session.scalars(db.select(Service)):
        assert service.capabilities, f"{service.code} has no lab"


def test_every_demo_user_signs_in_and_lands_on_their_page(app, runner):
    runner.invoke(args=["demo", "load"])
    assert {u["role"] for u in DEMO_USERS} == set(Role)
    for data in DEMO_USERS:
        client = app.test_client()
        login = data.get("email") or data["phone"]
        resp = client.post("/login", data={"login": login, "password": DEMO_PASSWORD})
        assert resp.status_code == 302, login
        assert client.get(resp.headers["Location"], follow_redirects=True).status_code == 200


def test_every_demo_lab_has_two_signatories_who_can_sign(app, runner):
    """Four eyes: whoever entered results neither reviews nor signs them, so each lab
    needs two authorised signatories with their signature images."""
    from blueprints.labs.models import Lab, Signatory
    runner.invoke(args=["demo", "load"])
    for lab in db.session.scalars(db.select(Lab)):
        signers = db.session.scalars(db.select(Signatory).filter_by(lab_id=lab.id)).all()
        assert len([s for s in signers if s.is_active and s.user.signature_png]) >= 2, lab.code
        kinds = {c.service.kind.value for c in lab.capabilities} - {"standards"}
        assert all(sum(k in s.kind_set for s in signers) >= 2 for k in kinds), lab.code


def test_demo_requests_wait_in_the_labs_queues(app, runner):
    from blueprints.service_requests.models import ServiceRequest
    runner.invoke(args=["demo", "load"])
    requests = db.session.scalars(db.select(ServiceRequest)).all()
    assert len(requests) == 2 and all(r.number for r in requests)
    client = app.test_client()
    client.post("/login", data={"login": "manager@ntc.qidesk.example", "password": DEMO_PASSWORD})
    queue = client.get("/lab/queue").get_data(as_text=True)
    assert "春季童装面料安全性能送检" in queue


def test_the_demo_clinic_has_experts_cases_and_a_published_article(app, runner):
    from blueprints.clinic.library import CaseArticle
    from blueprints.clinic.lifecycle import CaseState
    from blueprints.clinic.models import ClinicCase, Expert
    runner.invoke(args=["demo", "load"])
    assert db.session.scalar(db.select(db.func.count()).select_from(Expert)) == 4
    states = set(db.session.scalars(db.select(ClinicCase.state)))
    assert states == {CaseState.resolved, CaseState.in_progress, CaseState.submitted}
    article = db.session.scalar(db.select(CaseArticle))
    assert article.is_published and "鸿鹄" not in article.problem
    client = app.test_client()
    client.post("/login", data={"login": "expert@qidesk.example", "password": DEMO_PASSWORD})
    page = client.get("/clinic/").get_data(as_text=True)
    assert page.count("WZ-") == 2      # the resolved case and the one at work
