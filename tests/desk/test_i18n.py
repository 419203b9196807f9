"""Chinese by default, English on request, and no text left untranslated."""
import os
import subprocess
import sys

from babel.messages.pofile import read_po

from core.roles import Role
from tests.conftest import ROOT


def test_pages_are_chinese_by_default_whatever_the_browser_asks(client):
    page = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert 'lang="zh-CN"' in page
    assert "服务目录" in page


def test_switching_to_english_and_back(client):
    resp = client.get("/lang/en?next=/services")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/services")
    page = client.get("/services").get_data(as_text=True)
    assert 'lang="en"' in page and "Service catalogue" in page
    client.get("/lang/zh")
    assert "服务目录" in client.get("/services").get_data(as_text=True)


def test_language_switch_does_not_redirect_off_site(client):
    resp = client.get("/lang/en?next=//evil.example/")
    assert "evil.example" not in resp.headers["Location"]


def test_the_choice_is_remembered_on_the_account(app, users, login):
    client = app.test_client()
    user = users[Role.sme]
    client.post("/login", data={"login": user.email, "password": "factory-pass-1"})
    client.get("/lang/en")
    fresh = app.test_client()
    fresh.post("/login", data={"login": user.email, "password": "factory-pass-1"})
    assert 'lang="en"' in fresh.get("/account").get_data(as_text=True)


def test_bilingual_catalogue_content_follows_the_language(client, dummy_service):
    assert dummy_service.name_zh in client.get("/services").get_data(as_text=True)
    client.get("/lang/en")
    page = client.get("/services").get_data(as_text=True)
    assert dummy_service.name_en in page and dummy_service.name_zh not in page


def test_every_text_in_the_code_is_translated_to_chinese(tmp_path):
    """Extract the texts afresh; each must have a Chinese translation, not fuzzy."""
    pot = tmp_path / "messages.pot"
    pybabel = os.path.join(os.path.dirname(sys.executable), "pybabel")
    subprocess.run([pybabel, "--quiet", "extract",
                    "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "-o", str(pot),
                    "--ignore-dirs", ".* ._ tests", "."], cwd=ROOT, check=True)
    with open(pot, "rb") as fh:
        wanted = {m.id for m in read_po(fh) if m.id}
    with open(os.path.join(ROOT, "translations/zh/LC_MESSAGES/messages.po"), "rb") as fh:
        catalog = read_po(fh, locale="zh")
    done = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(str(m) for m in wanted - done)
    assert missing == [], f"{len(missing)} texts lack a Chinese translation: {missing[:10]}"
    problems = [(m.id, err) for m in catalog if m.id for err in m.check(catalog)]
    assert problems == []
