"""Every form on every person's pages, sent with each field in turn replaced by hostile
input: empty, very long, NUL and other control characters, full-width and emoji text,
huge, negative, NaN and infinite numbers, markup, a file instead of text, and the
field twice. The desk never answers 500, a refused post (4xx) changes nothing in the
database, and nothing typed comes back as live markup."""
import hashlib
import io
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from sqlalchemy import select

from extensions import db
from tests.every_page import every_persons_pages

HOSTILE = ["", " ", "x" * 30_000, "a\x00b", "\x1b[31mred", "bell\x07", "ＡＢＣ１２３　全角：",
           "😀🚀 emoji", "-1", "0", "1e309", "NaN", "Infinity", "-Infinity",
           "99999999999999999999999999", "<script>alert('xss')</script>", "1,5", "２０２６－１２－０３"]
MARKUP = "<script>alert('xss')</script>"
# Posts that end the walker's own session, or clear what the later forms need.
SKIPPED_ACTIONS = ("/logout", "/account/sign-out-everywhere", "/delete", "/withdraw")
EXTRA_PAGES = {
    "sme": ["/account/password", "/account/notifications", "/enterprises/mine"],
    "vendor": ["/scales/verify", "/account/password"],
    "lab-manager": ["/lab/resources/new", "/calendar-days", "/lab/worklist"],
    "metrology-manager": ["/campaigns/new"],
    "admin": ["/admin/users/new", "/admin/labs/new", "/admin/services/new",
              "/admin/enterprises/new", "/calendar-days"],
    "public": ["/signup/citizen", "/forgot"],
}


class _Forms(HTMLParser):
    """The POST forms of a page: action, enctype and the fields as a browser sends them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action") or "", "method": (a.get("method") or
                                                                      "get").lower(),
                          "fields": []}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind in ("submit", "button", "image", "file"):
                return
            self._form["fields"].append([a["name"], a.get("value", "")])
        elif tag == "select" and a.get("name"):
            self._select = [a["name"], None]
            self._form["fields"].append(self._select)
        elif tag == "option" and self._select is not None:
            if self._select[1] is None or "selected" in a:
                self._select[1] = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]
            self._form["fields"].append(self._textarea)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data


def post_forms(html: str, page_url: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    forms = []
    for form in parser.forms:
        if form["method"] != "post":
            continue
        action = urlsplit(urljoin("http://desk.test" + page_url, form["action"] or page_url))
        target = action.path + (f"?{action.query}" if action.query else "")
        if any(skip in target for skip in SKIPPED_ACTIONS):
            continue
        forms.append({"action": target,
                      "fields": [(n, "" if v is None else v) for n, v in form["fields"]]})
    return forms


def fingerprint() -> dict[str, str]:
    """Each table's rows, hashed."""
    tables = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
        tables[table.name] = hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest()
    return tables


def variants(fields: list[tuple[str, str]]):
    """(what, data, is_multipart) for each field and each hostile value."""
    names = list(dict.fromkeys(n for n, _v in fields))
    for name in names:
        for value in HOSTILE:
            yield name, [(n, value if n == name else v) for n, v in fields], False
        yield name, [(n, v) for n, v in fields if n != name] + [
            (name, (io.BytesIO(b"GIF89a not text"), "x.gif"))], True
        original = next(v for n, v in fields if n == name)
        yield name, fields + [(name, original + "2")], False


def test_every_form_refuses_hostile_input_without_error_or_change(client, login, users,
                                                                   two_labs, metrology):
    pages = every_persons_pages(client, login, users, two_labs, metrology)
    db.session.commit()
    errors, changed, sent, seen = [], [], 0, set()
    for user, who, urls in pages:
        if user is None:
            client.post("/logout")
        else:
            login(user)
        for url in urls + EXTRA_PAGES.get(who, []):
            resp = client.get(url, follow_redirects=True)
            if resp.status_code != 200:
                continue
            db.session.expire_all()
            state = fingerprint()  # signing in and reading pages write their own rows
            for form in post_forms(resp.get_data(as_text=True), url):
                key = (who, form["action"], tuple(n for n, _v in form["fields"]))
                if key in seen or not form["fields"]:
                    continue
                seen.add(key)
                for name, data, multipart in variants(form["fields"]):
                    answer = client.post(
                        form["action"], data=_multidict(data),
                        content_type="multipart/form-data" if multipart else None)
                    sent += 1
                    if answer.status_code >= 500:
                        errors.append((who, form["action"], name, repr(data[-1][1])[:40]))
                    db.session.expire_all()
                    now = fingerprint()
                    if answer.status_code >= 400 and now != state:
                        changed.append((who, form["action"], name, answer.status_code,
                                        sorted(t for t in now if now[t] != state.get(t))))
                    state = now
                    answer.close()
    print(f"hostile posts: {sent} to {len(seen)} forms")
    assert sent > 1000
    assert errors == []
    assert changed == [], changed
    # Nothing typed comes back as live markup on any page.
    for user, _who, urls in pages:
        if user is not None:
            login(user)
        for url in urls:
            assert MARKUP not in client.get(url).get_data(as_text=True), url


def _multidict(pairs):
    from werkzeug.datastructures import MultiDict
    return MultiDict(pairs)
