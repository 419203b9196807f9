"""A standards catalogue file (CSV in UTF-8 or GB18030, or Excel) read, checked row by
row and compared with the catalogue, keyed on the normalised number; and written back
in the same columns, with no text that a spreadsheet would run as a formula. 代替标准号
names the editions a row replaces (as published lists write it), 被代替标准号 the edition
that replaced it. No app."""
import codecs
import io
import json
import subprocess
import sys
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from blueprints.standards import importing
from blueprints.standards.importing import Outcome, Refused, UnreadableFile
from tests.conftest import ROOT

# 被代替标准号: what replaced each row (the rows below say "replaced by").
HEADER = "标准号,中文名称,英文名称,状态,发布日期,实施日期,废止日期,被代替标准号,ICS,归口单位,采标情况,适用范围"
ROWS = [
    # good: a new edition
    "GB/T 3920-2024,纺织品 色牢度试验 耐摩擦色牢度,Textiles—Colour fastness to rubbing,现行,"
    "2024-03-15,2024/10/1,,,59.080.01,全国纺织品标准化技术委员会,IDT ISO 105-X12:2016,本文件规定",
    # changed: the old edition is now replaced by the new one (written without spaces)
    "GB/T3920—2008,纺织品 色牢度试验 耐摩擦色牢度,,被代替,2008年8月1日,2008-12-01,2024-10-01,"
    "GB/T 3920-2024,59.080.01,全国纺织品标准化技术委员会,,",
    # duplicated: the same edition as the line above
    "GB/T 3920-2008,重复,,现行,,,,,,,,",
    # broken rows
    "GB/T 3921,无年份,,现行,,,,,,,,",
    "GB/T 3922-2013,日期错,,现行,2013-02-30,,,,,,,",
    "GB/T 3923.1-2013,状态错,,在用,,,,,,,,",
    "GB/T 3924-2013,,,现行,,,,,,,,",
    "GB/T 3925-2013,分类错,,现行,,,,,99.999,,,",
    "XYZ 12,读不懂,,现行,,,,,,,,",
]


def sheet_of(rows=ROWS, header=HEADER, encoding="utf-8") -> importing.Sheet:
    return importing.read("\n".join([header, *rows]).encode(encoding))


EXISTING = {"GB/T 3920-2008": {**importing.DEFAULTS, "code": "GB/T 3920-2008",
                               "title_zh": "纺织品 色牢度试验 耐摩擦色牢度", "status": "current",
                               "issued_on": date(2008, 8, 1), "implemented_on": date(2008, 12, 1),
                               "ics": "59.080.01", "body": "全国纺织品标准化技术委员会"}}


def by_line(plan: importing.Plan) -> dict[int, importing.Line]:
    return {line.line: line for line in plan.lines}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_csv_is_read_in_each_encoding_excel_writes(encoding):
    sheet = sheet_of(encoding=encoding)
    assert [row.line for row in sheet.rows] == list(range(2, 2 + len(ROWS)))
    assert sheet.rows[0].cells["title_zh"] == "纺织品 色牢度试验 耐摩擦色牢度"
    assert "scope_en" not in sheet.columns and "scope_zh" in sheet.columns


def test_english_headers_a_title_row_and_semicolons():
    text = ("Standards published in March\n\n"
            "Code;Title_EN;Status;Issued;ICS;Notes\n"
            "GB/T 1-2020;Directives;current;2020-03-31;01.120;x\n")
    sheet = importing.read(text.encode())
    assert sheet.columns == {"code", "title_en", "status", "issued_on", "ics"}
    assert sheet.ignored == ("Notes",)
    assert sheet.rows[0].line == 4 and sheet.rows[0].cells["code"] == "GB/T 1-2020"


def test_a_file_without_a_column_of_numbers_or_that_is_no_table_is_refused():
    for data, code in [(b"name,title\nx,y\n", "no_number_column"), (b"", "empty"),
                       (b"%PDF-1.4 ...", "wrong_type"), (b"\x89PNG\r\n\x1a\n\x00\x00", "wrong_type"),
                       (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 50, "xls"),
                       (b"\xff\xfe\x00\xd8\x00", "encoding"), (b"code\n\x01\x02\x03", "wrong_type")]:
        with pytest.raises(UnreadableFile) as err:
            importing.check(data)
        assert err.value.code == code, data
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("word/document.xml", "<w/>")
    with pytest.raises(UnreadableFile, match="wrong_type"):
        importing.check(archive.getvalue())


