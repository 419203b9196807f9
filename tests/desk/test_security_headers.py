"""The browser's protections on every kind of response (page, signed-in page, PDF,
attachment, feed, error page, redirect, static file); Secure cookies and HSTS with an
HTTPS public address; only the desk's own host names answered, so a forged Host or
X-Forwarded-Host never reaches a mailed link."""
import io
import re

import pytest

from blueprints.certificates.models import Certificate
from blueprints.notifications.mail import OutgoingMail
from core.roles import Role
from core.security import CONTENT_SECURITY_POLICY
from extensions import db
from tests import factories
from tests.conftest import PUBLIC_URL
from tests.journeys import closed_part, make_draft

EVERY_RESPONSE = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def protected(resp) -> None:
    for name, value in EVERY_RESPONSE.items():
        assert resp.headers.get(name) == value, (name, resp.headers.get(name))
    assert "camera=()" in resp.headers["Permissions-Policy"]
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY.split("script-src")[1].split(";")[0]


def private(resp) -> None:
    assert resp.headers["Cache-Control"] == "private, no-store"


def test_every_kind_of_response_carries_the_headers(client, users, login, two_labs):
    public = {"/": 200, "/services": 200, "/nowhere": 404, "/requests": 302,
              "/static/js/desk.js": 200}
    for url, status in public.items():
        resp = client.get(url)
        assert resp.status_code == status, url
        protected(resp)
        assert resp.headers.get("Cache-Control") != "private, no-store" or url == "/requests"
        resp.close()
    _req, sub = closed_part(client, login, users, two_labs)
    cert = db.session.scalar(db.select(Certificate).filter_by(sub_request_id=sub.id))
    login(users[Role.sme])
    req = make_draft(client, two_labs["fabric"])
    client.post(f"/requests/{req.id}/attachments",
                data={"file": (io.BytesIO(b"%PDF-1.4 x"), "scan.pdf")},
                content_type="multipart/form-data")
    db.session.refresh(req)
    attachment = req.attachments[0]
    signed_in = [f"/requests/{req.id}", f"/certificates/{cert.id}.pdf",
                 f"/requests/{req.id}/attachments/{attachment.id}"]
    for url in signed_in:
        with client.get(url) as resp:
            assert resp.status_code == 200, url
            protected(resp)
            private(resp)
    login(two_labs["ftc_manager"])
    client.post("/lab/feeds", data={"feed": "lab"})
    page = client.get("/lab/resources").get_data(as_text=True)
    feed = re.search(r"/feeds/lab/[\w-]+\.ics", page)
    client.post("/logout")
    with client.get(feed.group(0)) as resp:     # no sign-in: its address is the key
        assert resp.status_code == 200
        protected(resp)
        private(resp)


def test_hsts_and_secure_cookies_follow_an_https_public_address(app_factory, users):
    secure = app_factory(PUBLIC_URL="https://qidesk.jinjiang.example")
    client = secure.test_client()
    with secure.app_context():
        user = factories.create_user(Role.sme)
        name = user.login_name
    resp = client.post("/login", data={"login": name, "password": factories.PASSWORD,
                                       "remember": "y"}, base_url="https://desk.test")
    assert resp.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    cookies = resp.headers.getlist("Set-Cookie")
    assert cookies and all("Secure" in c for c in cookies)
    assert "Strict-Transport-Security" not in client.get("/").headers  # plain http: none
    local = app_factory(PUBLIC_URL="http://127.0.0.1:5000")
    with local.app_context():
        name = factories.create_user(Role.sme).login_name
    resp = local.test_client().post("/login", data={"login": name,
                                                     "password": factories.PASSWORD})
    assert all("Secure" not in c for c in resp.headers.getlist("Set-Cookie"))


@pytest.mark.parametrize("headers", [{"Host": "evil.example"},
                                     {"Host": "desk.test.evil.example"}])
def test_a_forged_host_is_refused(client, headers):
    assert client.get("/", headers=headers).status_code == 400


def test_a_forged_forwarded_host_never_reaches_a_mailed_link(app_factory):
    behind_proxy = app_factory(PROXY_HOPS=1)
    client = behind_proxy.test_client()
    with behind_proxy.app_context():
        user = factories.create_user(Role.sme)
        email = user.email
    forged = client.post("/forgot", data={"email": email},
                         headers={"X-Forwarded-Host": "evil.example"})
    assert forged.status_code == 400
    honest = client.post("/forgot", data={"email": email},
                         headers={"Host": "evil.example"})
    assert honest.status_code == 400
    client.post("/forgot", data={"email": email})
    with behind_proxy.app_context():
        mails = db.session.scalars(db.select(OutgoingMail)).all()
        assert len(mails) == 1
        assert f"{PUBLIC_URL}/reset/" in mails[0].body and "evil" not in mails[0].body
