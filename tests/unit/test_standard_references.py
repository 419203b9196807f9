"""Standard numbers as written in documents, read into one form; undated and withdrawn
references resolved to the edition in force."""
import pytest

from blueprints.standards.references import (
    Edition,
    Reference,
    UnreadableReference,
    parse,
    parse_one,
    read_all,
    resolve,
)


@pytest.mark.parametrize("written,key,year", [
    ("GB/T 3920-2008", "GB/T 3920", 2008),
    ("GB/T3920—2008", "GB/T 3920", 2008),          # no space, an em dash
    ("GB/T 3920–2008", "GB/T 3920", 2008),          # an en dash
    ("gb/t 3920", "GB/T 3920", None),               # lower case, undated
    ("ＧＢ／Ｔ　３９２０－２００８", "GB/T 3920", 2008),   # typed full-width
    ("GB/T 2912.1-2009", "GB/T 2912.1", 2009),       # a part
    ("GB 18401-2010", "GB 18401", 2010),
    ("GB 5749-85", "GB 5749", 1985),                 # a two-digit year
    ("JJG 539-2016", "JJG 539", 2016),
    ("JJF 1059.1-2012", "JJF 1059.1", 2012),
    ("FZ/T 01057", "FZ/T 01057", None),
    ("QB/T 2673-2013", "QB/T 2673", 2013),
    ("ISO 105-C06:2010", "ISO 105-C06", 2010),       # ISO: part after a dash, year after ":"
    ("ISO 3071:2020", "ISO 3071", 2020),
    ("IEC 60335-1:2020", "IEC 60335-1", 2020),
    ("ISO/IEC 17025:2017", "ISO/IEC 17025", 2017),
    ("EN 71-3:2019+A1:2021", "EN 71-3", 2019),       # an amendment after the year
    ("ASTM D2261-13", "ASTM D2261", 2013),
    ("  GB/T  3920 - 2008 ", "GB/T 3920", 2008),     # spaces anywhere
])
def test_each_way_of_writing_a_number_is_read(written, key, year):
    ref = parse_one(written)
    assert (ref.key, ref.year) == (key, year)


def test_all_parts_and_printing():
    ref = parse_one("FZ/T 01057（所有部分）")
    assert ref.all_parts and ref.key == "FZ/T 01057" and ref.year is None
    assert parse_one("FZ/T 01057 (all parts)").all_parts
    assert parse_one("GB/T 39560 系列") == Reference("GB/T", "39560", all_parts=True)
    assert str(parse_one("GB/T3920—2008")) == "GB/T 3920-2008"
    assert str(parse_one("ISO 105-C06:2010")) == "ISO 105-C06:2010"
    assert parse_one("GB/T 2912.1-2009") == Reference("GB/T", "2912", "1", 2009)


def test_lists_are_split_on_the_separators_documents_use():
    refs = parse("GB 18401-2010；GB/T 2912.1, ISO 3071、JJG 539;EN 71-3:2019 和 GB/T 3920")
    assert [r.key for r in refs] == ["GB 18401", "GB/T 2912.1", "ISO 3071", "JJG 539",
                                     "EN 71-3", "GB/T 3920"]


@pytest.mark.parametrize("text", ["", "内部方法", "GB/T", "GB/T abc", "XYZ 123",
                                  "ISO 105:20", "GB/T 3920-20080"])
def test_what_is_not_a_number_is_refused(text):
    with pytest.raises(UnreadableReference):
        parse_one(text)


def test_a_list_reads_what_it_can_and_names_the_rest():
    read, unread = read_all("GB/T 3920-2008；实验室内部方法 NTC-01；ISO 105-C06")
    assert [r.key for r in read] == ["GB/T 3920", "ISO 105-C06"]
    assert unread == ["实验室内部方法 NTC-01"]


EDITIONS = {
    "GB/T 3920": [Edition("GB/T 3920", 1997, False, "GB/T 3920-2008"),
                  Edition("GB/T 3920", 2008, False, "GB/T 3920-2024"),
                  Edition("GB/T 3920", 2024, True)],
    "GB 5749": [Edition("GB 5749", 2006, False, "GB 5749-2022"),
                Edition("GB 5749", 2022, True)],
    "GB/T 8629": [Edition("GB/T 8629", 2017, False, "FZ/T 9999-2025")],  # a dead end
    "FZ/T 9999": [],
}


def test_an_undated_reference_means_the_edition_in_force():
    assert resolve(parse_one("GB/T 3920"), EDITIONS).year == 2024


def test_a_withdrawn_edition_is_followed_along_its_replacements():
    assert resolve(parse_one("GB/T 3920-1997"), EDITIONS) == EDITIONS["GB/T 3920"][2]
    assert resolve(parse_one("GB 5749-2006"), EDITIONS).year == 2022


def test_an_unknown_standard_or_edition_is_none_and_a_dead_end_stays():
    assert resolve(parse_one("GB/T 1"), EDITIONS) is None
    assert resolve(parse_one("GB/T 3920-2001"), EDITIONS) is None
    assert resolve(parse_one("GB/T 8629-2017"), EDITIONS).year == 2017