def test_the_plan_says_what_each_line_would_do_and_why():
    plan = importing.plan(sheet_of(), EXISTING)
    lines = by_line(plan)
    assert lines[2].outcome == Outcome.added and lines[2].code == "GB/T 3920-2024"
    assert lines[2].values["implemented_on"] == date(2024, 10, 1)
    assert (lines[2].values["adoption"], lines[2].values["adopted_from"]) == \
        ("IDT", "ISO 105-X12:2016")
    assert lines[3].outcome == Outcome.changed and lines[3].code == "GB/T 3920-2008"
    assert {name: (old, new) for name, old, new in lines[3].changes} == {
        "status": ("current", "replaced"), "withdrawn_on": (None, date(2024, 10, 1)),
        "replaced_by": ("", "GB/T 3920-2024")}
    refused = {n: (line.reason, line.detail) for n, line in lines.items()
               if line.outcome == Outcome.refused}
    assert refused == {
        4: ("same_as_line", {"line": 3}),
        5: ("undated", {"value": "GB/T 3921"}),
        6: ("bad_date", {"column": "issued_on", "value": "2013-02-30"}),
        7: ("unknown_status", {"value": "在用"}),
        8: ("no_title", {}),
        9: ("unknown_ics", {"value": "99.999"}),
        10: ("unreadable_number", {"value": "XYZ 12"}),
    }
    assert plan.counts == {"added": 1, "changed": 1, "unchanged": 0, "refused": 7}
    assert json.loads(json.dumps([line.report() for line in plan.lines]))[1]["changes"][1] == \
        ["withdrawn_on", None, "2024-10-01"]


def test_a_row_that_matches_the_catalogue_is_unchanged_and_missing_columns_are_kept():
    existing = {"GB/T 3920-2008": {**EXISTING["GB/T 3920-2008"], "scope_zh": "旧范围"}}
    sheet = importing.read("标准号,中文名称,状态\nGB/T 3920-2008,纺织品 色牢度试验 耐摩擦色牢度,现行\n"
                           .encode())
    assert importing.plan(sheet, existing).lines[0].outcome == Outcome.unchanged


def test_replacements_must_be_in_the_catalogue_or_taken_from_the_file():
    rows = ["GB/T 1-2000,甲,,被代替,,,,GB/T 1-2020,,,,",      # replacement refused below
            "GB/T 1-2020,,,现行,,,,,,,,",                     # no title
            "GB/T 2-2000,乙,,被代替,,,,GB/T 2-2020,,,,",      # replacement nowhere
            "GB/T 3-2000,丙,,被代替,,,,GB/T 3-2020,,,,",      # replacement later in the file
            "GB/T 3-2020,丙,,现行,,,,,,,,",
            "GB/T 4-2010,丁,,现行,,,,GB/T 4-2000,,,,",        # an older edition: backwards
            "GB/T 5-2010,戊,,被代替,,,,GB/T 9-2020,,,,"]      # replacement in the catalogue
    lines = by_line(importing.plan(sheet_of(rows), {"GB/T 9-2020": dict(importing.DEFAULTS)}))
    assert (lines[2].reason, lines[2].detail) == ("replacement_refused",
                                                  {"value": "GB/T 1-2020", "line": 3})
    assert lines[4].reason == "replacement_unknown"
    assert lines[5].outcome == lines[6].outcome == lines[8].outcome == Outcome.added
    assert lines[7].reason == "replacement_older"


@pytest.mark.parametrize("written,expected", [
    ("2008-08-01", date(2008, 8, 1)), ("2008/8/1", date(2008, 8, 1)),
    ("2008年8月1日", date(2008, 8, 1)), ("20080801", date(2008, 8, 1)),
    ("2008-08-01 00:00:00", date(2008, 8, 1)), (datetime(2008, 8, 1), date(2008, 8, 1)),
    (39661, date(2008, 8, 1)), ("", None), (None, None)])
def test_dates_as_people_and_excel_write_them(written, expected):
    assert importing.day(written, "issued_on") == expected


