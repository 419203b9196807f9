"""Search of the standards catalogue finds the same standards on SQLite and on
PostgreSQL (the suite runs on both) for Chinese words of one, two and more characters,
English words and numbers typed any way; the index follows every insert, change and
delete."""
import pytest

from blueprints.standards.models import Standard, StandardStatus
from blueprints.standards.references import parse_one
from blueprints.standards.search import search
from extensions import db

CATALOGUE = [
    ("GB/T 3920-2008", "纺织品 色牢度试验 耐摩擦色牢度",
     "Textiles—Tests for colour fastness—Colour fastness to rubbing", StandardStatus.replaced),
    ("GB/T 3920-2024", "纺织品 色牢度试验 耐摩擦色牢度",
     "Textiles—Tests for colour fastness—Colour fastness to rubbing", StandardStatus.current),
    ("GB/T 2912.1-2009", "纺织品 甲醛的测定 第1部分：游离和水解的甲醛（水萃取法）",
     "Textiles—Determination of formaldehyde—Part 1: Free and hydrolyzed formaldehyde",
     StandardStatus.current),
    ("GB/T 7573-2009", "纺织品 水萃取液pH值的测定",
     "Textiles—Determination of pH of aqueous extract", StandardStatus.current),
    ("GB/T 3903.1-2017", "鞋类 通用试验方法 耐折性能",
     "Footwear—General test methods—Flexing resistance", StandardStatus.current),
    ("GB 30585-2014", "儿童鞋安全技术规范", "Safety technical code for children's shoes",
     StandardStatus.current),
    ("GB/T 7722-2020", "电子台案秤", "Electronic platform and counter scales",
     StandardStatus.current),
    ("GB/T 7721-2007", "连续累计自动衡器（电子皮带秤）",
     "Continuous totalizing automatic weighing instruments (belt weighers)",
     StandardStatus.current),
    ("JJG 539-2016", "数字指示秤", "Digital indicating scales", StandardStatus.current),
    ("ISO 105-C06:2010", "", "Textiles — Tests for colour fastness — Part C06: Colour "
     "fastness to domestic and commercial laundering", StandardStatus.current),
]


@pytest.fixture
def catalogue(app):
    for code, zh, en, status in CATALOGUE:
        row = Standard.from_reference(parse_one(code), title_zh=zh, title_en=en, status=status)
        row.reindex()
        db.session.add(row)
    db.session.commit()


def codes(query):
    return [s.code for s in search(query)]


@pytest.mark.parametrize("query,found", [
    ("秤", {"GB/T 7722-2020", "GB/T 7721-2007", "JJG 539-2016"}),
    ("示秤", {"JJG 539-2016"}),
    ("耐折", {"GB/T 3903.1-2017"}),
    ("色牢度", {"GB/T 3920-2008", "GB/T 3920-2024"}),
    ("甲醛", {"GB/T 2912.1-2009"}),
    ("儿童鞋", {"GB 30585-2014"}),
    ("formaldehyde", {"GB/T 2912.1-2009"}),
    ("Formaldehyde", {"GB/T 2912.1-2009"}),
    ("3903", {"GB/T 3903.1-2017"}),      # a number without its prefix
    ("GB/T 3903.1", {"GB/T 3903.1-2017"}),
    ("GB/T3920", {"GB/T 3920-2008", "GB/T 3920-2024"}),
    ("gb/t 3920-2008", {"GB/T 3920-2008"}),
    ("ＧＢ／Ｔ　３９２０", {"GB/T 3920-2008", "GB/T 3920-2024"}),
    ("colour fastness", {"GB/T 3920-2008", "GB/T 3920-2024", "ISO 105-C06:2010"}),
    ("ISO 105-C06", {"ISO 105-C06:2010"}),
    ("不存在的标准", set()),
])
def test_the_same_hits_on_either_database(catalogue, query, found):
    assert set(codes(query)) == found


def test_ranking_puts_the_number_and_the_title_first(catalogue):
    assert codes("GB/T3920")[0] == "GB/T 3920-2024"        # the exact number, newest first
    assert codes("pH")[0] == "GB/T 7573-2009"
    assert codes("textiles")[0].startswith("GB/T")           # all hold it: newest first


def test_the_index_follows_every_insert_change_and_delete(catalogue):
    row = Standard.from_reference(parse_one("GB 31701-2015"), title_zh="婴幼儿及儿童纺织产品安全技术规范")
    row.reindex()
    db.session.add(row)
    db.session.commit()
    assert codes("婴幼儿") == ["GB 31701-2015"]
    row.title_zh = "婴幼儿纺织产品安全规范"
    row.reindex()
    db.session.commit()
    assert codes("婴幼儿") == ["GB 31701-2015"] and codes("儿童纺织") == []
    db.session.delete(row)
    db.session.commit()
    assert codes("婴幼儿") == []
