"""The dashboards over HTTP: the desk sees the county, a lab manager only their lab,
the public only aggregates with small figures left out; filters that do not read are
refused with a message; a page runs the same statements whatever it covers."""
import re

import pytest

from blueprints.dashboards.refresh import refresh
from core.roles import Role
from extensions import db
from tests import factories
from tests.dashboards.june import build_june, issue, part, steps

JUNE = {"since": "2026-06", "until": "2026-06"}


def figure(page: str, ident: str) -> str:
    found = re.search(rf'id="{ident}">(.*?)</div>', page, re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


@pytest.fixture
def june(users):
    built = build_june(users)
    refresh()
    return built


def test_the_desk_sees_the_county_as_counted(client, login, users, june):
    login(users[Role.admin])
    page = client.get("/dashboards/", query_string=JUNE).get_data(as_text=True)
    assert [figure(page, f) for f in ("fig-requests", "fig-items", "fig-done", "fig-pass",
                                      "fig-median", "fig-on-time")] == \
        ["3", "4", "3", "66.7%", "6 / 6", "66.7%"]
    assert june.lab.name_zh in page
    assert figure(page, "fig-served") == "1"        # the citizen is no enterprise
    # P3 is the one part still open, submitted in June: over 60 days old now.
    assert _page_tables(page)["backlog"] == [[june.lab.name_zh, "0", "0", "0", "0", "1", "1"]]
    # A chain and a kind filter every table alike: the citizen's free item alone.
    page = client.get("/dashboards/", query_string={**JUNE, "chain": "citizens",
                                                    "kind": "testing"}).get_data(as_text=True)
    assert [figure(page, f) for f in ("fig-requests", "fig-done", "fig-on-time")] == \
        ["1", "1", "0.0%"]


def test_a_lab_manager_sees_only_their_lab(client, login, users, june):
    other = factories.create_lab(name_zh="别家实验室")
    service = factories.create_service(labs=[other])
    p = part(users[Role.sme], other, [service], 2)
    steps(p, (2, "submitted"))
    db.session.commit()
    refresh()
    manager = factories.create_user(Role.lab_manager, lab=june.lab)
    login(manager)
    page = client.get("/dashboards/", query_string=JUNE).get_data(as_text=True)
    assert figure(page, "fig-items") == "4" and "别家实验室" not in page
    # Asking for the other lab is refused, and still shows only their own.
    refused = client.get("/dashboards/", query_string={**JUNE, "lab": str(other.id)})
    assert refused.status_code == 400
    assert figure(refused.get_data(as_text=True), "fig-items") == "4"
    login(users[Role.admin])
    assert figure(client.get("/dashboards/", query_string=JUNE).get_data(as_text=True),
                  "fig-items") == "5"


def test_the_public_sees_aggregates_and_no_small_figures(client, users, june):
    page = client.get("/dashboards/public", query_string=JUNE).get_data(as_text=True)
    assert figure(page, "fig-items") == "4"
    # Three items reported: under five, so no rate and no turnaround.
    assert figure(page, "fig-pass") == "—" and figure(page, "fig-median") == "— / —"
    assert users[Role.sme].enterprise.name not in page
    assert users[Role.citizen].name not in page


@pytest.mark.parametrize("role", [Role.sme, Role.citizen, Role.lab_staff])
def test_only_the_desk_and_lab_managers_have_a_dashboard(client, login, users, role):
    login(users[role])
    assert client.get("/dashboards/").status_code == 403


def test_filters_that_do_not_read_are_refused_in_words(client, login, users, june):
    login(users[Role.admin])
    for query, message in (({"since": "2026-13"}, "2026-01"),
                           ({"since": "2026-06", "until": "2026-05"}, "截止月份早于起始月份"),
                           ({"since": "2023-01", "until": "2026-06"}, "36"),
                           ({"kind": "nonsense"}, "")):
        response = client.get("/dashboards/", query_string=query)
        assert response.status_code == 400, query
        assert message in response.get_data(as_text=True)


def test_a_board_runs_the_same_statements_for_one_month_or_many(app, client, login, users,
                                                                count_queries):
    app.config["DASHBOARD_FIGURES_KEPT"] = False     # every view reads the month rows
    login(users[Role.admin])
    build_june(users)
    refresh()
    client.get("/dashboards/", query_string=JUNE)
    with count_queries() as few:
        assert client.get("/dashboards/", query_string=JUNE).status_code == 200
    lab = factories.create_lab()
    service = factories.create_service(labs=[lab])
    for day in (2, 4, 8, 10, 16, 22):
        p = part(users[Role.sme], lab, [service], day)
        steps(p, (day, "submitted"), (day + 3, "issued"))
        issue(p, day + 3, factories.create_user(Role.lab_manager, lab=lab))
    db.session.commit()
    refresh()
    client.get("/dashboards/", query_string=JUNE)   # warm: only the page's own statements
    with count_queries() as many:
        assert client.get("/dashboards/", query_string=JUNE).status_code == 200
    assert len(few.statements) == len(many.statements)


def test_a_board_keeps_its_figures_until_the_worker_computes_them_again(
        client, login, users, count_queries):
    login(users[Role.admin])
    june = build_june(users)
    refresh()
    first = client.get("/dashboards/", query_string=JUNE).get_data(as_text=True)
    with count_queries() as again:
        page = client.get("/dashboards/", query_string=JUNE).get_data(as_text=True)
    assert page.split("<h1>")[1] == first.split("<h1>")[1]
    assert not any("figure_rows" in s for s in again.statements)
    p = part(users[Role.sme], june.lab, [june.fabric], 20)
    steps(p, (20, "submitted"))
    db.session.commit()
    assert figure(client.get("/dashboards/", query_string=JUNE).get_data(as_text=True),
                  "fig-requests") == figure(first, "fig-requests")     # not computed yet
    refresh()
    assert int(figure(client.get("/dashboards/", query_string=JUNE).get_data(as_text=True),
                      "fig-requests")) == int(figure(first, "fig-requests")) + 1


def _page_tables(page: str) -> dict[str, list[list[str]]]:
    """Each table section's body rows as the reader sees their cells."""
    found = {}
    for key, body in re.findall(r'<section class="card" id="([a-z-]+)">.*?<tbody>(.*?)</tbody>',
                                page, re.S):
        rows = []
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
            cells = [re.sub(r"<[^>]+>", "", c).strip()
                     for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            if len(cells) > 1:
                rows.append(cells)
        found[key] = rows
    return found


def _same(cell) -> object:
    """A cell as page and workbook can both be read: numbers as numbers, a gap as ""."""
    text = "" if cell is None else str(cell).rstrip("%").replace("—", "").strip()
    try:
        return float(text)
    except ValueError:
        return text


def test_the_workbook_holds_what_the_page_shows_under_the_same_filters(client, login, users,
                                                                       june):
    from io import BytesIO

    from openpyxl import load_workbook
    login(users[Role.admin])
    query = {**JUNE, "chain": ""}
    page = _page_tables(client.get("/dashboards/", query_string=query).get_data(as_text=True))
    response = client.get("/dashboards/export.xlsx", query_string=query)
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(BytesIO(response.data))
    about, *sheets = book.worksheets
    assert about.title == "统计口径与筛选条件"
    assert ["月份", "2026-06 – 2026-06"] == [c.value for c in about[1]]
    assert [s.title for s in sheets] == ["按月份", "按实验室", "按服务类别", "按产业链", "满意度",
                                         "在办分单账龄（自提交起的天数，截至当前）",
                                         "质量问诊（按案件提交月份）", "按市场统计的贸易结算用秤检定"]
    for key, sheet in zip(("by-month", "by-lab", "by-kind", "by-chain", "satisfaction",
                           "backlog"), sheets, strict=False):
        written = [[_same(c.value) for c in row] for row in sheet.iter_rows(min_row=2)]
        assert written == [[_same(c) for c in row] for row in page[key]], key
    assert sheets[0]["E2"].value == 66.7 and sheets[0]["A2"].value == "2026-06"
    csv = client.get("/dashboards/export.csv", query_string=query)
    assert csv.data.startswith(b"\xef\xbb\xbf") and "66.7" in csv.get_data(as_text=True)


def test_text_that_looks_like_a_formula_is_exported_as_text(client, login, users, june):
    from io import BytesIO

    from openpyxl import load_workbook
    june.lab.name_zh = '=HYPERLINK("http://evil.example","点我")'
    db.session.commit()
    login(users[Role.admin])
    book = load_workbook(BytesIO(client.get("/dashboards/export.xlsx",
                                            query_string=JUNE).data))
    cell = book["按实验室"]["A2"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://evil.example","点我")', "s")
    for start in ("+", "-", "@"):
        june.lab.name_zh = f"{start}1+2"
        db.session.commit()
        book = load_workbook(BytesIO(client.get("/dashboards/export.xlsx",
                                                query_string=JUNE).data))
        assert (book["按实验室"]["A2"].value, book["按实验室"]["A2"].data_type) == \
            (f"{start}1+2", "s")
        text = client.get("/dashboards/export.csv", query_string=JUNE).get_data(as_text=True)
        assert f"'{start}1+2" in text


def test_exports_refuse_filters_that_do_not_read(client, login, users):
    login(users[Role.admin])
    assert client.get("/dashboards/export.xlsx", query_string={"since": "2026-13"}
                      ).status_code == 400
    login(users[Role.sme])
    assert client.get("/dashboards/export.xlsx").status_code == 403


def test_the_monthly_report_prints_the_board(client, login, users, june):
    from io import BytesIO

    from pypdf import PdfReader
    login(users[Role.admin])
    response = client.get("/dashboards/report.pdf", query_string=JUNE)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.data)).pages)
    assert "2026-06" in text and "66.7" in text and june.lab.name_zh in text
    assert "<svg" not in text                     # the charts are drawn, not printed as code
    login(factories.create_user(Role.lab_manager, lab=factories.create_lab()))
    other = client.get("/dashboards/report.pdf", query_string=JUNE)
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(other.data)).pages)
    assert june.lab.name_zh not in text
    assert client.get("/dashboards/report.pdf", query_string={"since": "x"}).status_code == 400


def test_an_enterprise_profile_is_its_own_and_the_desks(client, login, users, june):
    sme = users[Role.sme]
    url = f"/dashboards/enterprises/{sme.enterprise_id}"
    login(sme)
    assert 'id="quality-profile-link"' in client.get(
        f"/enterprises/{sme.enterprise_id}").get_data(as_text=True)
    page = client.get(url).get_data(as_text=True)
    # P1's two items (one passed, one failed); the citizen's P2 is no enterprise's.
    assert [figure(page, f) for f in ("fig-done", "fig-pass", "fig-certificates")] == \
        ["2", "50.0%", "1"]
    assert re.search(r"2026-06</th><td class=\"num\">2</td>", page)
    login(users[Role.admin])
    assert client.get(url).status_code == 200
    other = factories.create_user(Role.sme, enterprise=factories.create_enterprise())
    for person in (other, users[Role.lab_staff], users[Role.citizen]):
        login(person)
        assert client.get(url).status_code == 404
    client.post("/logout")
    assert client.get(url).status_code == 404