@pytest.mark.parametrize("written", ["2008-13-01", "1.8.2008", "soon", "1800-01-01"])
def test_a_bad_date_is_refused(written):
    with pytest.raises(Refused, match="bad_date"):
        importing.day(written, "issued_on")


@pytest.mark.parametrize("written,status", [
    ("现行", "current"), ("废止", "withdrawn"), ("被代替", "replaced"), ("即将实施", "upcoming"),
    ("Current", "current"), ("withdrawn", "withdrawn"), ("Replaced", "replaced"),
    ("upcoming", "upcoming")])
def test_status_words_in_either_language(written, status):
    assert importing.status(written) == status


@pytest.mark.parametrize("written,read", [
    ("IDT ISO 105-C06:2010", ("IDT", "ISO 105-C06:2010")),
    ("ISO 105-C06: 2010，MOD", ("MOD", "ISO 105-C06:2010")),
    ("等同采用 ISO 3071:2020", ("IDT", "ISO 3071:2020")), ("NEQ", ("NEQ", "")), ("", ("", ""))])
def test_adoption(written, read):
    assert importing.adoption(written) == read


@pytest.mark.parametrize("written", ["EQV ISO 3071:2020", "ISO 3071:2020", "IDT MOD"])
def test_an_adoption_without_one_degree_is_refused(written):
    with pytest.raises(Refused, match="unknown_adoption"):
        importing.adoption(written)


def test_ics_codes_as_excel_may_have_kept_them():
    assert importing.ics_codes("59.080.01; 61.06") == "59.080.01 61.060"
    assert importing.ics_codes(61.06) == "61.060"
    assert importing.ics_codes("") == ""


def test_every_header_names_one_column():
    seen = {}
    for column, aliases in importing.ALIASES.items():
        for alias in aliases:
            assert seen.setdefault(importing._key(alias), column) == column, alias
    assert all(importing.HEADERS[importing._key(h)][0] == c for c, h in importing.COLUMNS.items())
    # 代替标准号 on a row names what it replaces; 被代替标准号 what replaced it.
    for header in ("代替标准号", "代替标准", "replaces"):
        assert importing.HEADERS[importing._key(header)][0] == "replaces", header
    for header in ("被代替标准号", "被代替为", "被以下标准代替", "replaced by", "replaced_by"):
        assert importing.HEADERS[importing._key(header)][0] == "replaced_by", header
    assert (importing.COLUMNS["replaces"], importing.COLUMNS["replaced_by"]) == \
        ("代替标准号", "被代替标准号")


# A list as standards bodies publish it (国家标准公告): each new standard, with the
# editions it replaces.
NOTICE = "国家标准公告 2024年第7号\n序号,标准编号,标准名称,代替标准号,实施日期\n"
OLD_2008 = EXISTING["GB/T 3920-2008"]
NEW_2024 = {**importing.DEFAULTS, "code": "GB/T 3920-2024",
            "title_zh": "纺织品 色牢度试验 耐摩擦色牢度", "implemented_on": date(2024, 10, 1)}


def notice(*rows: str) -> importing.Sheet:
    return importing.read((NOTICE + "\n".join(rows) + "\n").encode("gb18030"))


def test_a_published_list_marks_the_editions_each_row_replaces():
    sheet = notice("1,GB/T 3920-2024,纺织品 色牢度试验 耐摩擦色牢度,GB/T 3920-2008,2024-10-01")
    assert sheet.columns == {"code", "title_zh", "replaces", "implemented_on"}
    assert sheet.ignored == ("序号",)
    plan = importing.plan(sheet, EXISTING)
    new, old = plan.lines
    assert (new.line, new.code, new.outcome) == (3, "GB/T 3920-2024", Outcome.added)
    assert new.values["status"] == "current" and new.values["replaced_by"] == ""
    # The effect on the 2008 edition, reported on the same line, counted as changed.
    assert (old.line, old.code, old.outcome, old.by) == (3, "GB/T 3920-2008", Outcome.changed,
                                                         "GB/T 3920-2024")
    assert old.changes == [("status", "current", "replaced"),
                           ("withdrawn_on", None, date(2024, 10, 1)),
                           ("replaced_by", "", "GB/T 3920-2024")]
    assert old.values["title_zh"] == OLD_2008["title_zh"] and old.values["code"] == old.code
    assert plan.counts == {"added": 1, "changed": 1, "unchanged": 0, "refused": 0}
    assert json.loads(json.dumps([line.report() for line in plan.lines]))[1] == {
        "line": 3, "code": "GB/T 3920-2008", "outcome": "changed", "reason": "",
        "detail": {"by": "GB/T 3920-2024"},
        "changes": [["status", "current", "replaced"], ["withdrawn_on", None, "2024-10-01"],
                    ["replaced_by", "", "GB/T 3920-2024"]]}

    # Once applied, the same list changes nothing.
    applied = {"GB/T 3920-2008": {**OLD_2008, "status": "replaced",
                                  "withdrawn_on": date(2024, 10, 1),
                                  "replaced_by": "GB/T 3920-2024"},
               "GB/T 3920-2024": NEW_2024}
    again = importing.plan(sheet, applied)
    assert [(line.code, line.outcome) for line in again.lines] == [
        ("GB/T 3920-2024", Outcome.unchanged)]


