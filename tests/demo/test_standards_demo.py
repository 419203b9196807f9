"""The demo's standards: the real ones every demo method names (demo/data/standards.json),
loaded first and once, and the generated catalogue for benches (demo/standards_generator):
the same for a seed, unique parseable numbers apart from the real ones, titles marked as
generated, replacements within a standard, found by the search once bulk-loaded."""
from collections import Counter
from datetime import date

import pytest

from blueprints.standards import ics, importing
from blueprints.standards.models import Adoption, Standard, StandardStatus
from blueprints.standards.references import Edition, parse_one, read_all, resolve
from blueprints.standards.search import search
from demo import standards_generator as generator
from demo.loader import DEMO_STANDARDS, SERVICES
from extensions import db

# What two demo methods name beside their standards: platforms and a regulation.
NOT_STANDARDS = {"国家标准全文公开系统", "全国标准信息公共服务平台", "《企业标准化促进办法》"}


def editions() -> dict[str, list[Edition]]:
    found = {}
    for data in DEMO_STANDARDS:
        ref = parse_one(data["code"])
        found.setdefault(ref.key, []).append(Edition(
            ref.key, ref.year, data["status"] == StandardStatus.current, data["replaced_by"]))
    return found


@pytest.mark.parametrize("service", SERVICES, ids=lambda s: s["code"])
def test_every_standard_a_demo_method_names_resolves_to_an_edition_in_force(service):
    read, unread = read_all(service["method_standard"])
    assert set(unread) <= NOT_STANDARDS
    for ref in read:
        edition = resolve(ref, editions())
        assert edition is not None, f"{service['code']}: {ref} is not in standards.json"
        assert edition.current, f"{service['code']}: {ref} resolves to {edition}"
        if ref.all_parts:  # a series is its key, with no year
            assert (edition.key, edition.year) == (ref.key, None)
        elif ref.year is None:  # undated: the edition in force of the same standard
            assert edition.key == ref.key


def test_an_undated_or_replaced_reference_reaches_the_edition_in_force():
    known = editions()
    assert resolve(parse_one("GB/T 17592"), known).year == 2011
    assert resolve(parse_one("GB 5009.12"), known).year == 2023
    # Replaced in 2026, once by a recommended standard of the same number.
    in_force = resolve(parse_one("GB 4706.1-2005"), known)
    assert (in_force.key, in_force.year) == ("GB/T 4706.1", 2024)
    assert resolve(parse_one("GB 4343.1-2018"), known).year == 2024
    # The 2024 edition of GB/T 3920 is issued but not yet in force: 2008 still applies.
    assert resolve(parse_one("GB/T 3920"), known).year == 2008


def test_the_real_standards_file_is_well_formed():
    codes = [data["code"] for data in DEMO_STANDARDS]
    assert len(codes) == len(set(codes))
    by_code = {data["code"]: data for data in DEMO_STANDARDS}
    for data in DEMO_STANDARDS:
        ref = parse_one(data["code"])
        assert str(ref) == data["code"]  # written as the catalogue writes numbers
        assert data["status"] in set(StandardStatus) and data["adoption"] in set(Adoption)
        assert data["title_zh"] and data["title_en"]
        assert bool(data["adoption"]) == bool(data["adopted_from"]), data["code"]
        for code in data["ics"].split():
            assert code in ics.classes(), (data["code"], code)
        days = {name: data[name] and date.fromisoformat(data[name])
                for name in ("issued_on", "implemented_on", "withdrawn_on")}
        if days["issued_on"] and days["implemented_on"]:
            assert days["issued_on"] <= days["implemented_on"]
        successor = data["replaced_by"]
        assert bool(successor) == (data["status"] == StandardStatus.replaced), data["code"]
        if successor:
            assert by_code[successor]["status"] == StandardStatus.current
            assert parse_one(successor).year > ref.year
        if data["status"] == StandardStatus.upcoming:
            assert data["implemented_on"] > "2026-12-01"


