"""Campaign days: planning one, vendors registering in advance and on the spot, the
day's queue, issuing every certificate at the end, and the summary by market."""
import re
from datetime import timedelta

from blueprints.certificates import batches
from blueprints.certificates.models import BatchState, Certificate, CertificateKind
from blueprints.metrology.models import Campaign, ScaleVerification
from blueprints.service_requests.lifecycle import State
from blueprints.service_requests.models import ServiceRequest, SubRequest
from core.roles import Role
from core.timeutil import local_today
from extensions import db
from tests import factories
from tests.certificates.test_documents import pdf_text
from tests.documents import qr_codes, stored_bytes, verification_link
from tests.metrology.test_scales import READINGS_PASS, scale_row

MARKETS = ["青阳农贸市场", "梅岭菜市场", "西园市场"]


def campaign_day():
    """Three days ahead, whenever the suite runs."""
    return local_today() + timedelta(days=3)


def plan(client, login, manager, **kw) -> Campaign:
    login(manager)
    data = {"lab_id": str(manager.lab_id), "market": "青阳农贸市场", "address": "晋江市青阳街道",
            "day": str(campaign_day()), "teams": "3", "target": "150", "notes": "请带上电源线"}
    data.update(kw)
    resp = client.post("/campaigns/new", data=data)
    assert resp.status_code == 302, resp.get_data(as_text=True)
    return db.session.scalars(db.select(Campaign).order_by(Campaign.id.desc())).first()


def test_a_manager_plans_a_day_and_a_citizen_registers_for_it(app, client, login, metrology):
    campaign = plan(client, login, metrology["manager"])
    assert (campaign.market, campaign.target, campaign.lab_id) == (
        "青阳农贸市场", 150, metrology["lab"].id)
    assert client.post("/campaigns/new", data={"lab_id": str(metrology["lab"].id),
                                               "market": ""}).status_code == 400
    citizen = login(factories.create_user(Role.citizen, phone="13800003333"))
    form = client.get("/scales/verify").get_data(as_text=True)
    assert f"{campaign_day()} · 青阳农贸市场" in form
    data = {"where": str(campaign.id), "contact_name": "蔡阿姨", "contact_phone": "13800003333",
            **scale_row(0)}
    assert client.post("/scales/verify", data=data).status_code == 302
    req = db.session.scalars(db.select(ServiceRequest)).one()
    assert req.campaign_id == campaign.id and req.applicant_id == citizen.id
    # The vendor's request page is about the day: where and when, and no drop-off at
    # the institute (whose counter takes bookings).
    factories.create_resource(metrology["lab"].id)
    sub = req.sub_requests[0]
    page = client.get(f"/requests/{req.id}").get_data(as_text=True)
    assert 'id="campaign-day"' in page and "青阳农贸市场" in page and str(campaign.day) in page
    assert f"/parts/{sub.id}/booking" not in page
    assert "预计完成" not in page  # no date at the institute: the day is the campaign's
    # The metrologist may verify it before the day, and is told it is early.
    login(metrology["manager"])
    db.session.refresh(sub)
    client.post(f"/lab/requests/{sub.id}/do/accept_free", data={"version": str(sub.version)})
    login(factories.create_user(Role.lab_staff, lab=metrology["lab"]))
    scale_page = client.get(f"/lab/requests/{sub.id}/scale").get_data(as_text=True)
    assert 'id="early"' in scale_page and "3 天后" in scale_page
    login(citizen)
    # Outsiders: a citizen and another lab's manager do not see the campaign's queue.
    assert client.get(f"/campaigns/{campaign.id}").status_code == 403
    login(factories.create_user(Role.lab_manager))
    assert client.get(f"/campaigns/{campaign.id}").status_code == 404
    assert client.post(f"/campaigns/{campaign.id}/accept").status_code == 403