def test_an_edition_replaced_by_one_not_yet_in_force_stays_in_force_until_then():
    sheet = importing.read(("标准编号,标准名称,代替标准号,实施日期,状态\n"
                            "GB/T 3920-2024,纺织品 色牢度试验 耐摩擦色牢度,GB/T 3920-2008,"
                            "2027-01-01,即将实施\n").encode())
    new, old = importing.plan(sheet, EXISTING).lines
    assert new.values["status"] == "upcoming"
    # Still 现行 until 2027-01-01, with its end and its successor named.
    assert old.changes == [("withdrawn_on", None, date(2027, 1, 1)),
                           ("replaced_by", "", "GB/T 3920-2024")]


def test_several_editions_replaced_and_no_date_to_withdraw_them_on():
    existing = {**EXISTING, "GB/T 3921-2008": {**OLD_2008, "code": "GB/T 3921-2008",
                                               "withdrawn_on": date(2020, 1, 1)}}
    for written in ("GB/T 3920-2008；GB/T 3921-2008", "GB/T3920—2008; GB/T 3921-2008",
                    "代替GB/T 3920-2008，GB/T 3921-2008"):
        plan = importing.plan(notice(f'1,GB/T 3920-2024,耐摩擦,"{written}",'), existing)
        assert [(line.code, line.outcome) for line in plan.lines] == [
            ("GB/T 3920-2024", Outcome.added), ("GB/T 3920-2008", Outcome.changed),
            ("GB/T 3921-2008", Outcome.changed)], written
        # No 实施日期 on the row: the withdrawal date is left as it was.
        assert [line.values["withdrawn_on"] for line in plan.lines[1:]] == [
            None, date(2020, 1, 1)]
    for nothing in ("无", "—", ""):  # as lists write "replaces nothing"
        plan = importing.plan(notice(f"1,GB/T 3920-2024,耐摩擦,{nothing},"), existing)
        assert [line.outcome for line in plan.lines] == [Outcome.added], nothing


def test_an_undated_edition_replaced_is_the_one_in_force_before_the_import():
    existing = {**EXISTING,
                "GB/T 3920-1997": {**OLD_2008, "code": "GB/T 3920-1997", "status": "replaced",
                                   "replaced_by": "GB/T 3920-2008"},
                # in the catalogue already, without the link: still not what it replaces
                "GB/T 3920-2024": NEW_2024}
    sheet = notice("1,GB/T 3920-2024,纺织品 色牢度试验 耐摩擦色牢度,GB/T 3920,2024-10-01")
    assert importing.keys_of(importing.check_rows(sheet)) == {"GB/T 3920"}
    plan = importing.plan(sheet, existing)
    assert [(line.code, line.outcome) for line in plan.lines] == [
        ("GB/T 3920-2024", Outcome.unchanged), ("GB/T 3920-2008", Outcome.changed)]
    # Applied: the same list finds 2008 again, already replaced by this row.
    existing["GB/T 3920-2008"] = {**OLD_2008, "status": "replaced",
                                  "withdrawn_on": date(2024, 10, 1),
                                  "replaced_by": "GB/T 3920-2024"}
    assert importing.plan(sheet, existing).counts["changed"] == 0

    # The edition in force may be a row of the file: it is marked on its own line.
    both = notice("1,GB/T 5-2008,五,,2008-12-01", "2,GB/T 5-2024,五,GB/T 5,2024-10-01")
    lines = importing.plan(both, {}).lines
    assert [(line.code, line.outcome) for line in lines] == [
        ("GB/T 5-2008", Outcome.added), ("GB/T 5-2024", Outcome.added)]
    assert (lines[0].values["status"], lines[0].values["replaced_by"],
            lines[0].values["withdrawn_on"]) == ("replaced", "GB/T 5-2024", date(2024, 10, 1))

    # Nothing known of it: refused with the reason.
    lines = importing.plan(notice("1,GB/T 9-2024,九,GB/T 9,2024-10-01"), {}).lines
    assert [(line.outcome, line.reason, line.detail) for line in lines] == [
        (Outcome.refused, "replaces_unresolved", {"value": "GB/T 9"})]


