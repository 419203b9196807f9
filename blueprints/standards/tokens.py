"""Text split into search terms that both SQLite's FTS5 (unicode61 over the pre-split
text) and PostgreSQL's to_tsvector('simple', ...) index the same way, with no database
extension: Chinese as single characters plus each pair of neighbours, Latin letters and
digits as whole runs, and every standard number also as one compact term, so that
"GB/T3920", "gb/t 3920" and "GB/T 3920-2008" find the same standard. Plain Python."""
import re

from blueprints.standards.references import UnreadableReference, parse_one
from core.typed import folded

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
RUNS = re.compile(rf"[{CJK}]+|[0-9a-z]+")
# Where a standard number may stand in a text: a prefix, then its number.
NUMBER_IN_TEXT = re.compile(
    r"(?<![a-z])(?:iso/iec|iso/ts|iso/tr|gb/t|gb/z|fz/t|qb/t|sn/t|hg/t|jb/t|yy/t|gb|jjg|jjf"
    r"|iso|iec|en|astm|aatcc)\s*[a-z]?\d+(?:[.\-][0-9a-z]+)*(?:\s*[:\-]\s*\d{2,4})?")


def compact(text: str) -> str:
    """Letters and digits only, lower case: the form a number is matched in."""
    return re.sub(r"[^0-9a-z]", "", text.lower())


def number_terms(text: str) -> list[str]:
    """Compact terms for every standard number in the text: the number without its year
    ("gbt3920") and, when dated, with it ("gbt39202008")."""
    terms = []
    for match in NUMBER_IN_TEXT.finditer(folded(text).lower()):
        try:
            ref = parse_one(match.group(0))
        except UnreadableReference:
            continue
        terms.append("n" + compact(ref.key))
        if ref.year:
            terms.append("n" + compact(ref.key) + str(ref.year))
    return terms


def _runs(text: str) -> list[str]:
    return RUNS.findall(folded(text or "").lower())


def index_terms(text: str) -> list[str]:
    """The terms a text is indexed by: each Chinese character and each pair of
    neighbours, each Latin or digit run, and each standard number's compact terms."""
    terms = []
    for run in _runs(text):
        if run[0].isascii():
            terms.append(run)
        else:
            terms.extend(run)
            terms.extend(run[i:i + 2] for i in range(len(run) - 1))
    return terms + number_terms(text)


def query_terms(text: str, loose: bool = False) -> list[str]:
    """What a query must all find, in order: a Chinese word of two or more characters as
    its pairs ("儿童鞋" -> 儿童, 童鞋), one character as itself, Latin and digit runs
    whole; a query that reads as a standard number is that number's compact term.
    Loose, a Chinese run is its single characters, so words typed in another order
    ("校准压力表" for "压力表校准") still meet."""
    numbers = number_terms(text)
    if numbers:
        return numbers[-1:] if len(numbers) == 2 else numbers[:1]
    terms = []
    for run in _runs(text):
        if run[0].isascii() or len(run) == 1:
            terms.append(run)
        elif loose:
            terms.extend(dict.fromkeys(run))
        else:
            terms.extend(run[i:i + 2] for i in range(len(run) - 1))
    return terms


def indexed(text: str) -> str:
    """The text as the index stores it: its terms, space-separated."""
    return " ".join(index_terms(text))
