"""A standards catalogue as standards bodies publish it (CSV or Excel, headers in
Chinese or English), read, checked row by row and compared with what the desk holds,
and the catalogue written back in the same columns. Plain Python: the catalogue's
current values come in as plain mappings (import_runs.py reads and writes the database).

    check(data) / read(data)  -> the file's kind / Sheet: the columns found and each
                                 row with its line
    check_rows(sheet)         -> each row checked on its own; codes_of() the numbers
                                 whose catalogue values the comparison needs, keys_of()
                                 the standards whose every edition it needs (an undated
                                 代替标准号)
    compare(sheet, lines, existing), or plan(sheet, existing) for both steps
                              -> Plan: added, changed (old -> new), unchanged, refused
                                 (with the reason), keyed on the normalised number, so
                                 "GB/T3920—2008" and "GB/T 3920-2008" are one row
    write_csv / write_xlsx    -> the same columns, under the Chinese headers read() reads

Two columns link editions, as the lists standards bodies publish write them:
代替标准号 on a row names the editions THIS row replaces (国家标准公告: "GB/T 3920-2024 …
代替标准号 GB/T 3920-2008"); 被代替标准号 names the edition that replaced this row. An
edition named under 代替标准号 becomes replaced by the row (withdrawn on the row's
implementation date); when it is not a row of the file, the plan reports that as a line
of its own, on the naming row's line, counted as changed.

Lines are numbered as a spreadsheet numbers its rows: the first row of the file is 1."""
import codecs
import csv
import io
import re
import warnings
import zipfile
from collections import ChainMap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from blueprints.standards import ics
from blueprints.standards.references import (
    Edition,
    Reference,
    UnreadableReference,
    parse,
    parse_one,
    read_all,
    resolve,
)
from core.spreadsheets import FORMULA_START, inert
from core.typed import folded

MAX_ROWS = 200_000
# An .xlsx is a zip; what it may unpack to, so a small file cannot fill the memory.
MAX_UNPACKED = 400 * 1024 * 1024
HEADER_SEARCH = 20  # rows above the header (a list's title, its notice number) skipped

# The file's columns, in the order written, with the Chinese header written for each:
# "replaces" (代替标准号) names the editions the row replaces, "replaced_by" (被代替标准号)
# the edition that replaced the row.
COLUMNS = {
    "code": "标准号", "title_zh": "中文名称", "title_en": "英文名称", "status": "状态",
    "issued_on": "发布日期", "implemented_on": "实施日期", "withdrawn_on": "废止日期",
    "replaces": "代替标准号", "ics": "ICS", "body": "归口单位", "adoption": "采标情况",
    "scope_zh": "适用范围", "scope_en": "英文适用范围", "replaced_by": "被代替标准号",
}
# Headers read for each column, best first: where a file has two (归口单位 and 主管部门),
# a row's value is the first that is not empty.
ALIASES = {
    "code": ("标准号", "标准编号", "标准代号", "标准号码", "code", "standard number",
             "standard no.", "standard no"),
    "title_zh": ("中文名称", "标准名称", "中文标准名称", "标准中文名称", "title_zh",
                 "chinese title", "title (zh)"),
    "title_en": ("英文名称", "英文标准名称", "标准英文名称", "title_en", "english title",
                 "title (en)"),
    "status": ("状态", "标准状态", "status"),
    "issued_on": ("发布日期", "发布时间", "issued_on", "issued", "issue date", "date of issue"),
    "implemented_on": ("实施日期", "实施时间", "implemented_on", "implemented",
                       "implementation date", "effective date"),
    "withdrawn_on": ("废止日期", "作废日期", "废止时间", "withdrawn_on", "withdrawn",
                     "withdrawal date"),
    "replaces": ("代替标准号", "代替标准", "替代标准号", "替代标准", "replaces", "supersedes"),
    "replaced_by": ("被代替标准号", "被代替标准", "被替代标准号", "被代替为", "被以下标准代替",
                    "replaced_by", "replaced by", "superseded by"),
    "ics": ("ICS", "ICS号", "ICS分类号", "ICS分类", "国际标准分类号", "ics_codes"),
    "body": ("归口单位", "技术归口单位", "技术归口", "归口", "主管部门", "body",
             "responsible body", "issuing body"),
    "adoption": ("采标情况", "采用国际标准", "采标", "adoption", "adopted"),
    "scope_zh": ("适用范围", "中文适用范围", "范围", "scope_zh", "scope (zh)"),
    "scope_en": ("英文适用范围", "适用范围(英文)", "scope_en", "scope (en)", "english scope"),
}
# What a row holds once read: the columns, with 采标情况 split into its degree and the
# standard adopted (the model's two fields). Not "replaces": that is a change of the
# editions it names, not a value of the row.
FIELDS = ("code", "title_zh", "title_en", "status", "issued_on", "implemented_on",
          "withdrawn_on", "replaced_by", "ics", "body", "adoption", "adopted_from",
          "scope_zh", "scope_en")