def test_an_edition_replaced_that_cannot_be_found_refuses_the_row_whole():
    plan = importing.plan(notice(
        "1,GB/T 3920-2024,耐摩擦,GB/T 3920-2008；GB/T 7-2000,2024-10-01",  # one unknown
        "2,GB/T 8-2024,八,GB/T 8-2000,2024-10-01",                          # unknown
        "3,GB/T 9-2024,九,GB/T 9-2024,",                                     # itself
        "4,GB/T 10-2008,十,GB/T 10-2024,",                                   # a newer one
        "5,GB/T 11-2024,十一,XYZ 1,",                                        # unreadable
        "6,GB/T 12-2024,十二,GB/T 12（所有部分）,"), EXISTING)
    assert [(line.line, line.outcome, line.reason, line.detail) for line in plan.lines] == [
        (3, Outcome.refused, "replaces_unknown", {"value": "GB/T 7-2000"}),
        (4, Outcome.refused, "replaces_unknown", {"value": "GB/T 8-2000"}),
        (5, Outcome.refused, "replaces_itself", {}),
        (6, Outcome.refused, "replaces_newer", {"value": "GB/T 10-2024"}),
        (7, Outcome.refused, "unreadable_replaces", {"value": "XYZ 1"}),
        (8, Outcome.refused, "replaces_all_parts", {"value": "GB/T 12（所有部分）"})]


def test_rows_that_disagree_about_what_replaced_what_are_refused():
    header = "标准号,中文名称,状态,代替标准号,被代替标准号,实施日期"
    rows = ["GB/T 1-2008,一,现行,,,",                  # says it is in force ...
            "GB/T 1-2024,一,现行,GB/T 1-2008,,",       # ... so this cannot replace it
            "GB/T 2-2008,二,被代替,,GB/T 2-2024,",     # agrees with the row below
            "GB/T 2-2024,二,现行,GB/T 2-2008,,2024-10-01",
            "GB/T 3-2024,三,现行,GB/T 3920-2008,,",
            "GB/T 4-2024,四,现行,GB/T 3920-2008,,",    # the edition line 6 replaces
            "GB/T 5-2008,五,现行,,,2008-02-30",        # refused: its date
            "GB/T 5-2024,五,现行,GB/T 5-2008,,",
            "GB/T 6-2024,六,现行,GB/T 7-2024,GB/T 7-2024,",  # replaced by what it replaces
            "GB/T 7-2024,七,现行,,,"]
    lines = by_line(importing.plan(sheet_of(rows, header), EXISTING))
    refused = {n: (line.reason, line.detail) for n, line in lines.items()
               if line.outcome == Outcome.refused}
    assert refused == {
        3: ("replaces_contradicted", {"value": "GB/T 1-2008", "line": 2}),
        7: ("replaces_twice", {"value": "GB/T 3920-2008", "line": 6}),
        8: ("bad_date", {"column": "implemented_on", "value": "2008-02-30"}),
        9: ("replaces_refused", {"value": "GB/T 5-2008", "line": 8}),
        10: ("replaces_its_replacement", {"value": "GB/T 7-2024"})}
    # The edition the row below replaces, and says so itself: withdrawn on its own date
    # (none here), the file's word kept.
    assert (lines[4].values["status"], lines[4].values["replaced_by"],
            lines[4].values["withdrawn_on"]) == ("replaced", "GB/T 2-2024", None)
    assert lines[5].outcome == Outcome.added


