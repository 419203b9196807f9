"""Each role reaches its own pages and is refused the others'."""
import pytest

from core.roles import Role

PUBLIC = ["/", "/services", "/labs", "/login", "/signup", "/enterprises/register", "/healthz"]
ADMIN_ONLY = ["/admin/", "/admin/enterprises", "/admin/users", "/admin/users/new",
              "/admin/labs", "/admin/labs/new", "/admin/services/new", "/admin/audit",
              "/admin/enterprises/new"]
LAB_ONLY = ["/lab"]
SME_ONLY = ["/enterprises/mine"]
SIGNED_IN = ["/account", "/account/password"]


@pytest.mark.parametrize("url", PUBLIC)
def test_public_pages_need_no_sign_in(client, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", ADMIN_ONLY + LAB_ONLY + SME_ONLY + SIGNED_IN)
def test_private_pages_send_strangers_to_sign_in(client, url):
    resp = client.get(url)
    assert resp.status_code == 302
    assert "/login" in resp.headers["Location"]


ROLE_HOME = {
    Role.admin: ADMIN_ONLY,
    Role.lab_staff: LAB_ONLY,
    Role.lab_manager: LAB_ONLY,
    Role.sme: SME_ONLY,
    Role.citizen: [],
    Role.expert: [],
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_reaches_its_pages_and_is_refused_the_others(client, users, login, role):
    login(users[role])
    own = ROLE_HOME[role] + SIGNED_IN
    for url in own:
        resp = client.get(url)
        assert resp.status_code in (200, 302), (role, url)
        if resp.status_code == 302:  # /enterprises/mine redirects to the profile
            assert client.get(resp.headers["Location"]).status_code == 200
    others = {u for r, urls in ROLE_HOME.items() for u in urls} - set(ROLE_HOME[role])
    for url in sorted(others):
        assert client.get(url).status_code == 403, (role, url)


@pytest.mark.parametrize("role", [Role.sme, Role.citizen, Role.lab_staff, Role.lab_manager])
def test_non_admins_cannot_post_admin_forms(client, users, login, role, dummy_lab):
    login(users[role])
    ent = users[Role.sme].enterprise
    assert client.post(f"/admin/enterprises/{ent.id}/verify").status_code == 403
    assert client.post("/admin/labs/new", data={"code": "HACK"}).status_code == 403
    assert client.post(f"/admin/labs/{dummy_lab.id}/edit", data={"code": "HACK"}).status_code == 403
    assert client.post("/admin/users/new", data={"email": "x@example.com"}).status_code == 403


def test_lab_staff_see_their_own_lab_only(client, users, login, dummy_lab):
    from tests import factories
    other_lab = factories.create_lab(name_zh="别的实验室")
    login(users[Role.lab_staff])
    page = client.get("/lab").get_data(as_text=True)
    assert dummy_lab.name_zh in page
    assert "别的实验室" not in page
    assert other_lab.id != dummy_lab.id


def test_citizen_sees_only_their_own_account(client, users, login):
    from tests import factories
    other = factories.create_user(Role.citizen, name="另一位市民")
    login(users[Role.citizen])
    page = client.get("/account").get_data(as_text=True)
    assert users[Role.citizen].name in page and "另一位市民" not in page
    assert other.phone not in page
