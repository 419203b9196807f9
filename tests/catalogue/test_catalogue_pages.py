"""The public catalogue and the admin's editing of services."""
from decimal import Decimal

from blueprints.audit.models import AuditEvent
from blueprints.catalogue.kinds import IndustryChain, LimitKind, ServiceKind
from blueprints.catalogue.models import Capability, Service
from blueprints.service_requests.models import Result
from core.roles import Role
from extensions import db
from tests import factories


def test_browse_by_kind_chain_and_keyword(client, app, dummy_lab):
    fabric = factories.create_service(labs=[dummy_lab], name_zh="织物拉伸断裂强力",
                                      name_en="Fabric tensile strength",
                                      method_standard="GB/T 3923.1-2013")
    tiles = factories.create_service(labs=[dummy_lab], name_zh="陶瓷砖吸水率",
                                     name_en="Water absorption of ceramic tiles",
                                     method_standard="GB/T 3810.3-2016",
                                     chains=(IndustryChain.building_ceramics,))
    scale = factories.create_service(labs=[dummy_lab], kind=ServiceKind.verification,
                                     name_zh="数字指示秤检定", name_en="Verification of scales",
                                     method_standard="JJG 539-2016", price_cents=0,
                                     chains=(IndustryChain.other, IndustryChain.leisure_food))

    def shown(**args):
        page = client.get("/services", query_string=args).get_data(as_text=True)
        return {s.code for s in (fabric, tiles, scale) if f"/services/{s.code}\"" in page}

    assert shown() == {fabric.code, tiles.code, scale.code}
    assert shown(kind="verification") == {scale.code}
    assert shown(chain="building_ceramics") == {tiles.code}
    assert shown(chain="leisure_food") == {scale.code}
    assert shown(q="3923.1") == {fabric.code}
    assert shown(q="吸水率") == {tiles.code}
    assert shown(q="tensile") == {fabric.code}
    assert shown(q="GB/T", chain="textiles_footwear") == {fabric.code}
    assert shown(kind="no-such-kind") == {fabric.code, tiles.code, scale.code}
    assert "免费" in client.get("/services", query_string={"kind": "verification"}).get_data(as_text=True)


def test_inactive_services_are_hidden_from_the_public(client, app, dummy_lab):
    hidden = factories.create_service(labs=[dummy_lab], is_active=False)
    assert f"/services/{hidden.code}\"" not in client.get("/services").get_data(as_text=True)
    assert client.get(f"/services/{hidden.code}").status_code == 404


def test_service_page_shows_parameters_and_the_labs_offering_it(client, app, dummy_lab):
    second = factories.create_lab(name_zh="晋江鞋材检测室")
    service = factories.create_service(labs=[dummy_lab, second])
    page = client.get(f"/services/{service.code}").get_data(as_text=True)
    assert service.method_standard in page
    assert "≤ 75 mg/kg" in page
    assert dummy_lab.name_zh in page and "晋江鞋材检测室" in page
    assert client.get("/services/NOPE-1").status_code == 404


def test_catalogue_page_runs_a_fixed_number_of_queries(client, app, dummy_lab, count_queries):
    for _ in range(3):
        factories.create_service(labs=[dummy_lab, factories.create_lab()])
    with count_queries() as few:
        assert client.get("/services").status_code == 200
    for _ in range(15):
        factories.create_service(labs=[dummy_lab, factories.create_lab()])
    with count_queries() as many:
        assert client.get("/services").status_code == 200
    assert few.count == many.count <= 6


def test_labs_page_runs_a_fixed_number_of_queries(client, app, count_queries):
    factories.create_service(labs=[factories.create_lab()])
    with count_queries() as few:
        client.get("/labs")
    for _ in range(10):
        factories.create_service(labs=[factories.create_lab(), factories.create_lab()])
    with count_queries() as many:
        client.get("/labs")
    assert few.count == many.count


def service_form(**changes):
    data = {"code": "tx-900", "kind": "testing", "name_zh": "耐汗渍色牢度",
            "name_en": "Colour fastness to perspiration", "method_standard": "GB/T 3922-2013",
            "industries": ["textiles_footwear"], "price": "180.50", "turnaround_days": "5",
            "is_active": "y",
            "parameters-0-name_zh": "变色", "parameters-0-name_en": "Colour change",
            "parameters-0-unit": "级", "parameters-0-limit_kind": "min",
            "parameters-0-limit_min": "3",
            "parameters-1-name_zh": "", "parameters-1-name_en": "",
            "parameters-1-limit_kind": "none"}
    data.update(changes)
    return data


