"""Sign up, sign in, sign out, passwords, rate limits and CSRF."""
from blueprints.audit.models import AuditEvent
from blueprints.auth.models import User
from core.roles import Role
from extensions import db
from tests import factories


def test_citizen_signs_up_with_a_mobile_number(client):
    resp = client.post("/signup/citizen", data={
        "name": "蔡阿姨", "phone": "138 0000 1234", "password": "market-2026", "confirm": "market-2026"})
    assert resp.status_code == 302
    user = db.session.scalar(db.select(User).filter_by(phone="13800001234"))
    assert user.role == Role.citizen and user.enterprise_id is None
    assert user.password_hash.startswith("scrypt:")  # a modern, memory-hard KDF
    assert client.get("/account").status_code == 200


def test_citizen_signup_errors_keep_what_was_typed(client):
    resp = client.post("/signup/citizen", data={
        "name": "蔡阿姨", "phone": "12345", "password": "short", "confirm": "other"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert 'value="蔡阿姨"' in page and 'value="12345"' in page
    assert 'aria-invalid="true"' in page
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0


def test_a_field_is_described_only_by_what_applies_to_it(client):
    """Screen readers are pointed at the field's error only when it has one: no
    aria-invalid="None" or aria-describedby="None" on a fresh form."""
    fresh = client.get("/signup/citizen").get_data(as_text=True)
    assert '="None"' not in fresh and "aria-invalid" not in fresh
    wrong = client.post("/signup/citizen", data={"name": "蔡阿姨", "phone": "12345",
                                                 "password": "short", "confirm": "other"})
    page = wrong.get_data(as_text=True)
    assert '="None"' not in page
    assert 'aria-describedby="phone-error"' in page and 'id="phone-error"' in page


def test_duplicate_mobile_number_is_refused(client, app):
    factories.create_user(Role.citizen, phone="13900000000")
    resp = client.post("/signup/citizen", data={
        "name": "x", "phone": "13900000000", "password": "market-2026", "confirm": "market-2026"})
    assert resp.status_code == 400
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 1


def test_login_with_email_and_with_phone(client, users):
    for user in (users[Role.sme], users[Role.citizen]):
        client.post("/logout")
        resp = client.post("/login", data={"login": user.login_name, "password": factories.PASSWORD})
        assert resp.status_code == 302
    assert client.get("/account").status_code == 200


def test_wrong_password_says_nothing_about_which_part_was_wrong(client, users):
    wrong_pw = client.post("/login", data={"login": users[Role.sme].email, "password": "nope-nope-1"})
    no_user = client.post("/login", data={"login": "nobody@example.com", "password": "nope-nope-1"})
    assert wrong_pw.status_code == no_user.status_code == 400
    strip = lambda r: r.get_data(as_text=True).replace(users[Role.sme].email, "").replace("nobody@example.com", "")  # noqa: E731
    assert strip(wrong_pw) == strip(no_user)
    assert client.get("/account").status_code == 302  # still signed out


def test_disabled_account_cannot_sign_in(client, app):
    user = factories.create_user(Role.lab_staff, active=False)
    resp = client.post("/login", data={"login": user.email, "password": factories.PASSWORD})
    assert resp.status_code == 400
    assert client.get("/account").status_code == 302


def test_login_follows_only_local_next(client, users):
    user = users[Role.sme]
    resp = client.post("/login?next=https://evil.example/", data={
        "login": user.email, "password": factories.PASSWORD})
    assert "evil" not in resp.headers["Location"]


def test_logout_needs_post(client, users, login):
    login(users[Role.sme])
    assert client.get("/logout").status_code == 405
    client.post("/logout")
    assert client.get("/account").status_code == 302


def test_change_password(client, users, login):
    user = login(users[Role.sme])
    resp = client.post("/account/password", data={
        "current": "wrong-one-1", "password": "brand-new-2026", "confirm": "brand-new-2026"})
    assert resp.status_code == 400  # refused: current password wrong
    resp = client.post("/account/password", data={
        "current": factories.PASSWORD, "password": "brand-new-2026", "confirm": "brand-new-2026"})
    assert resp.status_code == 302
    db.session.refresh(user)
    assert user.check_password("brand-new-2026")
    assert db.session.scalar(db.select(AuditEvent).filter_by(action="password_changed"))


def test_login_attempts_are_rate_limited(app_factory):
    app = app_factory(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute",
                      LOGIN_IP_RATE_LIMIT="3 per minute")
    client = app.test_client()
    codes = [client.post("/login", data={"login": "a@example.com", "password": "x"}).status_code
             for _ in range(4)]
    assert codes == [400, 400, 400, 429]
    # The per-address limit applies whichever account is tried next.
    assert client.post("/login", data={"login": "b@example.com", "password": "x"}).status_code == 429
    assert client.get("/login").status_code == 200  # only POSTs count


def test_form_post_without_csrf_token_is_refused(app_factory):
    app = app_factory(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    resp = client.post("/signup/citizen", data={
        "name": "x", "phone": "13800001234", "password": "market-2026", "confirm": "market-2026"})
    assert resp.status_code == 400
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0


def test_form_post_with_csrf_token_works(app_factory):
    import re
    app = app_factory(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    page = client.get("/signup/citizen").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    resp = client.post("/signup/citizen", data={
        "csrf_token": token, "name": "x", "phone": "13800001234",
        "password": "market-2026", "confirm": "market-2026"})
    assert resp.status_code == 302
