"""The ICS list (edition 7) with the desk's Chinese titles."""
from blueprints.standards.ics import TITLES_ZH, classes, fields, title


def test_the_list_holds_its_40_fields_all_titled_in_chinese():
    assert len(fields()) == 40
    assert all(f.title_zh for f in fields())
    assert len(classes()) > 1300


def test_every_chinese_title_names_a_real_class_and_parents_exist():
    assert set(TITLES_ZH) <= set(classes())
    assert all(c.parent in classes() for c in classes().values() if c.parent)


def test_titles_fall_back_to_the_nearest_titled_field_in_chinese():
    assert title("59.080") == "纺织产品"
    assert title("59.080", "en") == "Products of the textile industry"
    assert title("59.080.01") == "纺织产品"        # no Chinese title of its own: its group's
    assert classes()["61.060"].field == "61" and title("61.060") == "鞋类"
