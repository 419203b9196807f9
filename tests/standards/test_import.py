"""Administrators import the standards catalogue from CSV and Excel: a dry run reports
each line (added, changed, refused and why) and changes nothing; the real run of the
same file adds and changes exactly the good rows and links replacements; running it
again changes nothing; an export imported back changes nothing; bad uploads are refused
and leave no trace. A list as standards bodies publish it names, under 代替标准号, the
editions each row replaces; 被代替标准号 names what replaced a row. The worker's job is
called directly."""
import io
import os

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from blueprints.audit.models import AuditEvent
from blueprints.standards import import_runs
from blueprints.standards.import_runs import ImportState, StandardImport, StandardImportLine
from blueprints.standards.models import Adoption, Standard, StandardStatus
from blueprints.standards.references import parse_one
from blueprints.standards.search import search
from core import storage
from core.roles import Role
from core.uploads import MAX_UPLOAD
from extensions import db
from jobs import standard_imports

# 被代替标准号: what replaced each row.
HEADER = ["标准号", "中文名称", "英文名称", "状态", "发布日期", "实施日期", "废止日期", "被代替标准号",
          "ICS", "归口单位", "采标情况", "适用范围"]
ROWS = [
    # 2: good, and it replaces the edition on line 3
    ["GB/T 3920-2024", "纺织品 色牢度试验 耐摩擦色牢度", "Textiles—Tests for colour fastness—"
     "Colour fastness to rubbing", "现行", "2024-03-15", "2024/10/1", "", "", "59.080.01",
     "全国纺织品标准化技术委员会", "IDT ISO 105-X12:2016", "本文件规定了耐摩擦色牢度的试验方法"],
    # 3: changed (the catalogue has it current), written without spaces, with an em dash
    ["GB/T3920—2008", "纺织品 色牢度试验 耐摩擦色牢度", "", "被代替", "2008年8月1日", "2008-12-01",
     "2024-10-01", "GB/T 3920-2024", "59.080.01", "全国纺织品标准化技术委员会", "", ""],
    # 4: duplicated
    ["GB/T 3920-2008", "重复的一行", "", "现行", "", "", "", "", "", "", "", ""],
    # 5: good, replaced by a standard the catalogue already holds
    ["GB 18401-2003", "国家纺织产品基本安全技术规范", "", "被代替", "2003-11-27", "2005-01-01",
     "2011-08-01", "GB 18401-2010", "61.020", "", "", ""],
    # 6-9: broken
    ["GB/T 2912", "没有年份", "", "现行", "", "", "", "", "", "", "", ""],
    ["GB/T 2913-2013", "日期错", "", "现行", "2013-02-30", "", "", "", "", "", "", ""],
    ["GB/T 2914-2013", "状态错", "", "在用", "", "", "", "", "", "", "", ""],
    ["GB/T 2915-2013", "", "", "现行", "", "", "", "", "", "", "", ""],
    # 10: unchanged
    ["GB 18401-2010", "国家纺织产品基本安全技术规范", "", "现行", "2010-01-14", "2011-08-01", "", "",
     "61.020", "", "", ""],
]
REFUSED = {4: "same_as_line", 6: "undated", 7: "bad_date", 8: "unknown_status", 9: "no_title"}


# A list as published (国家标准公告): a title row, then each new standard with the
# editions it replaces.
NOTICE_HEADER = [["国家标准公告 2024年第7号"], ["序号", "标准编号", "标准名称", "代替标准号", "实施日期"]]
NOTICE = [
    # 3: replaces the catalogue's 2008 edition
    ["1", "GB/T 3920-2024", "纺织品 色牢度试验 耐摩擦色牢度", "GB/T 3920-2008", "2024-10-01"],
    # 4: undated: the edition in force (GB 18401-2010)
    ["2", "GB 18401-2025", "国家纺织产品基本安全技术规范", "GB 18401", "2026-01-01"],
    # 5: an edition neither in the catalogue nor in the file
    ["3", "GB/T 8888-2024", "纺织品 纤维含量的标识", "GB/T 8888-2003", "2024-10-01"],
]


def as_csv(rows=ROWS, header=(HEADER,)) -> bytes:
    import csv
    out = io.StringIO()
    csv.writer(out).writerows([*header, *rows])
    return out.getvalue().encode("gb18030")  # as Chinese Excel saves it


def as_xlsx(rows=ROWS, header=(HEADER,)) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in [*header, *rows]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


FILES = {"csv": as_csv, "xlsx": as_xlsx}