DATES = ("issued_on", "implemented_on", "withdrawn_on")
DEFAULTS = {"title_zh": "", "title_en": "", "status": "current", "issued_on": None,
            "implemented_on": None, "withdrawn_on": None, "replaced_by": "", "ics": "",
            "body": "", "adoption": "", "adopted_from": "", "scope_zh": "", "scope_en": ""}
LIMITS = {"title_zh": 400, "title_en": 400, "ics": 200, "body": 200, "adopted_from": 80,
          "scope_zh": 20_000, "scope_en": 20_000}
REPLACES_SEPARATOR = "；"  # between the editions a row replaces, as written
# What lists write in a link column for "none".
NOTHING = frozenset({"无", "暂无", "-", "—", "－", "/", "／", "none", "n/a", "na"})

STATUS_WORDS = {
    "current": ("现行", "现行有效", "有效", "current", "in force", "valid"),
    "withdrawn": ("废止", "已废止", "作废", "withdrawn", "abolished"),
    "replaced": ("被代替", "已被代替", "被替代", "replaced", "superseded"),
    "upcoming": ("即将实施", "待实施", "未实施", "upcoming", "not yet in force"),
}
STATUS_ZH = {"current": "现行", "withdrawn": "废止", "replaced": "被代替", "upcoming": "即将实施"}
# How a national standard adopts an international one (GB/T 20000.2), longest first.
DEGREES = (("非等效采用", "NEQ"), ("非等效", "NEQ"), ("等同采用", "IDT"), ("等同", "IDT"),
           ("修改采用", "MOD"), ("修改", "MOD"), ("IDT", "IDT"), ("MOD", "MOD"), ("NEQ", "NEQ"))
DEGREE_OF = {word.upper(): degree for word, degree in DEGREES}
_DEGREE = re.compile("|".join(rf"(?<![A-Za-z]){re.escape(w)}(?![A-Za-z])" for w, _d in DEGREES),
                     re.IGNORECASE)
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                   r"(?:\s*(?:T|\s)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_ICS = re.compile(r"(\d{1,2})(?:\.(\d{1,3})(?:\.(\d{1,2}))?)?")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# A text cell a spreadsheet would take for a formula.
# What other files begin with (they would decode as "text" in GB18030).
BINARY = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf",
          b"\x7fELF")
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old .xls (and .doc) format


class UnreadableFile(ValueError):
    """The file is not a catalogue the desk can read; `code` says why: "empty",
    "wrong_type", "xls", "encoding", "damaged", "no_number_column", "too_many_rows",
    "too_large"."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


class Outcome(StrEnum):
    added = "added"
    changed = "changed"
    unchanged = "unchanged"
    refused = "refused"


class Refused(Exception):
    """A row is not taken: `reason` is its code (import_labels.REASONS words it) and
    `detail` the values the words name."""

    def __init__(self, reason: str, **detail):
        super().__init__(reason)
        self.reason, self.detail = reason, detail


@dataclass(frozen=True)
class Row:
    line: int
    cells: dict[str, object]   # by column name (COLUMNS), as the file holds them


@dataclass(frozen=True)
class Sheet:
    columns: frozenset[str]      # the COLUMNS the file has
    rows: list[Row]
    ignored: tuple[str, ...] = ()  # headers the desk does not read


@dataclass
class Line:
    """What becomes of one row."""
    line: int
    code: str                      # the normalised number, or the text as written
    outcome: Outcome
    ref: Reference | None = None                 # the edition, once its number is read
    read: dict = field(default_factory=dict)     # what the file says (FIELDS it has)
    values: dict = field(default_factory=dict)   # FIELDS to write (added, changed)
    changes: list[tuple[str, object, object]] = field(default_factory=list)  # field, old, new
    reason: str = ""
    detail: dict = field(default_factory=dict)
    names: tuple[Reference, ...] = ()   # what its 代替标准号 names, as written
    replaces: list[str] = field(default_factory=list)  # those editions' numbers, resolved
    by: str = ""                 # for a line that reports another row's effect: its number
    merged: dict = field(default_factory=dict, repr=False)  # the catalogue's, then the file's

    def refuse(self, reason: str, **detail) -> None:
        self.outcome, self.reason, self.detail = Outcome.refused, reason, detail
        self.read, self.values, self.changes = {}, {}, []
        self.names, self.replaces, self.merged = (), [], {}

    def report(self) -> dict:
        """The line as the run's report keeps it (JSON-safe)."""
        return {"line": self.line, "code": self.code[:80], "outcome": self.outcome.value,
                "reason": self.reason, "detail": {k: _plain(v) for k, v in self.detail.items()},
                "changes": [[f, _plain(old), _plain(new)] for f, old, new in self.changes]}


