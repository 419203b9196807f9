"""The search terms both databases index: Chinese as characters and pairs, Latin and
digit runs whole, standard numbers also as one compact term however they are typed."""
import pytest

from blueprints.standards.tokens import index_terms, indexed, query_terms


def test_chinese_is_indexed_as_characters_and_neighbouring_pairs():
    terms = index_terms("儿童鞋")
    assert terms[:3] == ["儿", "童", "鞋"] and "儿童" in terms and "童鞋" in terms


def test_latin_and_digit_runs_are_whole_words_in_lower_case():
    assert index_terms("Textiles—Tests for colour fastness, pH 7") == [
        "textiles", "tests", "for", "colour", "fastness", "ph", "7"]


@pytest.mark.parametrize("typed", ["GB/T3920", "gb/t 3920", "GB/T 3920", "ＧＢ／Ｔ　３９２０",
                                   "GB/T  3920"])
def test_a_number_typed_any_way_is_one_term_that_the_standard_is_indexed_by(typed):
    assert query_terms(typed) == ["ngbt3920"]
    assert "ngbt3920" in index_terms("GB/T 3920-2008 纺织品 色牢度试验 耐摩擦色牢度")


def test_a_dated_number_finds_that_edition():
    assert query_terms("GB/T 3920-2008") == ["ngbt39202008"]
    assert "ngbt39202008" in index_terms("GB/T 3920—2008")
    assert query_terms("ISO 105-C06:2010") == ["niso105c062010"]


@pytest.mark.parametrize("query,terms", [
    ("秤", ["秤"]), ("示秤", ["示秤"]), ("色牢度", ["色牢", "牢度"]),
    ("儿童鞋", ["儿童", "童鞋"]), ("formaldehyde", ["formaldehyde"]), ("3903", ["3903"]),
    ("甲醛 formaldehyde", ["甲醛", "formaldehyde"]), ("", []),
])
def test_queries_become_the_terms_a_match_must_hold(query, terms):
    assert query_terms(query) == terms


def test_every_query_term_of_a_text_is_among_its_index_terms():
    text = "GB 18401-2010 国家纺织产品基本安全技术规范 甲醛含量 pH值 耐水色牢度 儿童鞋"
    for query in ("甲醛", "耐水", "色牢度", "儿童鞋", "ph", "18401", "GB18401", "纺织产品"):
        assert set(query_terms(query)) <= set(index_terms(text)), query
    assert indexed("甲醛 pH") == "甲 醛 甲醛 ph"