def add_standard(code: str, **values) -> Standard:
    row = Standard.from_reference(parse_one(code), **values)
    row.reindex()
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def catalogue(app):
    """What the desk holds before the import: the 2008 edition (current) and GB 18401."""
    add_standard("GB/T 3920-2008", title_zh="纺织品 色牢度试验 耐摩擦色牢度",
                 issued_on=parse_date("2008-08-01"), implemented_on=parse_date("2008-12-01"),
                 ics="59.080.01", body="全国纺织品标准化技术委员会")
    add_standard("GB 18401-2010", title_zh="国家纺织产品基本安全技术规范",
                 issued_on=parse_date("2010-01-14"), implemented_on=parse_date("2011-08-01"),
                 ics="61.020")


def parse_date(text):
    from datetime import date
    return date.fromisoformat(text)


def snapshot() -> list[tuple]:
    db.session.expire_all()
    return [tuple(r) for r in db.session.execute(select(Standard.__table__).order_by(
        Standard.id))]


def upload(client, data: bytes, name: str, dry_run: bool = True):
    form = {"file": (io.BytesIO(data), name)}
    if dry_run:
        form["dry_run"] = "y"
    return client.post("/standards/imports", data=form, content_type="multipart/form-data")


def run_uploaded(client, data, name, dry_run=True) -> StandardImport:
    resp = upload(client, data, name, dry_run)
    assert resp.status_code == 302, resp.get_data(as_text=True)
    run = db.session.scalars(select(StandardImport).order_by(StandardImport.id.desc())).first()
    assert resp.headers["Location"].endswith(f"/standards/imports/{run.id}")
    assert run.state == ImportState.queued and run.dry_run == dry_run
    assert standard_imports() == {"imports": 1}
    db.session.expire_all()
    return db.session.get(StandardImport, run.id)


def report(run) -> dict[int, tuple[str, str]]:
    return {line.line: (line.outcome.value, line.reason) for line in db.session.scalars(
        select(StandardImportLine).filter_by(import_id=run.id))}


def report_lines(run) -> list[tuple]:
    return [(line.line, line.code, line.outcome.value, line.reason) for line in
            db.session.scalars(select(StandardImportLine).filter_by(import_id=run.id)
                               .order_by(StandardImportLine.id))]


@pytest.mark.parametrize("kind", FILES)
def test_a_dry_run_reports_each_line_and_changes_nothing(client, login, users, catalogue,
                                                         kind):
    login(users[Role.admin])
    before = snapshot()
    run = run_uploaded(client, FILES[kind](), f"目录.{kind}")
    assert (run.state, run.kind, run.total, run.done) == (ImportState.done, kind, 9, 9)
    assert (run.added, run.changed, run.unchanged, run.refused) == (2, 1, 1, 5)
    assert report(run) == {2: ("added", ""), 3: ("changed", ""), 5: ("added", ""),
                           **{n: ("refused", why) for n, why in REFUSED.items()}}
    assert snapshot() == before
    assert db.session.scalar(select(func.count(AuditEvent.id)).filter_by(
        action="catalogue_imported")) == 0

    progress = client.get(f"/standards/imports/{run.id}/progress").get_json()
    assert (progress["state"], progress["done"], progress["total"]) == ("done", 9, 9)
    page = client.get(f"/standards/imports/{run.id}").get_data(as_text=True)
    assert "GB/T 3920-2008" in page and "GB/T 2912" in page and "2013-02-30" in page
    assert "被代替" in page or "Replaced" in page          # the status change, old → new
    refused_only = client.get(f"/standards/imports/{run.id}?outcome=refused").get_data(
        as_text=True)
    assert "GB/T 3920-2024" not in refused_only and "GB/T 2914-2013" in refused_only