def test_admin_creates_and_edits_a_service(client, users, login):
    login(users[Role.admin])
    resp = client.post("/admin/services/new", data=service_form())
    assert resp.status_code == 302
    service = db.session.scalar(db.select(Service).filter_by(code="TX-900"))
    assert service.price_cents == 18050
    assert [p.name_en for p in service.parameters] == ["Colour change"]
    assert service.parameters[0].limit_kind == LimitKind.min
    assert service.chains == [IndustryChain.textiles_footwear]
    resp = client.post(f"/admin/services/{service.id}/edit", data=service_form(
        version=str(service.version), price="200", industries=["textiles_footwear", "other"],
        **{"parameters-0-grade_scale": "grey",
           "parameters-1-name_zh": "沾色", "parameters-1-name_en": "Staining",
           "parameters-1-limit_kind": "min", "parameters-1-limit_min": "3",
           "parameters-1-detection_limit": "0.5"}))
    assert resp.status_code == 302
    db.session.expire_all()
    service = db.session.get(Service, service.id)
    assert service.price_cents == 20000
    assert [p.name_en for p in service.parameters] == ["Colour change", "Staining"]
    # Results of the first are read as grey-scale grades; ND of the second is < 0.5.
    assert [(p.grade_scale, p.detection_limit) for p in service.parameters] == [
        ("grey", None), ("", Decimal("0.5"))]
    refused = client.post(f"/admin/services/{service.id}/edit", data=service_form(
        version=str(service.version), **{"parameters-0-detection_limit": "0",
                                         "parameters-0-grade_scale": "rainbow"}))
    assert refused.status_code == 400
    assert "检出限应大于零" in refused.get_data(as_text=True)
    events = db.session.scalars(db.select(AuditEvent).filter_by(entity="services")
                                .order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["created", "edited"]
    assert events[1].before["price_cents"] == 18050 and events[1].after["price_cents"] == 20000


def test_service_form_errors_keep_input_and_store_nothing(client, users, login):
    login(users[Role.admin])
    resp = client.post("/admin/services/new", data=service_form(
        price="abc", industries=[], **{"parameters-0-limit_kind": "range",
                                       "parameters-0-limit_min": "5",
                                       "parameters-0-limit_max": "1"}))
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert 'value="耐汗渍色牢度"' in page
    assert page.count('class="error"') >= 3
    assert db.session.scalar(db.select(db.func.count()).select_from(Service)) == 0


def test_stale_service_edit_is_refused(client, users, login, dummy_service):
    login(users[Role.admin])
    old_version = str(dummy_service.version)
    client.post(f"/admin/services/{dummy_service.id}/edit",
                data=service_form(code=dummy_service.code, version=old_version, price="1"))
    client.post(f"/admin/services/{dummy_service.id}/edit",
                data=service_form(code=dummy_service.code, version=old_version, price="2"))
    db.session.expire_all()
    assert db.session.get(Service, dummy_service.id).price_cents == 100


def test_limits_keep_every_digit_and_read_plainly(client, users, login):
    from decimal import Decimal
    login(users[Role.admin])
    client.post("/admin/services/new", data=service_form(**{
        "parameters-0-limit_kind": "max", "parameters-0-limit_max": "0.025",
        "parameters-0-unit": "mg/kg", "parameters-1-name_zh": "铅", "parameters-1-name_en": "Lead",
        "parameters-1-unit": "mg/kg", "parameters-1-limit_kind": "max",
        "parameters-1-limit_max": "20"}))
    service = db.session.scalar(db.select(Service).filter_by(code="TX-900"))
    assert service.parameters[0].limit_max == Decimal("0.025")
    edit_page = client.get(f"/admin/services/{service.id}/edit").get_data(as_text=True)
    assert 'value="0.025"' in edit_page
    page = client.get("/services/TX-900").get_data(as_text=True)
    assert "≤ 0.025 mg/kg" in page and "≤ 20 mg/kg" in page


def test_a_service_in_use_is_edited_but_what_results_were_judged_by_stays(
        client, users, login):
    lab = factories.create_lab()
    login(users[Role.admin])
    client.post("/admin/services/new", data=service_form(**{
        "parameters-1-name_zh": "沾色", "parameters-1-name_en": "Staining",
        "parameters-1-unit": "级", "parameters-1-limit_kind": "min",
        "parameters-1-limit_min": "3"}))
    service = db.session.scalar(db.select(Service).filter_by(code="TX-900"))
    service.capabilities.append(Capability(lab=lab, price_cents=18050, turnaround_days=5))
    db.session.commit()
    # A report was approved with a result for the first parameter.
    factories.create_approved_part(lab, service, users[Role.sme],
                                   factories.create_user(Role.lab_manager, lab=lab),
                                   values=("4",))
    colour, staining = service.parameters
    login(users[Role.admin])
    form = client.get(f"/admin/services/{service.id}/edit").get_data(as_text=True)
    assert f'name="parameters-0-parameter_id" type="hidden" value="{colour.id}"' in form

    def edit(**changes):
        db.session.expire_all()
        current = db.session.get(Service, service.id)
        return client.post(f"/admin/services/{service.id}/edit", data=service_form(
            version=str(current.version), **{
                "parameters-0-parameter_id": str(colour.id),
                "parameters-1-parameter_id": str(staining.id),
                "parameters-1-name_zh": "沾色", "parameters-1-name_en": "Staining",
                "parameters-1-unit": "级", "parameters-1-limit_kind": "min",
                "parameters-1-limit_min": "3", **changes}))

    # Price, names and the unused parameter change freely: saved.
    resp = edit(price="220", **{"parameters-0-name_en": "Change in colour",
                                "parameters-1-limit_min": "4"})
    assert resp.status_code == 302, resp.get_data(as_text=True)
    db.session.expire_all()
    service = db.session.get(Service, service.id)
    assert service.price_cents == 22000
    assert [(p.id, p.name_en, p.limit_min) for p in service.parameters] == [
        (colour.id, "Change in colour", 3), (staining.id, "Staining", 4)]
    # What the recorded result was judged by is refused, with the reason; nothing saved.
    resp = edit(price="250", **{"parameters-0-limit_min": "4", "parameters-0-unit": ""})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "已有检测结果" in page
    assert "单位" in page and "下限" in page
    db.session.expire_all()
    assert db.session.get(Service, service.id).price_cents == 22000
    # Nor is it removed; the unused one is.
    resp = edit(**{"parameters-0-name_zh": "", "parameters-0-name_en": ""})
    assert resp.status_code == 400 and "无法删除" in resp.get_data(as_text=True)
    resp = edit(**{"parameters-1-name_zh": "", "parameters-1-name_en": ""})
    assert resp.status_code == 302
    db.session.expire_all()
    assert [p.id for p in db.session.get(Service, service.id).parameters] == [colour.id]
    assert db.session.scalar(db.select(db.func.count()).select_from(Result)) == 1
