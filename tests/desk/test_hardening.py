"""Odd and hostile input: a clear 4xx, nothing changed, never a 500."""
from urllib.parse import urlsplit

import pytest

from blueprints.audit.models import AuditEvent
from blueprints.catalogue.models import Service
from blueprints.enterprises.models import Enterprise, EnterpriseStatus
from blueprints.labs.models import Lab
from core.roles import Role
from extensions import db
from tests import factories
from tests.catalogue.test_catalogue_pages import service_form

HUGE = "99999999999999999999"


@pytest.mark.parametrize("target", ["/\t/evil.example", "/%09/evil.example", "//evil.example",
                                    "/\\evil.example", "https://evil.example/",
                                    "/%0d%0aX:y", "/\r\nX: y"])
def test_next_never_leaves_the_site(client, target):
    resp = client.get("/lang/en", query_string={"next": target})
    assert resp.status_code == 302
    location = resp.headers["Location"]
    assert not any(ord(ch) < 32 for ch in location)
    # What a browser would do with it: drop tabs and newlines, read backslashes as slashes.
    seen = location.replace("\\", "/")
    assert urlsplit(seen).netloc in ("", "desk.test") and not seen.startswith("//")


@pytest.mark.parametrize("url", [
    f"/services?page={HUGE}", "/services?page=-5", "/services?page=abc",
    f"/admin/enterprises?page={HUGE}", f"/admin/audit?entity_id={HUGE}",
    f"/admin/labs/{HUGE}/edit", f"/admin/services/{HUGE}/edit", f"/admin/users/{HUGE}/edit",
    f"/admin/labs/{HUGE}/capabilities", "/admin/labs/0/edit", "/admin/services/0/edit",
    f"/enterprises/{HUGE}", "/labs/%00", "/services/%ff%fe"])
def test_out_of_range_ids_and_pages_are_not_errors(client, users, login, url):
    login(users[Role.admin])
    assert client.get(url).status_code in (200, 400, 404)


def test_out_of_range_id_in_a_post_is_a_404(client, users, login):
    login(users[Role.sme])
    ent = users[Role.sme].enterprise
    assert client.post(f"/enterprises/{ent.id}/invitations/{HUGE}/revoke").status_code == 404
    login(users[Role.admin])
    assert client.post(f"/admin/enterprises/{HUGE}/verify").status_code == 404


@pytest.mark.parametrize("price", ["sNaN", "NaN", "Infinity", "-1e400", "1e30", "12.345", "-1"])
def test_impossible_prices_are_refused(client, users, login, price):
    login(users[Role.admin])
    resp = client.post("/admin/services/new", data=service_form(price=price))
    assert resp.status_code == 400
    assert db.session.scalar(db.select(Service).filter_by(code="TX-900")) is None


@pytest.mark.parametrize("limit", ["NaN", "sNaN", "Infinity", "1e30", "0.1234567"])
def test_impossible_limits_are_refused(client, users, login, limit):
    login(users[Role.admin])
    resp = client.post("/admin/services/new", data=service_form(**{
        "parameters-0-limit_kind": "range", "parameters-0-limit_min": limit,
        "parameters-0-limit_max": "1"}))
    assert resp.status_code == 400
    assert db.session.scalar(db.select(Service).filter_by(code="TX-900")) is None


def test_huge_whole_numbers_are_refused(client, users, login):
    login(users[Role.admin])
    from tests.labs.test_labs import lab_form
    resp = client.post("/admin/labs/new", data=lab_form(daily_capacity=HUGE))
    assert resp.status_code == 400
    assert db.session.scalar(db.select(Lab).filter_by(code="JQI")) is None


def test_changing_only_parameters_moves_the_version_and_is_audited(client, users, login,
                                                                   dummy_service):
    login(users[Role.admin])
    v1 = str(dummy_service.version)
    form = service_form(code=dummy_service.code, version=v1, price="150",
                        **{"parameters-0-limit_kind": "max", "parameters-0-limit_max": "20",
                           "parameters-0-limit_min": ""})
    assert client.post(f"/admin/services/{dummy_service.id}/edit", data=form).status_code == 302
    db.session.expire_all()
    service = db.session.get(Service, dummy_service.id)
    assert str(service.version) != v1
    # A second admin still on the old page changes the same limit: refused, not lost.
    form.update(**{"parameters-0-limit_max": "300"})
    assert client.post(f"/admin/services/{dummy_service.id}/edit", data=form).status_code == 409
    db.session.expire_all()
    assert db.session.get(Service, dummy_service.id).parameters[0].limit_max == 20
    ev = db.session.scalar(db.select(AuditEvent).filter_by(entity="services", action="edited"))
    assert ev.after["parameters"][0]["limit_max"] == "20"
    assert ev.before["parameters"][0]["limit_max"] in ("75", "75.000000")


def test_renaming_a_verified_enterprise_sends_it_back_to_the_queue(client, users, login):
    user = login(users[Role.sme])
    ent = user.enterprise
    base = {"legal_representative": ent.legal_representative, "address": "新地址",
            "industry_chain": "textiles_footwear", "size": "small",
            "contact_phone": "0595-1234567"}
    client.post(f"/enterprises/{ent.id}/edit", data={**base, "name": ent.name,
                                                      "version": str(ent.version)})
    db.session.refresh(ent)
    assert ent.status == EnterpriseStatus.verified  # an address change keeps it verified
    client.post(f"/enterprises/{ent.id}/edit", data={**base, "name": "冒名顶替有限公司",
                                                      "version": str(ent.version)})
    db.session.refresh(ent)
    assert ent.status == EnterpriseStatus.pending and ent.name == "冒名顶替有限公司"
    ev = db.session.scalars(db.select(AuditEvent).filter_by(entity="enterprises")
                                .order_by(AuditEvent.id)).all()[-1]
    assert ev.after["status"] == "pending"


