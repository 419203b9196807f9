"""The browser's protections, from one place: headers on every response, cookies that
are Secure whenever the desk's public address is HTTPS, and only the desk's own host
names answered (a forged Host or X-Forwarded-Host gets a 400, and links never come from
it anyway: core/links.py)."""
from urllib.parse import urlsplit

from flask import current_app, request
from flask_login import current_user
from werkzeug.exceptions import BadRequest, SecurityError
from werkzeug.wsgi import get_host

# No inline script anywhere (behaviour lives in static/js); styles may be inline (the
# calendar widget injects its own). Nothing may frame the desk.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",  # the calendar widget's icon font is inlined
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
# What the desk never uses, turned off for every page.
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "autoplay", "camera", "display-capture", "geolocation", "gyroscope",
    "magnetometer", "microphone", "midi", "payment", "usb", "xr-spatial-tracking"))
HSTS = "max-age=31536000; includeSubDomains"
# Responses that are private without a sign-in: feeds opened by their secret address.
PRIVATE_ENDPOINTS = frozenset({"scheduling.lab_feed", "scheduling.my_feed"})


def configure(app) -> None:
    """Cookie flags and trusted host names from the public address; the header hook."""
    public = urlsplit(app.config["PUBLIC_URL"])
    https = public.scheme == "https"
    if app.config.get("SESSION_COOKIE_SECURE") is None:
        app.config["SESSION_COOKIE_SECURE"] = https
    if app.config.get("REMEMBER_COOKIE_SECURE") is None:
        app.config["REMEMBER_COOKIE_SECURE"] = app.config["SESSION_COOKIE_SECURE"]
    app.config["HSTS"] = https
    extra = app.config.get("ALLOWED_HOSTS") or ()
    if isinstance(extra, str):  # QIDESK_ALLOWED_HOSTS=a.example,b.example
        extra = [h.strip() for h in extra.split(",") if h.strip()]
    # Checked before Flask sees the request (after ProxyFix has applied any
    # X-Forwarded-Host), so no page, error page or link is ever built for another host.
    app.wsgi_app = KnownHostsOnly(app.wsgi_app, [public.hostname, *extra])
    app.after_request(protect)


class KnownHostsOnly:
    """WSGI middleware: a request for a host name the desk does not serve gets a plain
    400 before the application runs."""

    def __init__(self, wsgi_app, hosts: list[str]):
        self.wsgi_app = wsgi_app
        self.hosts = hosts

    def __call__(self, environ, start_response):
        try:
            get_host(environ, trusted_hosts=self.hosts)
        except SecurityError:
            response = BadRequest("This desk does not answer for that host name.")
            return response.get_response(environ)(environ, start_response)
        return self.wsgi_app(environ, start_response)


def protect(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if current_app.config.get("HSTS") and request.is_secure:
        headers.setdefault("Strict-Transport-Security", HSTS)
    if request.endpoint != "static" and (
            request.endpoint in PRIVATE_ENDPOINTS or current_user.is_authenticated):
        # A shared computer's browser, or a proxy, keeps nothing of a signed-in page.
        headers["Cache-Control"] = "private, no-store"
        headers.add("Vary", "Cookie")
    return response
