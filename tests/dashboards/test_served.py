"""The enterprises served, as the boards count them from one row per enterprise and year
(ServedYearRow): the same number as counting distinct enterprises over the month rows,
for spans within a year and across years, and under every filter."""
from datetime import date
from itertools import product

import pytest
from sqlalchemy import func, select

from blueprints.catalogue.kinds import IndustryChain
from blueprints.dashboards.models import ServedRow, ServedYearRow
from blueprints.dashboards.queries import Filters, served
from blueprints.dashboards.refresh import recompute_served_year
from extensions import db
from tests import factories


@pytest.fixture
def months_served(app):
    """Three enterprises over two labs and two kinds, December 2025 to March 2026."""
    lab_a, lab_b = factories.create_lab(), factories.create_lab()
    shoes, food, other = (
        factories.create_enterprise(),
        factories.create_enterprise(industry_chain=IndustryChain.leisure_food),
        factories.create_enterprise())
    served_in = [  # (month, enterprise, lab, kind)
        (date(2025, 12, 1), shoes, lab_a, "testing"),
        (date(2025, 12, 1), shoes, lab_b, "calibration"),
        (date(2026, 1, 1), food, lab_a, "testing"),
        (date(2026, 2, 1), shoes, lab_a, "testing"),
        (date(2026, 2, 1), food, lab_b, "calibration"),
        (date(2026, 3, 1), other, lab_b, "testing"),
    ]
    db.session.add_all(ServedRow(starts=month, enterprise_id=ent.id, lab_id=lab.id, kind=kind,
                                 chain=ent.industry_chain.value)
                       for month, ent, lab, kind in served_in)
    db.session.commit()
    for year in (2025, 2026):
        recompute_served_year(year, {shoes.id, food.id, other.id})
    db.session.commit()
    return lab_a, lab_b, other


def _distinct_over_months(filters: Filters) -> int:
    return db.session.scalar(select(func.count(func.distinct(ServedRow.enterprise_id)))
                             .where(*filters.where(ServedRow)))


def test_an_enterprise_has_one_row_a_year_whatever_the_filters(months_served):
    lab_a, _lab_b, _other = months_served
    rows = db.session.scalars(select(ServedYearRow).where(ServedYearRow.year == 2026)).all()
    every = [r for r in rows if r.lab_id is None and r.kind is None]
    assert len(every) == 3
    shoes_a = [r for r in rows if r.lab_id == lab_a.id and r.kind == "testing"]
    # January (bit 0) for the food enterprise, February (bit 1) for the shoe one.
    assert sorted(r.months for r in shoes_a) == [0b1, 0b10]


def _every_filter(lab_a, lab_b):
    spans = [(date(2025, 12, 1), date(2025, 12, 1)), (date(2026, 1, 1), date(2026, 1, 1)),
             (date(2026, 2, 1), date(2026, 3, 1)), (date(2025, 12, 1), date(2026, 2, 1)),
             (date(2025, 1, 1), date(2026, 12, 1)), (date(2026, 4, 1), date(2026, 12, 1))]
    for (first, last), lab, chain, kind in product(
            spans, (None, lab_a.id, lab_b.id), (None, "textiles_footwear", "leisure_food", ""),
            (None, "testing", "calibration")):
        yield Filters(first, last, lab, chain, kind)


def test_served_counts_as_the_month_rows_do_under_every_filter(months_served):
    lab_a, lab_b, _other = months_served
    for filters in _every_filter(lab_a, lab_b):
        assert served(filters) == _distinct_over_months(filters), filters
    # By hand: the shoe enterprise in December and February, the food one in January
    # and February, the other in March.
    assert served(Filters(date(2025, 12, 1), date(2026, 2, 1))) == 2
    assert served(Filters(date(2026, 1, 1), date(2026, 3, 1))) == 3
    assert served(Filters(date(2025, 12, 1), date(2026, 3, 1), lab_id=lab_b.id,
                          kind="calibration")) == 2


def test_a_routine_run_rewrites_only_the_enterprises_that_changed(months_served):
    lab_a, lab_b, other = months_served
    kept = {row.id for row in db.session.scalars(select(ServedYearRow).where(
        ServedYearRow.enterprise_id != other.id))}
    db.session.add(ServedRow(starts=date(2026, 1, 1), enterprise_id=other.id, lab_id=lab_a.id,
                             kind="calibration", chain=other.industry_chain.value))
    recompute_served_year(2026, {other.id})
    db.session.commit()
    assert kept <= {row.id for row in db.session.scalars(select(ServedYearRow))}
    for filters in _every_filter(lab_a, lab_b):
        assert served(filters) == _distinct_over_months(filters), filters
    assert served(Filters(date(2026, 1, 1), date(2026, 1, 1))) == 2


def test_many_enterprises_changed_rebuild_the_year_whole(months_served, monkeypatch):
    from blueprints.dashboards import refresh
    lab_a, lab_b, other = months_served
    monkeypatch.setattr(refresh, "WHOLE_YEAR_AFTER", 0)
    before = {filters: served(filters) for filters in _every_filter(lab_a, lab_b)}
    recompute_served_year(2026, {other.id})      # past the bound: every enterprise's rows
    db.session.commit()
    assert {filters: served(filters) for filters in _every_filter(lab_a, lab_b)} == before
    assert len(db.session.scalars(select(ServedYearRow).where(
        ServedYearRow.year == 2026, ServedYearRow.lab_id.is_(None),
        ServedYearRow.kind.is_(None))).all()) == 3