def test_a_whole_campaign_of_150_scales(app, client, login, metrology, tmp_path):
    """Registered on the spot by the team, verified one by one (every third fails at
    Max), approved and issued in one batch by the manager; the summary adds up."""
    manager = metrology["manager"]
    campaign = plan(client, login, manager)
    metrologist = login(factories.create_user(Role.lab_staff, lab=metrology["lab"]))
    for n in range(150):
        row = scale_row(n, market=MARKETS[n % 3])
        data = {"onsite-vendor_name": f"摊主{n}", "onsite-vendor_phone": f"139{n:08d}",
                **{k.replace("scales-0-", "onsite-scale-").replace(f"scales-{n}-",
                                                                   "onsite-scale-"): v
                   for k, v in row.items()}}
        resp = client.post(f"/campaigns/{campaign.id}/register", data=data)
        assert resp.status_code == 302, resp.get_data(as_text=True)
    page = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "150 台已登记" in page
    login(manager)
    client.post(f"/campaigns/{campaign.id}/accept")
    subs = db.session.scalars(db.select(SubRequest).order_by(SubRequest.id)).all()
    assert len(subs) == 150 and {s.state for s in subs} == {State.confirmed}

    login(metrologist)
    for n, sub in enumerate(subs):
        readings = dict(READINGS_PASS)
        if n % 3 == 2:                       # every third scale reads 10 g high at Max
            readings["w4-ind"] = "15010"
        resp = client.post(f"/lab/requests/{sub.id}/scale",
                           data={**readings, "version": str(sub.version)})
        assert resp.status_code == 302, resp.get_data(as_text=True)

    login(manager)
    resp = client.post(f"/campaigns/{campaign.id}/issue")
    assert resp.status_code == 302
    batch_id = int(re.search(r"/lab/batches/(\d+)", resp.headers["Location"]).group(1))
    batch = batches.run_batch(batch_id, processes=2)  # as the worker runs it, one a core
    assert batch.state == BatchState.done and batch.done == 150
    cert = batch.items[0].certificate  # a vendor's certificate leads to the public address
    assert qr_codes(stored_bytes(app, cert), tmp_path) == [verification_link(cert)]

    kinds = db.session.execute(db.select(Certificate.kind, db.func.count())
                               .group_by(Certificate.kind)).all()
    assert dict(kinds) == {CertificateKind.verification_certificate: 100,
                           CertificateKind.verification_failure: 50}
    assert db.session.scalar(db.select(db.func.count(ScaleVerification.id))
                             .where(ScaleVerification.label_number.is_not(None))) == 100
    html = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    summary = html.split('id="summary"')[1]
    for market in MARKETS:  # n % 3 == 2 fails: the third market fails them all
        rate = "0.0 %" if market == MARKETS[2] else "100.0 %"
        assert re.search(rf"{market}</td><td class=\"num\">50</td><td class=\"num\">"
                         rf"{50 if rate != '0.0 %' else 0}</td><td class=\"num\">{rate}", summary)
    for label, n in (("registered", 150), ("verified", 150), ("passed", 100), ("failed", 50),
                     ("issued", 150)):
        assert f'id="count-{label}">' in html
        assert re.search(rf'id="count-{label}">\D*{n}\D', html), label


def test_the_campaign_page_and_my_scales_run_a_fixed_number_of_queries(
        app, client, login, metrology, count_queries):
    manager = metrology["manager"]
    campaign = plan(client, login, manager)
    citizen = factories.create_user(Role.citizen, phone="13800004444")
    counts = []
    for n in (2, 6):
        login(citizen)
        data = {"where": str(campaign.id), "contact_name": "蔡阿姨",
                "contact_phone": "13800004444"}
        for i in range(n):
            data.update(scale_row(i, serial=f"N{n}-{i}", market=MARKETS[i % 3]))
        assert client.post("/scales/verify", data=data).status_code == 302
        with count_queries() as mine:
            client.get("/scales")
        login(manager)
        with count_queries() as page:
            assert client.get(f"/campaigns/{campaign.id}").status_code == 200
        counts.append((mine.count, page.count))
    assert counts[0] == counts[1]