def test_the_demo_loads_the_real_standards_once_with_their_replacements(app, runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert f"standards +{len(DEMO_STANDARDS)}" in result.output
    rows = {s.code: s for s in db.session.scalars(db.select(Standard))}
    assert set(rows) == {data["code"] for data in DEMO_STANDARDS}
    for data in DEMO_STANDARDS:
        row = rows[data["code"]]
        assert (row.replaced_by.code if row.replaced_by else "") == (data["replaced_by"] or "")
        assert row.search_terms
    assert rows["GB 4343.1-2018"].edition().replaced_by == "GB 4343.1-2024"
    assert {s.code for s in search("GB/T3920")} == {"GB/T 3920-2024", "GB/T 3920-2008",
                                                      "GB/T 3920-1997"}
    assert "standards +0" in runner.invoke(args=["demo", "load"]).output
    assert db.session.scalar(db.select(db.func.count(Standard.id))) == len(DEMO_STANDARDS)


def test_the_generator_gives_the_same_catalogue_for_a_seed():
    assert generator.generate(1500, seed=7) == generator.generate(1500, seed=7)
    assert generator.generate(1500, seed=7) != generator.generate(1500, seed=8)
    assert len(generator.generate(1234)) == 1234


@pytest.fixture(scope="module")
def generated():
    return generator.generate(6000, seed=11)


def test_generated_numbers_are_unique_parseable_and_apart_from_the_real_ones(generated):
    codes = [row["code"] for row in generated]
    assert len(codes) == len(set(codes))
    real = generator.real_keys()
    for row in generated:
        ref = parse_one(row["code"])
        assert (str(ref), ref.key, ref.prefix, ref.year) == (
            row["code"], row["key"], row["prefix"], row["year"])
        assert generator.number_space(ref.key) not in real
    assert "GB/T 3920-2024" in {data["code"] for data in DEMO_STANDARDS}
    assert not {"GB 3920", "GB/T 3920", "GB/Z 3920"} & {row["key"] for row in generated}


def test_generated_titles_say_they_are_generated(generated):
    for row in generated:
        assert row["title_zh"].startswith(generator.MARK_ZH) and row["title_en"].startswith(generator.MARK_EN)
        assert not row["scope_zh"] or row["scope_zh"].startswith(generator.MARK_ZH)


def test_a_replaced_edition_points_to_a_newer_edition_of_the_same_standard(generated):
    by_code = {row["code"]: row for row in generated}
    replaced = [row for row in generated if row["status"] == StandardStatus.replaced]
    assert replaced
    for row in replaced:
        successor = by_code[row["replaced_by"]]
        assert successor["key"] == row["key"] and successor["year"] > row["year"]
        assert row["withdrawn_on"] == (successor["implemented_on"] or successor["issued_on"])
    assert not any(row["replaced_by"] for row in generated
                   if row["status"] != StandardStatus.replaced)


def test_the_generated_catalogue_looks_like_a_real_one(generated):
    statuses = Counter(row["status"] for row in generated)
    assert statuses[StandardStatus.current] > len(generated) / 2
    assert all(statuses[s] for s in StandardStatus)
    prefixes = Counter(row["prefix"] for row in generated)
    assert prefixes.most_common(1)[0][0] == "GB/T"
    assert {"GB", "GB/Z", "FZ/T", "QB/T", "JJG", "JJF", "HG/T", "JB/T", "SN/T", "ISO", "IEC",
            "EN", "ASTM"} <= set(prefixes)
    assert all(1985 <= row["year"] <= 2026 for row in generated)
    classes = ics.classes()
    assert all(code in classes for row in generated for code in row["ics"].split())
    adopted = [row for row in generated if row["adoption"]]
    assert adopted and all(parse_one(row["adopted_from"]).year < row["year"]
                           for row in adopted)
    as_of = generator.AS_OF
    for row in generated:
        start = row["implemented_on"] or row["issued_on"]
        assert (start > as_of) == (row["status"] == StandardStatus.upcoming), row["code"]
        if row["status"] == StandardStatus.withdrawn:
            assert start < row["withdrawn_on"] <= as_of


def test_a_bulk_load_is_found_by_the_search(app):
    rows = generator.generate(500, seed=3)
    assert generator.insert_rows(rows, chunk=120) == 500
    assert generator.insert_rows(rows) == 0  # the numbers are there: nothing twice
    stored = {s.code: s for s in db.session.scalars(db.select(Standard))}
    assert len(stored) == 500
    for row in rows:
        found = stored[row["code"]]
        assert found.search_terms and found.title_zh == row["title_zh"]
        assert (found.replaced_by.code if found.replaced_by else "") == row["replaced_by"]
    replaced = next(row for row in rows if row["replaced_by"])
    assert search(replaced["code"])[0].code == replaced["code"]
    assert replaced["code"] in {s.code for s in search(replaced["key"].replace(" ", ""))}
    marked = search("生成", limit=500)
    assert len(marked) == 500 and all(s.title_zh.startswith(generator.MARK_ZH) for s in marked)


def test_the_cli_adds_a_generated_catalogue(app, runner):
    result = runner.invoke(args=["demo", "standards", "--count", "300", "--seed", "5"])
    assert result.exit_code == 0, result.output
    assert "Standards: +300 generated" in result.output
    assert "Standards: +0" in runner.invoke(
        args=["demo", "standards", "--count", "300", "--seed", "5"]).output


def test_the_generated_catalogue_file_is_one_the_import_reads():
    rows = generator.generate(400, seed=9)
    data = generator.catalogue_csv(rows)
    header = data.decode("utf-8-sig").splitlines()[0].split(",")
    assert header[:12] == ["标准号", "中文名称", "英文名称", "状态", "发布日期", "实施日期",
                           "废止日期", "代替标准号", "ICS", "归口单位", "采标情况", "适用范围"]
    plan = importing.plan(importing.read(data), {})
    assert plan.counts["added"] == 400, [line.report() for line in plan.lines
                                         if line.outcome == "refused"][:3]