@dataclass
class Plan:
    lines: list[Line]
    ignored: tuple[str, ...] = ()

    def count(self, outcome: Outcome) -> int:
        return sum(1 for line in self.lines if line.outcome == outcome)

    @property
    def counts(self) -> dict[str, int]:
        found = {o.value: 0 for o in Outcome}
        for line in self.lines:
            found[line.outcome.value] += 1
        return found


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def _key(header: object) -> str:
    return re.sub(r"[\s*:_\-]", "", folded(str(header or "")).lower())


HEADERS = {_key(alias): (column, rank) for column, aliases in ALIASES.items()
           for rank, alias in enumerate(aliases)}
STATUSES = {_key(word): status for status, words in STATUS_WORDS.items() for word in words}


# Reading ---------------------------------------------------------------------------

def file_kind(data: bytes) -> str:
    """"xlsx" or "csv", by the file's content (never its name). Raises UnreadableFile."""
    if not data.strip():
        raise UnreadableFile("empty")
    if data.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except (zipfile.BadZipFile, ValueError, OSError) as err:
            raise UnreadableFile("damaged") from err
        if "xl/workbook.xml" not in names:
            raise UnreadableFile("wrong_type")
        return "xlsx"
    if data.startswith(OLE):
        raise UnreadableFile("xls")
    if data.startswith(BINARY) or (b"\x00" in data[:4096] and not data.startswith(
            (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))):
        raise UnreadableFile("wrong_type")
    _decode(data)
    return "csv"


def check(data: bytes) -> str:
    """The file's kind when it is a catalogue the desk can read: a CSV that decodes as
    text or an .xlsx, with a column of standard numbers. Reads only the top rows.
    Raises UnreadableFile."""
    kind = file_kind(data)
    if kind == "csv":
        _header(_csv_rows(_decode(data)))
    else:
        read_xlsx(data, limit=HEADER_SEARCH)
    return kind


def read(data: bytes) -> Sheet:
    """Every row of a CSV or .xlsx catalogue. Raises UnreadableFile."""
    return read_xlsx(data) if file_kind(data) == "xlsx" else read_csv(data)


def _decode(data: bytes) -> str:
    """CSV text: UTF-8 with or without its BOM, UTF-16 with one (Excel's "Unicode
    text"), else GB18030 (what Chinese Excel writes)."""
    try:
        if data.startswith(codecs.BOM_UTF8):
            text = data[len(codecs.BOM_UTF8):].decode("utf-8")
        elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = data.decode("utf-16")
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = data.decode("gb18030")
    except UnicodeDecodeError as err:
        raise UnreadableFile("encoding") from err
    if _CONTROL.search(text[:65536].replace("\x1a", "")):
        raise UnreadableFile("wrong_type")  # decodes, but is no text anyone typed
    return text


def _csv_rows(text: str):
    """The CSV's rows, split by the first of comma, tab and semicolon under which its
    top rows hold a header."""
    top = "\n".join(text.splitlines()[:HEADER_SEARCH])
    for delimiter in (",", "\t", ";"):
        try:
            _header(csv.reader(io.StringIO(top), delimiter=delimiter))
        except (UnreadableFile, csv.Error):
            continue
        return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return csv.reader(io.StringIO(text, newline=""))