def test_a_rejected_registration_can_be_corrected_and_resubmitted(client, login):
    ent = factories.create_enterprise(status=EnterpriseStatus.rejected, status_reason="名称不符")
    user = login(factories.create_user(Role.sme, enterprise=ent))
    client.post(f"/enterprises/{ent.id}/edit", data={
        "name": "更正后的名称", "legal_representative": "张三", "address": "晋江",
        "industry_chain": "other", "size": "micro", "contact_phone": "0595-1234567",
        "version": str(ent.version)})
    db.session.refresh(ent)
    assert ent.status == EnterpriseStatus.pending and user.enterprise_id == ent.id


def test_override_accepts_only_a_failing_check_character(client, users, login):
    login(users[Role.admin])
    data = {"uscc": "<>!!IIOO$$..;;@@AB", "name": "x", "legal_representative": "x",
            "address": "x", "industry_chain": "other", "size": "micro",
            "contact_phone": "0595-1234567", "first_user_email": "x@example.com",
            "override": "y", "override_reason": "试点"}
    assert client.post("/admin/enterprises/new", data=data).status_code == 400
    assert db.session.scalar(db.select(db.func.count()).select_from(Enterprise)) == 1


def test_a_valid_code_with_the_override_ticked_is_not_marked_overridden(client, users, login):
    login(users[Role.admin])
    code = factories.valid_uscc()
    client.post("/admin/enterprises/new", data={
        "uscc": code, "name": "x", "legal_representative": "x", "address": "x",
        "industry_chain": "other", "size": "micro", "contact_phone": "0595-1234567",
        "first_user_email": "x@example.com", "override": "y", "override_reason": "不需要"})
    assert db.session.scalar(db.select(Enterprise).filter_by(uscc=code)).uscc_override is False


def test_spellings_of_one_mobile_number_share_one_login_limit(app_factory):
    app = app_factory(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute", PROXY_HOPS=1)
    client = app.test_client()
    codes = []
    for i, login in enumerate(["13800000001", "138-0000-0001", "+86 138 0000 0001",
                               "1 3 8 0 0 0 0 0 0 0 1"]):
        # From a different address each time: only the per-account limit can stop it.
        codes.append(client.post("/login", data={"login": login, "password": "x"},
                                 headers={"X-Forwarded-For": f"10.0.0.{i}"}).status_code)
    assert codes == [400, 400, 400, 429]


def test_behind_a_proxy_each_client_has_its_own_limit(app_factory):
    app = app_factory(RATELIMIT_ENABLED=True, LOGIN_IP_RATE_LIMIT="2 per minute", PROXY_HOPS=1)
    client = app.test_client()
    for i in range(2):
        client.post("/login", data={"login": f"a{i}@example.com", "password": "x"},
                    headers={"X-Forwarded-For": "10.0.0.1"})
    blocked = client.post("/login", data={"login": "z@example.com", "password": "x"},
                          headers={"X-Forwarded-For": "10.0.0.1"})
    other = client.post("/login", data={"login": "y@example.com", "password": "x"},
                        headers={"X-Forwarded-For": "10.0.0.2"})
    assert (blocked.status_code, other.status_code) == (429, 400)


def test_changing_the_password_signs_out_other_sessions(app, users):
    user = users[Role.sme]
    laptop, phone = app.test_client(), app.test_client()
    for c in (laptop, phone):
        c.post("/login", data={"login": user.email, "password": factories.PASSWORD,
                               "remember": "y"})
    laptop.post("/account/password", data={"current": factories.PASSWORD,
                                           "password": "brand-new-2026",
                                           "confirm": "brand-new-2026"})
    assert laptop.get("/account").status_code == 200  # the session that changed it stays
    assert phone.get("/account").status_code == 302   # the other one is signed out


def test_signing_in_does_not_make_an_admins_open_edit_stale(client, users, login, app):
    staff = users[Role.lab_staff]
    version = staff.version
    other = app.test_client()
    other.post("/login", data={"login": staff.email, "password": factories.PASSWORD})
    db.session.refresh(staff)
    assert staff.version == version and staff.last_login_at is not None


def test_closed_labs_are_not_offered_in_the_catalogue(client, app):
    open_lab = factories.create_lab(code="OPEN1")
    closed = factories.create_lab(code="SHUT1", is_active=False)
    service = factories.create_service(labs=[open_lab, closed])
    service.capabilities[1].price_cents = 100
    db.session.commit()
    page = client.get("/services").get_data(as_text=True)
    assert "OPEN1" in page and "SHUT1" not in page
    assert "¥1.00" not in page


def test_a_duplicate_saved_at_the_same_moment_is_a_409_not_a_500(app_factory):
    app = app_factory()

    @app.route("/race")
    def race():  # stands for two admins saving the same lab code at once
        db.session.add_all([Lab(code="SAME", name_zh="甲", name_en="A", address="x"),
                            Lab(code="SAME", name_zh="乙", name_en="B", address="x")])
        db.session.commit()

    resp = app.test_client().get("/race")
    assert resp.status_code == 409


def test_nul_bytes_are_refused_before_any_query(client, app):
    assert client.get("/services?q=%00").status_code == 400
    resp = client.post("/signup/citizen", data={"name": "a\x00b", "phone": "13800001234",
                                                "password": "market-2026",
                                                "confirm": "market-2026"})
    assert resp.status_code == 400
    from blueprints.auth.models import User
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0
