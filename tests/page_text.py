"""The text a person reads in HTML: between tags, and in the attributes a browser shows
or says aloud; not scripts, styles, <code> (identifiers, commands) or hidden values.
Used by the language tests, on rendered pages and on template sources alike."""
from html.parser import HTMLParser

READ_ATTRIBUTES = ("alt", "title", "placeholder", "aria-label", "data-confirm", "data-busy",
                   "label", "data-no-match", "data-days-word")
UNREAD = ("script", "style", "code")


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in UNREAD:
            self._skip += 1
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "hidden":
            return
        self.parts.extend(v for k, v in attrs.items() if k in READ_ATTRIBUTES and v)
        if attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in UNREAD and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def read(html: str) -> list[str]:
    """Each piece of read text, its whitespace folded."""
    reader = _Reader()
    reader.feed(html)
    return [" ".join(p.split()) for p in reader.parts if p.strip()]
