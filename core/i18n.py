"""Language choice and bilingual database content."""
from contextlib import contextmanager
from urllib.parse import urlsplit

import flask_babel
from flask import current_app, g, has_app_context, request, session
from flask_babel import LazyString, get_locale
from flask_login import current_user


def select_locale() -> str:
    """The language the visitor picked, else their saved preference, else Chinese
    (the desk's default whatever the browser asks for)."""
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    return str(get_locale() or "zh")[:2]


def localized(obj, field: str) -> str:
    """obj.<field>_zh or obj.<field>_en for the page's language, falling back to
    the other when one is empty."""
    first, second = ("en", "zh") if current_language() == "en" else ("zh", "en")
    return getattr(obj, f"{field}_{first}", "") or getattr(obj, f"{field}_{second}", "") or ""


def safe_next(target: str | None, default: str) -> str:
    """Only follow a path on this site: no scheme, no host, and none of the
    characters (control characters, backslashes) browsers quietly drop or turn
    into slashes, which would make "/\t/evil.example" a link off-site."""
    if not target or not target.startswith("/") or "\\" in target:
        return default
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//"):
        return default
    return target


def referrer_path() -> str | None:
    ref = request.referrer or ""
    host = request.host_url
    return "/" + ref[len(host):] if ref.startswith(host) else None


# Flask-Babel looks the locale and catalogue up again for every text (about 35 µs
# each, measured); a page has a hundred texts. These read the catalogue once per
# request and are otherwise the same functions.
def _translations():
    if not has_app_context():
        return flask_babel.get_translations()
    translations = g.get("_qidesk_translations")
    if translations is None:
        translations = g._qidesk_translations = flask_babel.get_translations()
    return translations


def gettext(string: str, **variables) -> str:
    text = _translations().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    return _translations().ungettext(singular, plural, num) % variables


def lazy_gettext(string: str, **variables) -> LazyString:
    return LazyString(gettext, string, **variables)


def install_template_gettext(app) -> None:
    app.jinja_env.install_gettext_callables(gettext=gettext, ngettext=ngettext, newstyle=True)


@contextmanager
def in_language(locale: str | None):
    """Translate in `locale` for a while (an e-mail to someone whose language is not
    the page's), then go back."""
    saved = g.pop("_qidesk_translations", None) if has_app_context() else None
    try:
        with flask_babel.force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
            yield
    finally:
        if has_app_context():
            g.pop("_qidesk_translations", None)
            if saved is not None:
                g._qidesk_translations = saved