def _header(rows) -> tuple[dict[str, list[int]], tuple[str, ...], int]:
    """The header among the top rows: each column's cells, best alias first; the
    headers not read; how many rows it took."""
    for seen, cells in enumerate(rows, start=1):
        if seen > HEADER_SEARCH:
            break
        found = {}
        for index, cell in enumerate(cells):
            known = HEADERS.get(_key(cell))
            if known:
                found.setdefault(known[0], []).append((known[1], index))
        if "code" in found:
            columns = {c: [i for _r, i in sorted(places)] for c, places in found.items()}
            used = {i for places in columns.values() for i in places}
            ignored = tuple(str(c).strip() for i, c in enumerate(cells)
                            if i not in used and str(c or "").strip())
            return columns, ignored, seen
    raise UnreadableFile("no_number_column")


def _sheet(rows: Iterable, limit: int | None = None) -> Sheet:
    rows = iter(rows)
    columns, ignored, line = _header(rows)
    found = []
    for cells in rows:
        line += 1
        if limit is not None and line > limit:
            break
        if not any(c not in (None, "") and str(c).strip() for c in cells):
            continue
        if len(found) >= MAX_ROWS:
            raise UnreadableFile("too_many_rows")
        row = {}
        for column, places in columns.items():
            value = next((cells[i] for i in places if i < len(cells)
                          and cells[i] not in (None, "") and str(cells[i]).strip()), None)
            row[column] = value
        found.append(Row(line, row))
    return Sheet(frozenset(columns), found, ignored)


def read_csv(data: bytes) -> Sheet:
    """Rows of a CSV (comma, tab or semicolon separated). Raises UnreadableFile."""
    try:
        return _sheet(_csv_rows(_decode(data)))
    except csv.Error as err:
        raise UnreadableFile("damaged") from err


def read_xlsx(data: bytes, limit: int | None = None) -> Sheet:
    """Rows of the first sheet of an .xlsx that has a column of numbers. Raises
    UnreadableFile."""
    from openpyxl import load_workbook  # on first use: plain rules load without it

    try:
        unpacked = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as err:
        raise UnreadableFile("damaged") from err
    if unpacked > MAX_UNPACKED:
        raise UnreadableFile("too_many_rows")
    try:
        with warnings.catch_warnings():
            # Files from other programs draw style warnings that change nothing here.
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                for sheet in book.worksheets:
                    try:
                        return _sheet(sheet.iter_rows(values_only=True), limit)
                    except UnreadableFile as err:
                        if err.code != "no_number_column":
                            raise
                raise UnreadableFile("no_number_column")
            finally:
                book.close()
    except UnreadableFile:
        raise
    except Exception as err:  # openpyxl raises many kinds on a damaged workbook
        raise UnreadableFile("damaged") from err


# Checking one row --------------------------------------------------------------------

