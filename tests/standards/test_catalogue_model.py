"""The standards catalogue keeps one row per edition; its rows answer the resolver, and
each row keeps the search terms of its number, titles and scope."""
from collections import defaultdict

from sqlalchemy import select

from blueprints.standards.models import Standard, StandardStatus
from blueprints.standards.references import parse_one, resolve
from extensions import db


def test_editions_resolve_an_undated_and_a_withdrawn_reference(app):
    new = Standard.from_reference(parse_one("GB/T 3920-2024"), title_zh="纺织品 色牢度试验 耐摩擦色牢度",
                                  title_en="Textiles—Tests for colour fastness—Colour fastness "
                                           "to rubbing", ics="59.080.01")
    old = Standard.from_reference(parse_one("GB/T 3920—2008"), title_zh=new.title_zh,
                                  status=StandardStatus.replaced, replaced_by=new)
    for row in (new, old):
        row.reindex()
    db.session.add_all([new, old])
    db.session.commit()
    editions = defaultdict(list)
    for row in db.session.scalars(select(Standard)):
        editions[row.key].append(row.edition())
    assert [e.year for e in editions["GB/T 3920"]] == [2024, 2008]
    assert resolve(parse_one("gb/t 3920"), editions).year == 2024
    assert resolve(parse_one("GB/T 3920-2008"), editions).year == 2024
    assert old.code == "GB/T 3920-2008" and old.key == "GB/T 3920"
    assert {"ngbt3920", "ngbt39202008", "色牢"} <= set(old.search_terms.split())
    assert {"ngbt39202024", "rubbing", "耐摩"} <= set(new.search_terms.split())
