"""Standard numbers as people and documents write them, read into one form, and an
undated or withdrawn reference resolved to the edition that applies. Plain Python.

    GB/T 3920-2008, GB/T3920—2008, gb/t 3920, ＧＢ／Ｔ　３９２０   -> GB/T 3920 (-2008)
    GB/T 2912.1-2009                                          -> GB/T 2912.1, year 2009
    FZ/T 01057（所有部分）                                     -> FZ/T 01057, all parts
    ISO 105-C06:2010, IEC 60335-1:2020, ISO/IEC 17025:2017     -> ISO 105-C06, year 2010
    ASTM D2261-13                                             -> ASTM D2261, year 2013
    JJG 539-2016                                              -> JJG 539, year 2016
    "GB 18401-2010；GB/T 2912.1, ISO 3071"                     -> three references

Chinese numbers carry parts after a dot and the year after a dash; international ones
(ISO, IEC, EN) carry parts after a dash and the year after a colon."""
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from core.typed import folded

# Longest first, so "GB/T" is read before "GB" and "ISO/IEC" before "ISO".
PREFIXES = ("ISO/IEC", "ISO/TS", "ISO/TR", "GB/T", "GB/Z", "FZ/T", "QB/T", "SN/T", "HG/T",
            "JB/T", "YY/T", "GB", "JJG", "JJF", "ISO", "IEC", "EN", "ASTM", "AATCC", "BS",
            "DIN", "JIS", "ANSI", "UL", "HJ", "YY", "QB", "FZ", "SN")
INTERNATIONAL = frozenset({"ISO/IEC", "ISO/TS", "ISO/TR", "ISO", "IEC", "EN", "BS", "DIN"})
ALL_PARTS = re.compile(r"[（(]\s*(所有部分|all parts)\s*[)）]|\s*系列\s*$", re.IGNORECASE)
SEPARATORS = re.compile(r"\s*(?:[;；,，、]|\band\b|和)\s*")
DASHES = str.maketrans({"—": "-", "–": "-", "－": "-", "‐": "-", "‑": "-", "−": "-"})
_PREFIX = re.compile(r"^(" + "|".join(re.escape(p) for p in PREFIXES) + r")(?![A-Z])\s*",
                     re.IGNORECASE)


class UnreadableReference(ValueError):
    """The text is not a standard number the desk can read; `text` is what it was."""

    def __init__(self, text: str):
        super().__init__(f"not a standard number: {text!r}")
        self.text = text


@dataclass(frozen=True)
class Reference:
    """One standard as cited: prefix, number, part (or None), year (or None: undated),
    and whether every part is meant."""
    prefix: str
    number: str
    part: str | None = None
    year: int | None = None
    all_parts: bool = False

    @property
    def key(self) -> str:
        """The standard without its year: what its editions share ("GB/T 2912.1")."""
        if self.part is None:
            return f"{self.prefix} {self.number}"
        joint = "-" if self.prefix in INTERNATIONAL else "."
        return f"{self.prefix} {self.number}{joint}{self.part}"

    def __str__(self) -> str:
        text = self.key
        if self.year is not None:
            text += f":{self.year}" if self.prefix in INTERNATIONAL else f"-{self.year}"
        return text + ("（所有部分）" if self.all_parts else "")


def _year(text: str) -> int | None:
    """A year as written: four digits, or two (GB 5749-85, ASTM D2261-13)."""
    if len(text) == 4:
        return int(text)
    value = int(text)
    return 1900 + value if value >= 50 else 2000 + value


def parse_one(text: str) -> Reference:
    """One reference; raises UnreadableReference."""
    raw = folded(text).translate(DASHES).strip()
    all_parts = bool(ALL_PARTS.search(raw))
    raw = ALL_PARTS.sub("", raw).strip()
    match = _PREFIX.match(raw)
    if not match:
        raise UnreadableReference(text)
    prefix = next(p for p in PREFIXES if p == match.group(1).upper())
    rest = re.sub(r"\s+", "", raw[match.end():]).upper()
    if prefix in INTERNATIONAL:
        found = re.fullmatch(r"(\d+)(?:-([0-9A-Z]+(?:-[0-9A-Z]+)*))?(?::(\d{4}))?"
                             r"(?:[+/].*)?", rest)
        if not found:
            raise UnreadableReference(text)
        number, part, year = found.groups()
    elif prefix == "ASTM":
        found = re.fullmatch(r"([A-Z]\d+)(?:-(\d{2}|\d{4})[A-Z]?)?(?:\(\d{4}\))?", rest)
        if not found:
            raise UnreadableReference(text)
        (number, year), part = found.groups(), None
    else:
        found = re.fullmatch(r"(\d+)(?:\.(\d+(?:\.\d+)*))?(?:-(\d{4}|\d{2}))?", rest)
        if not found:
            raise UnreadableReference(text)
        number, part, year = found.groups()
    return Reference(prefix, number, part, _year(year) if year else None, all_parts)


def parse(text: str) -> list[Reference]:
    """Every reference in a list ("GB 18401-2010；GB/T 2912.1, ISO 3071"); raises
    UnreadableReference naming the first piece it cannot read."""
    pieces = [p for p in SEPARATORS.split(folded(text or "")) if p.strip()]
    return [parse_one(p) for p in pieces]


def read_all(text: str) -> tuple[list[Reference], list[str]]:
    """What can be read of a list, and the pieces that cannot (for a person to fix)."""
    read, unread = [], []
    for piece in (p for p in SEPARATORS.split(folded(text or "")) if p.strip()):
        try:
            read.append(parse_one(piece))
        except UnreadableReference:
            unread.append(piece.strip())
    return read, unread


@dataclass(frozen=True)
class Edition:
    """One edition of a standard as the catalogue holds it."""
    key: str                       # Reference.key
    year: int | None
    current: bool                  # in force (not withdrawn, not yet to come)
    replaced_by: str | None = None  # the key and year of what replaced it, "GB/T 3920-2023"


def resolve(ref: Reference, editions: Mapping[str, Iterable[Edition]],
            limit: int = 20) -> Edition | None:
    """The edition a reference means now: a dated one as cited, followed along its
    replacements to the one in force; an undated one, the edition in force (DOMAIN:
    the latest valid version). None when the catalogue does not know it."""
    known = list(editions.get(ref.key, ()))
    if not known:
        return None
    if ref.year is None:
        current = [e for e in known if e.current]
        edition = max(current or known, key=lambda e: e.year or 0)
    else:
        edition = next((e for e in known if e.year == ref.year), None)
        if edition is None:
            return None
    seen = 0
    while not edition.current and edition.replaced_by and seen < limit:
        successor = parse_one(edition.replaced_by)
        following = resolve(successor, editions, limit - 1) if successor.key in editions \
            else None
        if following is None:
            break
        edition, seen = following, seen + 1
        if edition.current:
            break
    return edition