def test_vendors_see_the_coming_days_and_their_own_in_my_tasks(app, client, login, metrology,
                                                               count_queries):
    coming = plan(client, login, metrology["manager"])
    past = plan(client, login, metrology["manager"], market="梅岭菜市场",
                day=str(local_today() - timedelta(days=1)))
    client.post("/logout")
    page = client.get("/campaign-days").get_data(as_text=True)   # public: no sign-in
    listed = page.split('id="coming-days"')[1]
    assert "青阳农贸市场" in listed and "梅岭菜市场" not in listed and past.id != coming.id
    assert f"/scales/verify?campaign={coming.id}" in listed
    citizen = login(factories.create_user(Role.citizen, phone="13800004444"))
    counts = []
    for n in range(3):
        data = {"where": str(coming.id), "contact_name": "蔡阿姨", "contact_phone": "13800004444",
                **scale_row(n)}
        assert client.post("/scales/verify", data=data).status_code == 302
        if n in (0, 2):
            with count_queries() as tasks:
                page = client.get("/tasks").get_data(as_text=True)
            counts.append(tasks.count)
    mine = page.split('id="task-campaign_days"')[1].split("</section>")[0]
    assert mine.count(str(coming.day)) == 3 and "青阳农贸市场" in mine
    assert counts[0] == counts[1]                  # a fixed number of queries
    assert citizen.role == Role.citizen


def test_a_manager_who_verified_the_scales_is_told_once_what_to_set_up(
        app, client, login, metrology):
    """The lab's one signatory verified the day's scales: "approve and issue" issues
    nothing and says, in one message, who must sign; after the manager names the
    metrologist a signatory, the metrologist approves and issues the day."""
    manager = metrology["manager"]
    campaign = plan(client, login, manager)
    for n in range(3):
        data = {"onsite-vendor_name": f"摊主{n}", "onsite-vendor_phone": f"139{n:08d}",
                **{k.replace(f"scales-{n}-", "onsite-scale-"): v
                   for k, v in scale_row(n).items()}}
        assert client.post(f"/campaigns/{campaign.id}/register", data=data).status_code == 302
    subs = db.session.scalars(db.select(SubRequest).order_by(SubRequest.id)).all()
    for sub in subs:   # the manager verifies them all
        db.session.refresh(sub)
        assert client.post(f"/lab/requests/{sub.id}/scale",
                           data={**READINGS_PASS, "version": str(sub.version)}).status_code == 302
    client.get(f"/campaigns/{campaign.id}")  # read the flashed registrations
    client.get("/lang/en")
    resp = client.post(f"/campaigns/{campaign.id}/issue", follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert page.count('class="notice error"') == 1 and 'class="notice success"' not in page
    assert "3 verified scales wait for another signatory" in page
    assert "Nobody else in this lab can review these results" in page
    assert {s.state for s in db.session.scalars(db.select(SubRequest))} == {State.in_review}

    metrologist = factories.create_user(Role.lab_staff, lab=metrology["lab"], name="吴国栋",
                                        signature_png=factories._default_signature())
    login(manager)
    assert client.post("/lab/signatories", data={
        "user_id": str(metrologist.id), "kinds": ["verification"],
        "since": str(local_today())}).status_code == 302
    login(metrologist)
    assert f'action="/campaigns/{campaign.id}/issue"' in client.get(
        f"/campaigns/{campaign.id}").get_data(as_text=True)
    resp = client.post(f"/campaigns/{campaign.id}/issue")
    batch_id = int(re.search(r"/lab/batches/(\d+)", resp.headers["Location"]).group(1))
    assert client.get(f"/lab/batches/{batch_id}").status_code == 200  # follows its progress
    batch = batches.run_batch(batch_id, processes=1)
    assert batch.state == BatchState.done and batch.done == 3
    certs = db.session.scalars(db.select(Certificate)).all()
    assert len(certs) == 3 and {c.signed_by_id for c in certs} == {metrologist.id}
    text = pdf_text(app, certs[0])[0]   # 17025 7.8.2.1 c: where the work was done
    assert f"现场检定：青阳农贸市场（晋江市青阳街道） On site at the market, {campaign.day}" in text
    assert {s.approved_by_id for s in db.session.scalars(db.select(SubRequest))} == {
        metrologist.id}


def test_a_vendor_registered_on_the_spot_with_a_bad_number_is_refused_saying_why(
        app, client, login, metrology):
    campaign = plan(client, login, metrology["manager"])
    data = {"onsite-vendor_name": "摊主", "onsite-vendor_phone": "12345",
            **{k.replace("scales-0-", "onsite-scale-"): v for k, v in scale_row(0).items()}}
    resp = client.post(f"/campaigns/{campaign.id}/register", data=data)
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert 'id="onsite-vendor_phone-error"' in page and 'value="摊主"' in page
    assert db.session.scalar(db.select(db.func.count(ServiceRequest.id))) == 0
