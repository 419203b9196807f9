"""Sign-ins live on the server: signing out ends one, so a session cookie or a
remember-me cookie copied before is refused after; "sign out everywhere else" and a new
password end the others; sign-ups and registrations are rate limited per address."""
import io
import re

from blueprints.auth.models import SignIn, User
from blueprints.enterprises.models import Enterprise
from blueprints.notifications.mail import OutgoingMail
from core.roles import Role
from extensions import db
from tests import factories
from tests.enterprises.test_enterprises import registration


def signed_in(app, user, remember=False):
    client = app.test_client()
    resp = client.post("/login", data={"login": user.login_name,
                                       "password": factories.PASSWORD,
                                       **({"remember": "y"} if remember else {})})
    assert resp.status_code == 302
    return client


def cookies(client) -> dict:
    return {c.key: c.value for c in client._cookies.values()}


def with_cookies(app, values: dict):
    thief = app.test_client()
    for name, value in values.items():
        thief.set_cookie(name, value, domain="desk.test")
    return thief


def test_a_session_cookie_copied_before_sign_out_is_refused_after(app, users):
    user = users[Role.sme]
    client = signed_in(app, user)
    stolen = cookies(client)
    assert with_cookies(app, stolen).get("/account").status_code == 200   # it worked
    client.post("/logout")
    assert with_cookies(app, stolen).get("/account").status_code == 302   # not any more
    assert db.session.scalars(db.select(SignIn)).one().revoked_at is not None


def test_a_remember_me_cookie_copied_before_sign_out_is_refused_after(app, users):
    user = users[Role.sme]
    client = signed_in(app, user, remember=True)
    remember = {k: v for k, v in cookies(client).items() if k == "remember_token"}
    assert remember, cookies(client)
    assert with_cookies(app, remember).get("/account").status_code == 200
    client.post("/logout")
    assert with_cookies(app, remember).get("/account").status_code == 302


def test_sign_out_everywhere_else_keeps_only_this_browser(app, users):
    user = users[Role.sme]
    laptop, phone, office = (signed_in(app, user, remember=True) for _ in range(3))
    page = laptop.get("/account").get_data(as_text=True)
    assert page.count("<li>") >= 3 and "（当前浏览器）" in page
    resp = laptop.post("/account/sign-out-everywhere")
    assert resp.status_code == 302
    assert "已在其他 2 台设备上退出登录" in laptop.get("/account").get_data(as_text=True)
    assert phone.get("/account").status_code == 302
    assert office.get("/account").status_code == 302
    live = db.session.scalars(db.select(SignIn).where(SignIn.revoked_at.is_(None))).all()
    assert len(live) == 1


def test_a_new_password_from_a_reset_link_ends_every_sign_in(app, users):
    user = users[Role.sme]
    phone = signed_in(app, user, remember=True)
    anyone = app.test_client()
    anyone.post("/forgot", data={"email": user.email})
    body = db.session.scalars(db.select(OutgoingMail)).one().body
    path = re.search(r"https://[^/\s]+(/reset/\S+)", body).group(1)
    resp = anyone.post(path, data={"password": "reset-by-link-2026",
                                   "confirm": "reset-by-link-2026"})
    assert resp.status_code == 302
    assert phone.get("/account").status_code == 302


def test_sign_ups_past_the_limit_from_one_address_are_refused(app_factory):
    app = app_factory(RATELIMIT_ENABLED=True)
    client = app.test_client()
    statuses = [client.post("/signup/citizen", data={
        "name": f"摊主{n}", "phone": f"1380000{n:04d}", "password": "market-2026",
        "confirm": "market-2026"}).status_code for n in range(7)]
    assert statuses[:5] == [302] * 5 and statuses[5:] == [429, 429]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 5
    # Registering enterprises from that address is limited the same way.
    other = app_factory(RATELIMIT_ENABLED=True).test_client()
    codes = [factories.valid_uscc(9000 + n) for n in range(7)]
    statuses = []
    for n, code in enumerate(codes):
        other.post("/logout")
        data = registration(uscc=code, email=f"boss{n}@example.com", name=f"企业{n}")
        data["licence"] = (io.BytesIO(factories.licence_png()), "营业执照.png")
        statuses.append(other.post("/enterprises/register", data=data).status_code)
    assert statuses[5:] == [429, 429] and set(statuses[:5]) == {302}
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Enterprise)) == 5