def test_the_real_run_adds_and_changes_exactly_the_good_rows_and_links_replacements(
        client, login, users, catalogue):
    login(users[Role.admin])
    dry = run_uploaded(client, as_xlsx(), "目录.xlsx")
    resp = client.post(f"/standards/imports/{dry.id}/apply")
    real = db.session.scalars(select(StandardImport).filter_by(follows_id=dry.id)).one()
    assert resp.headers["Location"].endswith(f"/standards/imports/{real.id}")
    assert not real.dry_run and real.stored_name == dry.stored_name
    assert client.post(f"/standards/imports/{dry.id}/apply").status_code == 302  # once only
    assert db.session.scalar(select(func.count(StandardImport.id))) == 2
    assert standard_imports() == {"imports": 1}
    db.session.expire_all()
    assert (real.state, real.added, real.changed, real.unchanged, real.refused) == \
        (ImportState.done, 2, 1, 1, 5)

    rows = {s.code: s for s in db.session.scalars(select(Standard))}
    assert set(rows) == {"GB/T 3920-2008", "GB/T 3920-2024", "GB 18401-2003", "GB 18401-2010"}
    new, old = rows["GB/T 3920-2024"], rows["GB/T 3920-2008"]
    assert (new.status, new.adoption, new.adopted_from) == (
        StandardStatus.current, Adoption.identical, "ISO 105-X12:2016")
    assert new.title_en.startswith("Textiles") and new.implemented_on.isoformat() == "2024-10-01"
    assert (old.status, old.replaced_by, old.withdrawn_on.isoformat()) == (
        StandardStatus.replaced, new, "2024-10-01")
    assert rows["GB 18401-2003"].replaced_by == rows["GB 18401-2010"]
    assert [s.code for s in search("耐摩擦色牢度")] == ["GB/T 3920-2024", "GB/T 3920-2008"]
    assert old.title_zh == "纺织品 色牢度试验 耐摩擦色牢度"  # not the duplicated row's
    events = db.session.scalars(select(AuditEvent).filter_by(action="catalogue_imported")).all()
    assert len(events) == 1 and events[0].entity_id == real.id
    assert events[0].after["added"] == 2

    # The same file again, straight to a real run: nothing to add or change.
    before = snapshot()
    again = run_uploaded(client, as_csv(), "目录.csv", dry_run=False)
    assert (again.added, again.changed, again.unchanged, again.refused) == (0, 0, 4, 5)
    assert snapshot() == before


def test_an_export_imported_back_changes_nothing(client, login, users, catalogue):
    login(users[Role.admin])
    run_uploaded(client, as_csv(), "目录.csv", dry_run=False)
    run_uploaded(client, as_csv(NOTICE, NOTICE_HEADER), "公告.csv", dry_run=False)
    tricky = db.session.scalar(select(Standard).filter_by(code="GB 18401-2010"))
    tricky.title_en, tricky.scope_zh = "=cmd|' /C calc'!A0", "-第一行\n第二行"
    db.session.commit()
    before = snapshot()
    for kind in FILES:
        resp = client.get(f"/standards/export.{kind}")
        assert resp.status_code == 200 and "attachment" in resp.headers["Content-Disposition"]
        if kind == "csv":
            import csv
            rows = {row["标准号"]: row for row in csv.DictReader(io.StringIO(
                resp.data.decode("utf-8-sig"), newline=""))}
            assert rows["GB/T 3920-2024"]["代替标准号"] == "GB/T 3920-2008"
            assert rows["GB/T 3920-2008"]["被代替标准号"] == "GB/T 3920-2024"
            assert rows["GB 18401-2010"]["代替标准号"] == "GB 18401-2003"
        again = run_uploaded(client, resp.data, f"export.{kind}", dry_run=False)
        assert (again.added, again.changed, again.unchanged, again.refused) == (0, 0, 5, 0)
    assert snapshot() == before


@pytest.mark.parametrize("kind", FILES)
def test_a_published_list_replaces_the_editions_it_names(client, login, users, catalogue,
                                                         kind):
    login(users[Role.admin])
    data = FILES[kind](NOTICE, NOTICE_HEADER)
    before = snapshot()
    dry = run_uploaded(client, data, f"公告.{kind}")
    assert (dry.state, dry.total, dry.done) == (ImportState.done, 3, 3)
    # Each edition replaced is a change of its own, on the line that replaces it.
    assert (dry.added, dry.changed, dry.unchanged, dry.refused) == (2, 2, 0, 1)
    assert report_lines(dry) == [
        (3, "GB/T 3920-2024", "added", ""), (3, "GB/T 3920-2008", "changed", ""),
        (4, "GB 18401-2025", "added", ""), (4, "GB 18401-2010", "changed", ""),
        (5, "GB/T 8888-2024", "refused", "replaces_unknown")]
    assert snapshot() == before
    page = client.get(f"/standards/imports/{dry.id}").get_data(as_text=True)
    assert "GB/T 3920-2008" in page and "2024-10-01" in page and "GB/T 8888-2003" in page
    assert "被代替" in page or "Replaced" in page

    client.post(f"/standards/imports/{dry.id}/apply")
    assert standard_imports() == {"imports": 1}
    real = db.session.scalars(select(StandardImport).filter_by(follows_id=dry.id)).one()
    db.session.expire_all()
    assert (real.state, real.added, real.changed, real.unchanged, real.refused) == \
        (ImportState.done, 2, 2, 0, 1)
    assert (real.total, real.done) == (3, 3)
    rows = {s.code: s for s in db.session.scalars(select(Standard))}
    assert set(rows) == {"GB/T 3920-2008", "GB/T 3920-2024", "GB 18401-2010", "GB 18401-2025"}
    new, old = rows["GB/T 3920-2024"], rows["GB/T 3920-2008"]
    assert (new.status, new.replaced_by, new.implemented_on.isoformat()) == (
        StandardStatus.current, None, "2024-10-01")
    assert (old.status, old.replaced_by, old.withdrawn_on.isoformat()) == (
        StandardStatus.replaced, new, "2024-10-01")
    assert old.title_zh == "纺织品 色牢度试验 耐摩擦色牢度" and old.ics == "59.080.01"
    assert (rows["GB 18401-2010"].status, rows["GB 18401-2010"].replaced_by,
            rows["GB 18401-2010"].withdrawn_on.isoformat()) == (
        StandardStatus.replaced, rows["GB 18401-2025"], "2026-01-01")
    assert rows["GB 18401-2010"].edition().replaced_by == "GB 18401-2025"

    # The same list again (the undated reference now finds 2010 replaced by this row):
    # nothing to change.
    before = snapshot()
    again = run_uploaded(client, data, f"公告.{kind}", dry_run=False)
    assert (again.added, again.changed, again.unchanged, again.refused) == (0, 0, 2, 1)
    assert report_lines(again) == [(5, "GB/T 8888-2024", "refused", "replaces_unknown")]
    assert snapshot() == before


