"""The public look-up of standards: anyone searches without signing in, typing a
number any way or words of a title; results are ranked, highlighted and faceted; a
standard's page shows its status in words, its history and the county's services and
labs that test to it, with a button to request the test."""
import re
from datetime import date

import pytest

from blueprints.catalogue.method_links import link_all
from blueprints.standards.models import StandardStatus
from extensions import db
from tests import factories


@pytest.fixture
def catalogue(app):
    new = factories.create_standard(
        "GB/T 3920-2024", "纺织品 色牢度试验 耐摩擦色牢度",
        "Textiles—Tests for colour fastness—Colour fastness to rubbing", ics="59.080.01",
        implemented_on=date(2025, 3, 1))
    old = factories.create_standard(
        "GB/T 3920-2008", "纺织品 色牢度试验 耐摩擦色牢度",
        "Textiles—Tests for colour fastness—Colour fastness to rubbing", ics="59.080.01",
        status=StandardStatus.replaced, replaced_by=new, withdrawn_on=date(2025, 3, 1))
    formaldehyde = factories.create_standard(
        "GB/T 2912.1-2009", "纺织品 甲醛的测定 第1部分：游离和水解的甲醛（水萃取法）",
        "Textiles—Determination of formaldehyde—Part 1", ics="59.080.01",
        body="全国纺织品标准化技术委员会")
    scale = factories.create_standard("JJG 539-2016", "数字指示秤", "Digital indicating scales",
                                      ics="17.100")
    gone = factories.create_standard("GB/T 5713-1997", "纺织品 色牢度试验 耐水色牢度",
                                      status=StandardStatus.withdrawn,
                                      withdrawn_on=date(2014, 6, 1), ics="59.080.01")
    return {"new": new, "old": old, "formaldehyde": formaldehyde, "scale": scale, "gone": gone}


def page(client, **args):
    resp = client.get("/standards/", query_string=args)
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def test_anyone_searches_without_signing_in_and_sees_the_words_marked(client, catalogue):
    html = page(client, q="甲醛")
    assert "GB/T 2912.1-2009" in html and "<mark>甲醛</mark>" in html
    assert "JJG 539-2016" not in html


def test_a_number_typed_without_spaces_puts_the_edition_in_force_first(client, catalogue):
    html = page(client, q="GB/T3920")
    assert html.index("GB/T 3920-2024") < html.index("GB/T 3920-2008")
    assert "GB/T 2912.1" not in html


def test_facets_count_under_the_other_filters_and_narrow_the_list(client, catalogue):
    html = page(client, q="色牢度")
    assert all(code in html for code in ("GB/T 3920-2024", "GB/T 3920-2008", "GB/T 5713-1997"))
    narrowed = page(client, q="色牢度", status="current")
    assert "GB/T 3920-2024" in narrowed and "GB/T 3920-2008</a>" not in narrowed
    assert "GB/T 5713-1997" not in narrowed
    # The status facet still offers the others, with their counts.
    assert "status=withdrawn" in narrowed
    by_field = page(client, field="17")
    assert "JJG 539-2016" in by_field and "GB/T 3920-20" not in by_field
    by_decade = page(client, decade="2000", prefix="GB/T")
    assert "GB/T 3920-2008" in by_decade and "GB/T 3920-2024" not in by_decade


def test_stale_or_odd_arguments_are_ignored_and_nothing_found_says_so(client, catalogue):
    html = page(client, q="不存在的东西", status="bogus", field="x9", decade="1234")
    assert "No standard matches" in html or "没有" in html
    assert page(client, q="/-").count("std-result") == 0
    assert client.get("/standards/999999").status_code == 404


def test_a_long_chinese_word_in_another_order_still_meets(client, catalogue):
    html = page(client, q="色牢度耐摩擦")     # the title says 耐摩擦色牢度
    assert "GB/T 3920-2024" in html


def test_the_standard_page_shows_status_history_and_who_tests_to_it(client, catalogue):
    lab = factories.create_lab(name_zh="晋江纺织检测中心")
    service = factories.create_service(labs=[lab], name_zh="耐摩擦色牢度",
                                       method_standard="GB/T 3920")   # undated
    link_all()
    db.session.commit()
    html = client.get(f"/standards/{catalogue['new'].id}").get_data(as_text=True)
    assert "std-current" in html and "耐摩擦色牢度" in html and lab.name_zh in html
    assert f"/requests/new?service={service.id}" in html             # request this test
    assert "GB/T 3920-2008" in html                                  # its history
    old = client.get(f"/standards/{catalogue['old'].id}").get_data(as_text=True)
    assert "std-replaced" in old and f"/standards/{catalogue['new'].id}" in old
    gone = client.get(f"/standards/{catalogue['gone'].id}").get_data(as_text=True)
    assert "std-withdrawn" in gone and "2014" in gone
    # No service tests to the withdrawn one: the page says so and offers advice.
    assert "kind=standards" in gone


def test_the_search_page_costs_the_same_queries_for_five_or_fifty_hits(client, catalogue,
                                                                       count_queries):
    page(client, q="纺织品")
    with count_queries() as few:
        page(client, q="纺织品")
    for n in range(45):
        factories.create_standard(f"FZ/T {70000 + n}-2020", f"纺织品 第{n}号试验方法")
    with count_queries() as many:
        page(client, q="纺织品")
    assert many.count == few.count <= 8


def test_the_look_up_is_rate_limited_like_other_public_pages(app_factory):
    app = app_factory(RATELIMIT_ENABLED=True)
    client = app.test_client()
    codes = [client.get("/standards/", query_string={"q": f"秤{n}"}).status_code
             for n in range(62)]
    assert set(codes[:60]) == {200} and codes[60:] == [429, 429]


def test_results_page_on_and_each_facet_counts_under_the_other_filters(client, catalogue):
    for n in range(25):
        factories.create_standard(f"FZ/T {71000 + n}-2019", f"纺织品 耐汗渍试验 第{n}部分",
                                  ics="59.080.01")
    first, second = page(client, q="耐汗渍"), page(client, q="耐汗渍", page=2)
    assert first.count("std-result") == 20 and second.count("std-result") == 5
    assert "共 25 条" in first
    codes = re.findall(r"FZ/T 710\d\d-2019", first + second)
    assert sorted(set(codes)) == [f"FZ/T {71000 + n}-2019" for n in range(25)]
    # 色牢度 matches three; choosing "current" leaves one, and the status facet still
    # offers the other two statuses with their counts, the prefix facet only current ones.
    html = page(client, q="色牢度", status="current")
    assert html.count("std-result") == 1
    facet = re.findall(r'>\s*(现行|被代替|废止)</a> <span class="muted small">(\d+)', html)
    assert sorted(facet) == [("废止", "1"), ("现行", "1"), ("被代替", "1")]
    assert re.search(r'>\s*GB/T</a> <span class="muted small">1<', html)
