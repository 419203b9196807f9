"""Every person's pages, read in Chinese and in English: no text of the other language
where a translation belongs. What people and labs typed (names, addresses, samples)
is theirs and stays as typed, so every text stored in the database is taken out of
the page before it is read; what remains is the desk's own words."""
import re

import pytest
from sqlalchemy import String, Text, select

from extensions import db
from tests.every_page import every_persons_pages
from tests.page_text import read

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# Two or more English words in a row (a phrase left untranslated); codes, units and
# standard numbers (GB/T 3920, mg/kg, QD-2026-000001, pH) are not words of this shape.
ENGLISH_PHRASE = re.compile(r"\b[A-Za-z][a-z]{1,}(?:[ \-][a-z]{2,})+\b")
# Deliberately in the other language: the language switch, the Chinese name of a
# document beside its English one, and the three roles as a Chinese report prints them.
ALLOWED = {"en": {"中文", "营业执照", "编制", "审核", "批准"}, "zh": {"English"}}


def stored_texts() -> list[str]:
    """Every text value in the database (people's and labs' own words), longest first,
    so that a name is taken out before a shorter name inside it."""
    found = set()
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (String, Text))]
        if not columns:
            continue
        for row in db.session.execute(select(*columns)):
            for value in row:
                if value and len(value) > 1:
                    found.add(" ".join(str(value).split()))
    return sorted(found, key=len, reverse=True)


def untranslated(texts: list[str], lang: str, stored: list[str]) -> set[str]:
    left = set()
    for text in texts:
        for value in stored:
            if value in text:
                text = text.replace(value, " ")
        if lang == "en":
            found = CJK.findall(text)
        else:
            found = ENGLISH_PHRASE.findall(text)
        left.update(f for f in found if f not in ALLOWED[lang])
    return left


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_reads_in_one_language(client, login, users, two_labs, metrology, lang):
    pages = every_persons_pages(client, login, users, two_labs, metrology)
    stored = stored_texts()
    found = {}
    for user, who, urls in pages:
        if user is None:
            client.post("/logout")
        else:
            login(user)
        client.get(f"/lang/{lang}", follow_redirects=True)  # and read what was flashed
        for url in urls:
            resp = client.get(url, follow_redirects=True)
            assert resp.status_code == 200, (who, url, resp.status_code)
            left = untranslated(read(resp.get_data(as_text=True)), lang, stored)
            if left:
                found[(who, url)] = sorted(left)
    assert found == {}, "\n".join(f"{who} {url}: {words}" for (who, url), words in found.items())