def test_an_undated_edition_that_cannot_be_found_refuses_the_row(client, login, users,
                                                                  catalogue):
    login(users[Role.admin])
    rows = [["1", "GB/T 9999-2024", "无处可寻", "GB/T 9999", "2024-10-01"],
            # one edition found, one not: nothing of the row is applied
            ["2", "GB/T 3920-2024", "耐摩擦", "GB/T 3920-2008；GB/T 3920-1997", "2024-10-01"]]
    before = snapshot()
    run = run_uploaded(client, as_csv(rows, NOTICE_HEADER), "公告.csv", dry_run=False)
    assert (run.added, run.changed, run.unchanged, run.refused) == (0, 0, 0, 2)
    assert report_lines(run) == [(3, "GB/T 9999-2024", "refused", "replaces_unresolved"),
                                 (4, "GB/T 3920-2024", "refused", "replaces_unknown")]
    page = client.get(f"/standards/imports/{run.id}?outcome=refused").get_data(as_text=True)
    assert "GB/T 9999" in page and "GB/T 3920-1997" in page
    assert snapshot() == before


def test_only_administrators_reach_imports(client, login, users, catalogue):
    login(users[Role.admin])
    run = run_uploaded(client, as_csv(), "目录.csv")
    urls = ["/standards/imports", f"/standards/imports/{run.id}",
            f"/standards/imports/{run.id}/progress", "/standards/export.csv",
            "/standards/export.xlsx"]
    for role in (Role.sme, Role.citizen, Role.lab_staff, Role.lab_manager):
        login(users[role])
        for url in urls:
            assert client.get(url).status_code in (403, 404), (role, url)
        assert upload(client, as_csv(), "x.csv").status_code == 403
        assert client.post(f"/standards/imports/{run.id}/apply").status_code == 403
    client.post("/logout")
    assert client.get("/standards/imports").status_code == 302  # to the sign-in page
    assert db.session.scalar(select(func.count(StandardImport.id))) == 1


@pytest.mark.parametrize("data,name", [
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "目录.csv"),           # a picture, named .csv
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", "目录.xlsx"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "目录.xls"),
    ("名称,说明\n纺织品,没有标准号\n".encode(), "目录.csv"),       # no column of numbers
    (b"", "empty.csv"),
    (as_csv() + b"#" * MAX_UPLOAD, "big.csv"),                  # past 10 MB
])
def test_a_bad_upload_is_refused_with_a_reason_and_leaves_nothing(app, client, login, users,
                                                                  data, name):
    login(users[Role.admin])
    resp = upload(client, data, name)
    assert resp.status_code == 400
    assert 'class="error"' in resp.get_data(as_text=True)
    assert db.session.scalar(select(func.count(StandardImport.id))) == 0
    imports = os.path.join(app.config["UPLOAD_FOLDER"], "standard-imports")
    assert not os.path.exists(imports) or not os.listdir(imports)


def test_a_run_whose_file_is_gone_stops_and_says_why(client, login, users, catalogue):
    login(users[Role.admin])
    resp = upload(client, as_csv(), "目录.csv")
    assert resp.status_code == 302
    run = db.session.scalars(select(StandardImport)).one()
    storage.delete(run.key)
    import_runs.run_next_import()
    db.session.expire_all()
    assert run.state == ImportState.failed and run.error
    assert client.get(f"/standards/imports/{run.id}").status_code == 200
    assert not run.can_apply()
