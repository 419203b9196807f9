"""The offline vulnerability check of the pinned requirements reads OSV ranges as OSV
means them, and only fails on a pin that a fixed release would cure."""
from packaging.version import Version

from security.check_requirements import affects, findings, pins


def advisory(*events, versions=(), package="Flask"):
    return {"id": "PYSEC-0000-1", "aliases": ["CVE-0000-1"], "summary": "a flaw",
            "affected": [{"package": {"ecosystem": "PyPI", "name": package},
                          "ranges": [{"type": "ECOSYSTEM", "events": list(events)}],
                          "versions": list(versions)}]}


def test_a_version_inside_a_fixed_range_is_affected_and_names_the_fix():
    hit, fixes = affects(advisory({"introduced": "2.0"}, {"fixed": "2.2.5"}), "flask",
                         Version("2.2.4"))
    assert hit and fixes == ["2.2.5"]


def test_the_fixed_version_and_versions_before_the_range_are_not():
    adv = advisory({"introduced": "2.0"}, {"fixed": "2.2.5"})
    assert not affects(adv, "flask", Version("2.2.5"))[0]
    assert not affects(adv, "flask", Version("1.9"))[0]


def test_last_affected_is_inclusive_and_an_open_range_has_no_end():
    assert affects(advisory({"introduced": "0"}, {"last_affected": "1.4"}), "flask",
                   Version("1.4"))[0]
    assert affects(advisory({"introduced": "3.0"}), "flask", Version("9.9"))[0]


def test_listed_versions_and_other_packages():
    assert affects(advisory(versions=["0.12"]), "flask", Version("0.12"))[0]
    assert not affects(advisory({"introduced": "0"}, package="Django"), "flask",
                       Version("1.0"))[0]


def test_a_pin_with_a_fixed_advisory_is_reported(tmp_path):
    folder = tmp_path / "flask"
    folder.mkdir()
    import json
    (folder / "PYSEC-0000-1.json").write_text(json.dumps(
        advisory({"introduced": "0"}, {"fixed": "3.2.0"})))
    found = findings({"flask": Version("3.1.3")}, tmp_path)
    assert len(found) == 1 and "fixed in 3.2.0" in found[0] and "CVE-0000-1" in found[0]
    assert findings({"flask": Version("3.2.0")}, tmp_path) == []


def test_the_pins_are_read_from_requirements():
    pinned = pins()
    assert pinned["flask"] == Version("3.1.3") and "weasyprint" in pinned


def test_the_tests_and_tools_packages_are_read_too():
    pinned = pins()
    assert pinned["pytest"] and pinned["moto"] and pinned["boto3"]


def test_the_desk_imports_only_what_a_production_install_takes():
    """A production install takes requirements.txt alone: every package the desk's own
    modules import must be pinned there, not only in requirements-dev.txt."""
    import ast
    import sys
    from importlib.metadata import packages_distributions
    from pathlib import Path

    from packaging.utils import canonicalize_name

    root = Path(__file__).resolve().parents[2]
    runtime, dev = (pins((root / name,)) for name in ("requirements.txt",
                                                      "requirements-dev.txt"))
    assert not set(runtime) & set(dev), "a package pinned in both files"
    assert (root / "requirements-dev.txt").read_text().count("-r requirements.txt") == 1
    sources = [*root.glob("*.py"), *(p for folder in ("blueprints", "core", "demo", "migrations")
                                     for p in (root / folder).rglob("*.py"))]
    imported = set()
    for source in sources:
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Import):
                imported.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                imported.add(node.module.split(".")[0])
    owners = packages_distributions()
    outside = {name for name in imported - set(sys.stdlib_module_names)
               if name in owners
               for dist in owners[name] if canonicalize_name(dist) not in runtime}
    assert not outside, f"imported by the desk but not in requirements.txt: {outside}"
    assert {"flask", "weasyprint", "sqlalchemy"} <= imported  # the scan saw the desk
