"""Every template's own words go through the translation: outside Jinja tags, no
template holds an English phrase or a Chinese word that a reader of the other
language would get untranslated. (The pages themselves are read in both languages by
test_every_page_speaks_one_language.py.)"""
import glob
import os
import re

from tests.conftest import ROOT
from tests.page_text import read

JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
WORDS = re.compile(r"[A-Za-z]{2,}(?:[ \-][A-Za-z]{2,})*|[\u3400-\u9fff]+")
# Symbols and names that are the same in both languages, and the language switch.
SAME_IN_BOTH = {"CMA", "CNAS", "SHA", "KB", "Max", "MPE", "Ec", "中文", "English"}
# Printed in both languages side by side, as accredited reports are.
BILINGUAL = {"certificates/document.html", "credit/document.html"}


def untranslated(source: str) -> list[str]:
    return [w for text in read(JINJA.sub(" ", source)) for w in WORDS.findall(text)
            if w not in SAME_IN_BOTH]


def test_no_template_holds_words_outside_the_translation():
    folder = os.path.join(ROOT, "templates")
    found = {}
    for path in sorted(glob.glob(os.path.join(folder, "**", "*.html"), recursive=True)):
        name = os.path.relpath(path, folder)
        if name in BILINGUAL:
            continue
        with open(path, encoding="utf-8") as fh:
            words = untranslated(fh.read())
        if words:
            found[name] = words
    assert found == {}


def test_the_check_sees_a_forgotten_phrase():
    assert untranslated('<p>{{ _("Saved.") }} Please wait</p>') == ["Please wait"]
    assert untranslated('<button title="保存">{{ _("Save") }}</button>') == ["保存"]