def text_of(value: object) -> str:
    """A cell as text: numbers as written (59 not 59.0), line breaks as "\\n", no
    control characters, and a formula guard (the "'" write_csv adds) taken off."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    text = _CONTROL.sub("", str(value).replace("\r\n", "\n").replace("\r", "\n")).strip()
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_START:
        text = text[1:]
    return text


def number(value: object) -> Reference:
    """The edition a number names (str() of it is its normalised number, "GB/T
    3920-2008"). Raises Refused."""
    text = text_of(value)
    if not text:
        raise Refused("no_number")
    try:
        ref = parse_one(text)
    except UnreadableReference:
        raise Refused("unreadable_number", value=text) from None
    if ref.all_parts:
        raise Refused("all_parts", value=text)
    if ref.year is None:
        raise Refused("undated", value=text)
    if len(str(ref)) > 80 or len(ref.key) > 60:
        raise Refused("too_long", column="code", limit=80)
    return ref


def day(value: object, column: str) -> date | None:
    """A date as written: 2008-08-01, 2008/8/1, 2008年8月1日, 20080801, or an Excel
    date. Raises Refused."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 80000:
        return date(1899, 12, 30) + timedelta(days=int(value))  # an Excel serial day
    text = folded(text_of(value))
    if not text:
        return None
    found = _DATE.fullmatch(text) or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    try:
        if found is None:
            raise ValueError(text)
        result = date(*(int(g) for g in found.groups()[:3]))
    except ValueError:
        raise Refused("bad_date", column=column, value=text) from None
    if not 1900 <= result.year <= 2100:
        raise Refused("bad_date", column=column, value=text)
    return result


def status(value: object) -> str:
    text = text_of(value)
    if not text:
        raise Refused("no_status")
    found = STATUSES.get(_key(text))
    if found is None:
        raise Refused("unknown_status", value=text)
    return found


def ics_codes(value: object) -> str:
    """ICS codes, space-separated, each one the ICS knows ("59.080.01 61.060"). Excel
    may have kept 61.060 as the number 61.06: the group's zeros are put back."""
    text = folded(text_of(value))
    codes = []
    for piece in (p for p in re.split(r"[\s;；,，、/]+", text) if p):
        found = _ICS.fullmatch(piece)
        if not found:
            raise Refused("unknown_ics", value=piece)
        field_, group, sub = found.groups()
        code = field_.zfill(2) + (f".{group.ljust(3, '0')}" if group else "") + (
            f".{sub.zfill(2)}" if sub else "")
        if code not in ics.classes():
            raise Refused("unknown_ics", value=piece)
        if code not in codes:
            codes.append(code)
    return " ".join(codes)


def adoption(value: object) -> tuple[str, str]:
    """The degree (IDT, MOD, NEQ or "") and the standard adopted, from "IDT ISO
    105-C06:2010", "ISO 105-C06:2010，MOD", "等同采用 ISO 3071:2020" or "NEQ". Raises
    Refused."""
    text = text_of(value)
    if not text:
        return "", ""
    degrees = {DEGREE_OF[m.group(0).upper()] for m in _DEGREE.finditer(text)}
    if len(degrees) != 1:
        raise Refused("unknown_adoption", value=text)
    rest = _DEGREE.sub(" ", text).strip(" ,，;；:：()（）[]【】/\n\t")
    try:
        adopted = str(parse_one(rest)) if rest else ""
    except UnreadableReference:
        adopted = " ".join(rest.split())
    if len(adopted) > LIMITS["adopted_from"]:
        raise Refused("too_long", column="adoption", limit=LIMITS["adopted_from"])
    return degrees.pop(), adopted


def replacement(value: object, own: Reference) -> str:
    """The number of the edition that replaced `own` (被代替标准号), or "". An older
    edition of its own standard is refused: the list likely gives, in this column, what
    the row replaces. Raises Refused."""
    # "被 GB/T 3920-2024 代替" as some lists write it
    text = re.sub(r"^被|(?:所)?(?:代替|替代)$", "", text_of(value)).strip()
    if not text or folded(text).lower() in NOTHING:
        return ""
    try:
        refs = parse(text)
    except UnreadableReference:
        raise Refused("unreadable_replacement", value=text) from None
    if len(refs) != 1:
        raise Refused("several_replacements", value=text)
    ref = refs[0]
    if ref.year is None or ref.all_parts:
        raise Refused("undated_replacement", value=text)
    if ref == own:
        raise Refused("replaced_by_itself", value=text)
    if ref.key == own.key and own.year is not None and ref.year < own.year:
        # A list that names, in this column, the edition this one replaces.
        raise Refused("replacement_older", value=str(ref))
    return str(ref)


def replaced(value: object, own: Reference) -> tuple[Reference, ...]:
    """The editions `own` replaces (代替标准号), as written: one or more numbers joined by
    ；, ; or , ("GB/T 3920-2008；GB/T 3921-2008"), perhaps after "代替". An undated one
    ("GB/T 3920") is resolved later, against the catalogue (compare). Raises Refused for
    an unreadable number, all parts, the row itself or a newer edition of its own
    standard."""
    text = re.sub(r"^(?:代替|替代)", "", text_of(value)).strip()
    if not text or folded(text).lower() in NOTHING:
        return ()
    refs, unread = read_all(text)
    if unread:
        raise Refused("unreadable_replaces", value=unread[0])
    found = []
    for ref in refs:
        if ref.all_parts:
            raise Refused("replaces_all_parts", value=str(ref))
        if len(str(ref)) > 80 or len(ref.key) > 60:
            raise Refused("too_long", column="replaces", limit=80)
        if ref.year is not None and ref.key == own.key:
            if ref.year == own.year:
                raise Refused("replaces_itself")
            if own.year is not None and ref.year > own.year:
                raise Refused("replaces_newer", value=str(ref))
        if ref not in found:
            found.append(ref)
    return tuple(found)


def values_of(cells: Mapping[str, object], columns: frozenset[str], own: Reference) -> dict:
    """The row's values for the columns the file has (FIELDS). Raises Refused with the
    first problem, in the order of the columns."""
    values = {}
    for column in COLUMNS:
        if column not in columns or column == "code":
            continue
        raw = cells.get(column)
        if column in DATES:
            values[column] = day(raw, column)
        elif column == "status":
            values[column] = status(raw)
        elif column == "ics":
            values[column] = ics_codes(raw)
        elif column == "adoption":
            values["adoption"], values["adopted_from"] = adoption(raw)
        elif column == "replaced_by":
            values[column] = replacement(raw, own)
        elif column == "replaces":
            values[column] = replaced(raw, own)
        else:
            values[column] = text_of(raw)
    for name, limit in LIMITS.items():
        if len(values.get(name) or "") > limit:
            raise Refused("too_long", column=name if name in COLUMNS else "adoption",
                          limit=limit)
    return values


# Comparing --------------------------------------------------------------------------

def check_rows(sheet: Sheet) -> list[Line]:
    """Each row read and checked on its own, and against the rows above it: a line
    refused with its reason (an unreadable or undated number, the same edition as an
    earlier line, an unknown status, ICS code or adoption, a bad date, a 代替标准号 that
    names the row itself ...), or holding what the file says (`read`, and the editions
    it replaces as written in `names`), to be compared."""
    lines, first = [], {}
    for row in sheet.rows:
        line = Line(row.line, text_of(row.cells.get("code")), Outcome.unchanged)
        lines.append(line)
        try:
            line.ref = ref = number(row.cells.get("code"))
            line.code = code = str(ref)
            if code in first:
                raise Refused("same_as_line", line=first[code])
            first[code] = row.line
            line.read = values_of(row.cells, sheet.columns, ref)
            line.names = line.read.pop("replaces", ())
        except Refused as refusal:
            line.refuse(refusal.reason, **refusal.detail)
    return lines


def codes_of(lines: list[Line]) -> set[str]:
    """The numbers the checked lines name (theirs, their replacements' and the dated
    editions they replace): what compare() needs the catalogue's values of."""
    return {code for line in lines if line.outcome != Outcome.refused
            for code in (line.code, line.read.get("replaced_by"),
                         *(str(ref) for ref in line.names if ref.year is not None))
            if code}


def keys_of(lines: list[Line]) -> set[str]:
    """The standards the checked lines name undated under 代替标准号 ("GB/T 3920"): what
    compare() needs the catalogue's values of every edition of, to find the one in force."""
    return {ref.key for line in lines if line.outcome != Outcome.refused
            for ref in line.names if ref.year is None}


def compare(sheet: Sheet, lines: list[Line], existing: Mapping[str, Mapping[str, object]]
            ) -> Plan:
    """What importing the checked lines would do, line by line.

    `existing` holds the catalogue's values (FIELDS; replaced_by as the replacing
    edition's number or "") for at least codes_of(lines), and for every edition of the
    standards keys_of(lines) names. A line is refused, besides what check_rows refused,
    for no title in either language; a replacing edition (被代替标准号) that is neither in
    the catalogue nor taken from this file; or an edition it replaces (代替标准号) that is
    not in force to be found (undated), neither in the catalogue nor in the file, refused
    on its own line, said otherwise of on its own line, or replaced by another line too.
    Each edition a line replaces becomes replaced by it, withdrawn on its implementation
    date when it has one (unless it is already replaced by that line): on its own line
    when the file has it, else on a line of its own after the replacing one (same line
    number, counted as changed). A column the file lacks is left as it is."""
    for line in lines:
        if line.outcome == Outcome.refused:
            continue
        line.merged = {**DEFAULTS, **(existing.get(line.code) or {}), **line.read}
        line.merged.pop("code", None)
        if not (line.merged["title_zh"] or line.merged["title_en"]):
            line.refuse("no_title")
    first = {}
    for line in lines:
        first.setdefault(line.code, line.line)
    _resolve_replaced(lines, existing)
    _check_links(lines, existing, first)
    effects = _replace(lines, existing)
    planned = []
    for line in lines:
        if line.outcome != Outcome.refused:
            _settle(line, existing.get(line.code))
        planned.append(line)
        planned.extend(effects.get(id(line), ()))
    return Plan(planned, sheet.ignored)


def plan(sheet: Sheet, existing: Mapping[str, Mapping[str, object]]) -> Plan:
    """check_rows and compare in one: what importing the sheet would do, given the
    catalogue's values of (at least) every number the sheet names and every edition of
    the standards it names undated."""
    return compare(sheet, check_rows(sheet), existing)


def _changes(old: Mapping, new: Mapping) -> list[tuple[str, object, object]]:
    return [(f, old.get(f, DEFAULTS[f]), new[f]) for f in FIELDS
            if f != "code" and new[f] != old.get(f, DEFAULTS[f])]


def _settle(line: Line, old: Mapping | None) -> None:
    """The line's outcome, once its values (`merged`) are final."""
    merged = line.merged
    if old is None:
        line.outcome, line.values = Outcome.added, {"code": line.code, **merged}
        line.detail = {"title": merged["title_zh"] or merged["title_en"]}
        return
    line.changes = _changes(old, merged)
    if line.changes:
        line.outcome, line.values = Outcome.changed, {"code": line.code, **merged}


def _editions(keys: set[str], lines: list[Line], existing: Mapping
              ) -> dict[str, dict[str, Edition]]:
    """Every known edition of these standards, by key and number: the catalogue's, with
    the file's rows (as the file says they are) over them."""
    found: dict[str, dict[str, Edition]] = {key: {} for key in keys}
    for code, values in existing.items():
        try:
            ref = parse_one(code)
        except UnreadableReference:
            continue
        if ref.key in found and ref.year is not None and not ref.all_parts:
            found[ref.key][code] = Edition(ref.key, ref.year, values.get("status") == "current",
                                           values.get("replaced_by") or None)
    for line in lines:
        if line.outcome != Outcome.refused and line.ref.key in found:
            found[line.ref.key][line.code] = Edition(
                line.ref.key, line.ref.year, line.merged["status"] == "current",
                line.merged["replaced_by"] or None)
    return found


def _in_force(ref: Reference, own: Line, editions: dict[str, dict[str, Edition]]) -> str:
    """The number of the edition an undated reference under 代替标准号 means: the one in
    force before this import, among the catalogue's editions and the file's rows (of the
    row's own standard, only those older than the row). Raises Refused."""
    known = {code: e for code, e in editions.get(ref.key, {}).items() if code != own.code
             and (ref.key != own.ref.key or e.year < own.ref.year)}
    lists = ChainMap({ref.key: list(known.values())},
                     {key: list(e.values()) for key, e in editions.items()})
    edition = resolve(ref, lists)
    if edition is not None and edition.key == own.ref.key and edition.year >= own.ref.year:
        edition = None  # followed along its replacements to this row, or past it
    for found in (known, *editions.values()):
        code = next((c for c, e in found.items() if e == edition), None)
        if code is not None:
            return code
    raise Refused("replaces_unresolved", value=str(ref))


def _resolve_replaced(lines: list[Line], existing: Mapping) -> None:
    """Each line's 代替标准号 as numbers (`replaces`), an undated one resolved to the
    edition in force; a line refused when one cannot be."""
    taken = [line for line in lines if line.outcome != Outcome.refused]
    keys = {ref.key for line in taken for ref in line.names if ref.year is None}
    editions = _editions(keys, taken, existing) if keys else {}
    for line in taken:
        try:
            codes = []
            for ref in line.names:
                code = str(ref) if ref.year is not None else _in_force(ref, line, editions)
                if code not in codes:
                    codes.append(code)
        except Refused as refusal:
            line.refuse(refusal.reason, **refusal.detail)
        else:
            line.replaces = codes


def _link_problem(line: Line, taken: dict[str, Line], existing: Mapping,
                  first: dict[str, int]) -> tuple[str, dict] | None:
    """Why a line's links cannot be made, looking at the line alone against the rows
    still taken: a replacing edition, or an edition it replaces, that will not be there
    or that its own line says otherwise of."""
    target = line.read.get("replaced_by")
    if target and target not in taken and target not in existing:
        if target in first:
            return "replacement_refused", {"value": target, "line": first[target]}
        return "replacement_unknown", {"value": target}
    for target in line.replaces:
        if target == line.merged["replaced_by"]:
            return "replaces_its_replacement", {"value": target}
        own = taken.get(target)
        if own is not None:
            if own.merged["replaced_by"] == line.code:
                continue  # already says so
            said = own.read
            if ("status" in said and said["status"] != "replaced") or said.get("replaced_by"):
                return "replaces_contradicted", {"value": target, "line": own.line}
        elif target in first:
            return "replaces_refused", {"value": target, "line": first[target]}
        elif target not in existing:
            return "replaces_unknown", {"value": target}
    return None


def _pair_problem(line: Line, taken: dict[str, Line], claimed: dict[str, Line]
                  ) -> tuple[str, dict] | None:
    """Why a line's 代替标准号 clashes with an earlier line's: both replace one edition,
    or each replaces the other."""
    for target in line.replaces:
        earlier = claimed.setdefault(target, line)
        if earlier is not line:
            return "replaces_twice", {"value": target, "line": earlier.line}
        other = taken.get(target)
        if other is not None and other.line < line.line and line.code in other.replaces:
            return "replaces_its_replacement", {"value": target}
    return None


def _check_links(lines: list[Line], existing: Mapping, first: dict[str, int]) -> None:
    """Refuse rows whose links will not hold (again, as long as a refusal makes
    another): first each line on its own, then clashes between lines, the later line
    refused."""
    taken = {line.code: line for line in lines if line.outcome != Outcome.refused}
    while True:
        problems = [(line, found) for line in taken.values()
                    if (found := _link_problem(line, taken, existing, first))]
        if not problems:
            claimed: dict[str, Line] = {}
            problems = [(line, found) for line in list(taken.values())
                        if (found := _pair_problem(line, taken, claimed))]
            problems = problems[:1]  # one at a time: the claims change with each refusal
        if not problems:
            return
        for line, (reason, detail) in problems:
            line.refuse(reason, **detail)
            del taken[line.code]


def _replace(lines: list[Line], existing: Mapping) -> dict[int, list[Line]]:
    """Mark each edition a taken line replaces: its own line's values when the file has
    it, else a line of its own, returned by the replacing line's id()."""
    taken = {line.code: line for line in lines if line.outcome != Outcome.refused}
    effects: dict[int, list[Line]] = {}
    for line in taken.values():
        since = line.merged.get("implemented_on")
        # An edition replaced by one not yet in force (即将实施) stays in force until
        # then, its end date set; the worker's standards watch turns it on the day.
        ends = line.merged.get("status") == "upcoming"
        for target in line.replaces:
            own = taken.get(target)
            if own is not None:
                if own.merged["replaced_by"] == line.code:
                    continue
                own.merged.update(replaced_by=line.code,
                                  **({} if ends else {"status": "replaced"}))
                if since and not own.read.get("withdrawn_on"):
                    own.merged["withdrawn_on"] = since
                continue
            old = existing[target]
            if (old.get("replaced_by") or "") == line.code:
                continue
            new = {**DEFAULTS, **old, "replaced_by": line.code,
                   **({} if ends else {"status": "replaced"})}
            new.pop("code", None)
            if since:
                new["withdrawn_on"] = since
            effects.setdefault(id(line), []).append(Line(
                line.line, target, Outcome.changed, by=line.code, detail={"by": line.code},
                values={"code": target, **new}, changes=_changes(old, new), merged=new))
    return effects


# Writing ----------------------------------------------------------------------------

def cells_of(values: Mapping[str, object]) -> list:
    """One standard's cells in COLUMNS order: dates as dates, status in Chinese, the
    adoption as "IDT ISO 105-C06:2010", the editions it replaces (a list, or the text
    of one) joined by "；"."""
    cells = []
    for column in COLUMNS:
        if column == "replaces":
            named = values.get("replaces") or ""
            cells.append(named if isinstance(named, str) else REPLACES_SEPARATOR.join(named))
        elif column == "status":
            cells.append(STATUS_ZH.get(values.get("status") or "", ""))
        elif column == "adoption":
            cells.append(" ".join(p for p in (values.get("adoption") or "",
                                              values.get("adopted_from") or "") if p))
        elif column in DATES:
            cells.append(values.get(column))
        else:
            cells.append(values.get(column) or "")
    return cells


def write_csv(records: Iterable[Mapping[str, object]]) -> bytes:
    """The catalogue as UTF-8 CSV with a BOM (so Excel reads the Chinese)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS.values())
    for values in records:
        writer.writerow(["" if c is None else inert(c.isoformat() if isinstance(c, date)
                                                        else c) for c in cells_of(values)])
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")


def write_xlsx(records: Iterable[Mapping[str, object]]) -> bytes:
    """The catalogue as one .xlsx sheet. Every text is written as text, so a title that
    begins with "=" stays a title and never becomes a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook(write_only=True)
    sheet = book.create_sheet("标准")

    def cell(value):
        if value is None or isinstance(value, date):
            return value  # openpyxl formats a date as yyyy-mm-dd
        value = ILLEGAL_CHARACTERS_RE.sub("", str(value))
        if not value.startswith(FORMULA_START):
            return value
        out = WriteOnlyCell(sheet, value=value)
        out.data_type = "s"  # openpyxl would write "=..." as a formula
        return out

    sheet.append([cell(h) for h in COLUMNS.values()])
    for values in records:
        sheet.append([cell(c) for c in cells_of(values)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
