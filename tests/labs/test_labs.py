"""Labs, their scope, and the admin's staff accounts."""
from blueprints.audit.models import AuditEvent
from blueprints.auth.models import User
from blueprints.catalogue.models import Capability
from blueprints.labs.models import Lab
from core.roles import Role
from extensions import db
from tests import factories


def lab_form(**changes):
    data = {"code": "jqi", "name_zh": "晋江市质量计量检测所", "name_en": "Jinjiang Quality Institute",
            "cma_number": "231312050999", "cnas_number": "cnas l0999",
            "address": "福建省晋江市青阳街道", "phone": "0595-85611111",
            "opening_hours": "周一至周五 8:30–17:30", "daily_capacity": "30", "is_active": "y"}
    data.update(changes)
    return data


def test_admin_creates_a_lab_and_adds_a_capability(client, users, login, dummy_service):
    login(users[Role.admin])
    assert client.post("/admin/labs/new", data=lab_form()).status_code == 302
    lab = db.session.scalar(db.select(Lab).filter_by(code="JQI"))
    assert lab.cnas_number == "CNAS L0999"
    resp = client.post(f"/admin/labs/{lab.id}/capabilities/new", data={
        "service_id": str(dummy_service.id), "price": "99.90", "turnaround_days": "3",
        "daily_capacity": "12", "cma_accredited": "y", "is_active": "y"})
    assert resp.status_code == 302
    cap = db.session.scalar(db.select(Capability).filter_by(lab_id=lab.id))
    assert (cap.price_cents, cap.turnaround_days, cap.cma_accredited, cap.cnas_accredited) == \
        (9990, 3, True, False)
    page = client.get(f"/services/{dummy_service.code}").get_data(as_text=True)
    assert "晋江市质量计量检测所" in page and "¥99.90" in page
    actions = [e.action for e in db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.entity.in_(["labs", "capabilities"]))
        .order_by(AuditEvent.id))]
    assert actions == ["created", "created"]


def test_lab_form_rejects_bad_accreditation_numbers(client, users, login):
    login(users[Role.admin])
    resp = client.post("/admin/labs/new", data=lab_form(cma_number="12345", cnas_number="L12"))
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert 'value="晋江市质量计量检测所"' in page
    assert page.count('class="error"') == 2
    assert db.session.scalar(db.select(Lab).filter_by(code="JQI")) is None


def test_duplicate_lab_code_is_refused(client, users, login, dummy_lab):
    login(users[Role.admin])
    resp = client.post("/admin/labs/new", data=lab_form(code=dummy_lab.code))
    assert resp.status_code == 400
    assert len(db.session.scalars(db.select(Lab).filter_by(code=dummy_lab.code)).all()) == 1
    assert db.session.scalar(db.select(Lab).filter_by(name_en="Jinjiang Quality Institute")) is None


def test_a_service_cannot_be_added_twice_to_one_lab(client, users, login, dummy_lab, dummy_service):
    login(users[Role.admin])
    resp = client.post(f"/admin/labs/{dummy_lab.id}/capabilities/new", data={
        "service_id": str(dummy_service.id), "price": "1", "turnaround_days": "3",
        "daily_capacity": "12"})
    assert resp.status_code == 400  # not a valid choice any more
    assert len(db.session.scalars(db.select(Capability)).all()) == 1


def test_capability_of_another_lab_is_not_found(client, users, login, dummy_service):
    other = factories.create_lab()
    cap = dummy_service.capabilities[0]
    login(users[Role.admin])
    assert client.get(f"/admin/labs/{other.id}/capabilities/{cap.id}").status_code == 404


def test_public_lab_page_lists_its_scope(client, dummy_lab, dummy_service):
    page = client.get(f"/labs/{dummy_lab.code.lower()}").get_data(as_text=True)
    assert dummy_lab.name_zh in page and dummy_service.method_standard in page
    assert client.get("/labs/NOPE").status_code == 404


def test_admin_creates_a_lab_staff_account_bound_to_a_lab(client, users, login, dummy_lab):
    login(users[Role.admin])
    resp = client.post("/admin/users/new", data={
        "name": "郑工", "email": "Zheng@Lab.example", "role": "lab_staff", "lab_id": "0",
        "password": "analyst-2026", "active": "y"})
    assert resp.status_code == 400  # lab staff must belong to a lab
    resp = client.post("/admin/users/new", data={
        "name": "郑工", "email": "Zheng@Lab.example", "role": "lab_staff",
        "lab_id": str(dummy_lab.id), "password": "analyst-2026", "active": "y"})
    assert resp.status_code == 302
    staff = db.session.scalar(db.select(User).filter_by(email="zheng@lab.example"))
    assert staff.role == Role.lab_staff and staff.lab_id == dummy_lab.id
    client.post("/logout")
    client.post("/login", data={"login": "zheng@lab.example", "password": "analyst-2026"})
    assert dummy_lab.name_zh in client.get("/lab").get_data(as_text=True)


def test_admin_cannot_edit_enterprise_or_citizen_accounts_here(client, users, login):
    login(users[Role.admin])
    assert client.get(f"/admin/users/{users[Role.sme].id}/edit").status_code == 404
    assert client.get(f"/admin/users/{users[Role.citizen].id}/edit").status_code == 404


def test_admin_cannot_lock_themselves_out(client, users, login):
    admin = login(users[Role.admin])
    client.post(f"/admin/users/{admin.id}/edit", data={
        "name": admin.name, "email": admin.email, "role": "lab_staff", "lab_id": "0",
        "active": "y", "version": str(admin.version)})
    db.session.refresh(admin)
    assert admin.role == Role.admin


def test_users_page_runs_a_fixed_number_of_queries(client, users, login, count_queries, dummy_lab):
    login(users[Role.admin])
    for _ in range(12):
        factories.create_user(Role.lab_staff, lab=dummy_lab)
        factories.create_user(Role.sme)
    with count_queries() as few:  # a full first page, so the total is counted
        client.get("/admin/users")
    for _ in range(12):
        factories.create_user(Role.lab_staff, lab=dummy_lab)
        factories.create_user(Role.sme)
    with count_queries() as many:
        client.get("/admin/users")
    assert few.count == many.count