def test_the_replaced_by_column_keeps_its_meaning():
    for header in ("被代替标准号", "被代替为", "replaced by"):
        title = OLD_2008["title_zh"]
        sheet = importing.read(f"标准号,中文名称,{header}\nGB/T 3920-2008,{title},GB/T 3920-2024\n"
                               f"GB/T 3920-2024,{title},\n".encode())
        old, new = importing.plan(sheet, EXISTING).lines
        assert {name: (before, after) for name, before, after in old.changes} == {
            "replaced_by": ("", "GB/T 3920-2024")}, header
        assert new.outcome == Outcome.added and not new.replaces


RECORDS = [
    {**importing.DEFAULTS, "code": "GB/T 3920-2008", "title_zh": "纺织品 色牢度试验",
     "title_en": "=HYPERLINK(\"http://evil.example\",\"x\")", "status": "replaced",
     "issued_on": date(2008, 8, 1), "withdrawn_on": date(2024, 10, 1),
     "replaced_by": "GB/T 3920-2024", "ics": "59.080.01", "body": "+SAC/TC 209",
     "adoption": "IDT", "adopted_from": "ISO 105-X12:2001", "scope_zh": "-本文件\n第二行",
     "scope_en": "@SUM(1)"},
    {**importing.DEFAULTS, "code": "GB/T 3920-2024", "title_zh": "纺织品 色牢度试验",
     "implemented_on": date(2024, 10, 1), "ics": "59.080.01 61.060",
     "replaces": ["GB/T 3920-2008"]},
]


@pytest.mark.parametrize("write", [importing.write_csv, importing.write_xlsx])
def test_an_export_reads_back_unchanged(write):
    data = write(RECORDS)
    sheet = importing.read(data)
    assert sheet.columns == set(importing.COLUMNS)
    assert [row.cells["replaces"] for row in sheet.rows] == [None, "GB/T 3920-2008"]
    assert [row.cells["replaced_by"] for row in sheet.rows] == ["GB/T 3920-2024", None]
    existing = {r["code"]: {k: v for k, v in r.items() if k not in ("code", "replaces")}
                for r in RECORDS}
    plan = importing.plan(sheet, existing)
    assert [line.outcome for line in plan.lines] == [Outcome.unchanged, Outcome.unchanged], \
        [(line.reason, line.changes) for line in plan.lines]


def test_the_csv_export_has_a_bom_and_guards_formulas():
    text = importing.write_csv(RECORDS)
    assert text.startswith(codecs.BOM_UTF8)
    assert "'=HYPERLINK" in text.decode("utf-8-sig") and "'+SAC" in text.decode("utf-8-sig")


def test_text_that_looks_like_a_formula_stays_text_in_excel():
    book = load_workbook(io.BytesIO(importing.write_xlsx(RECORDS)))  # not read-only: types
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    row = {h: c for h, c in zip(header, sheet[2], strict=True)}
    for name in ("英文名称", "归口单位", "适用范围", "英文适用范围"):
        assert row[name].data_type == "s", name
        assert row[name].value[0] in "=+-@"
    assert row["发布日期"].is_date
    xml = zipfile.ZipFile(io.BytesIO(importing.write_xlsx(RECORDS))).read(
        "xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml


def test_an_xlsx_written_by_excel_with_dates_and_numbers_is_read():
    book = Workbook()
    sheet = book.active
    sheet.append(["国家标准目录"])
    sheet.append(["标准号", "中文名称", "状态", "发布日期", "ICS"])
    sheet.append(["GB/T 1-2020", "标准化工作导则", "现行", datetime(2020, 3, 31), 1.12])
    out = io.BytesIO()
    book.save(out)
    plan = importing.plan(importing.read(out.getvalue()), {})
    line = plan.lines[0]
    assert line.line == 3 and line.outcome == Outcome.added
    assert line.values["issued_on"] == date(2020, 3, 31) and line.values["ics"] == "01.120"


def test_the_rules_load_without_flask_or_the_database():
    probe = ("import sys, blueprints.standards.importing; "
             "print(sorted(m for m in ('flask', 'sqlalchemy', 'openpyxl') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "[]"
