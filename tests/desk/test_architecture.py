"""The structure holds (docs/architecture.md): areas import only the areas below them,
core imports no area, only the registry imports views, rule modules load without the
app, and no template names a lifecycle state. Read from the source: no app here."""
import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BLUEPRINTS = ROOT / "blueprints"
REGISTRY = "blueprints.registry"
# Modules above every area: an area importing one of them would be an arrow upwards.
APP_LEVEL = {"app", "jobs", "models", "demo", "backup", "bench", "tests", REGISTRY}


def layers() -> list[str]:
    """The allowed direction, written down once: the `layers` block of the docs."""
    text = (ROOT / "docs" / "architecture.md").read_text()
    block = re.search(r"```layers\n(.*?)```", text, re.S)
    assert block, "docs/architecture.md has no ```layers block"
    return block.group(1).split()


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> list[tuple[str, int]]:
    """Every module the file imports, wherever the import sits, with its line."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, node.lineno))
            # `from blueprints.x import views` imports a module by a name in the list
            found += [(f"{node.module}.{alias.name}", node.lineno) for alias in node.names]
    return found


def area_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] == "core":
        return "core"
    if parts[0] == "blueprints" and len(parts) > 1 and module != REGISTRY:
        return parts[1]
    return None


def is_views(module: str) -> bool:
    return module.startswith("blueprints.") and module.rsplit(".", 1)[-1].endswith("views")


def source_files(*folders: Path) -> list[Path]:
    return sorted(p for folder in folders for p in folder.rglob("*.py"))


def area_imports() -> list[tuple[str, str, str, int]]:
    """(importing module, its area, imported module, line) for every area file."""
    rows = []
    for path in source_files(BLUEPRINTS, ROOT / "core"):
        module = module_name(path)
        area = area_of(module)
        if area is None:
            continue
        rows += [(module, area, target, line) for target, line in imports_of(path)]
    return rows


def test_the_layers_name_every_area_once():
    areas = sorted(p.name for p in BLUEPRINTS.iterdir()
                   if p.is_dir() and (p / "__init__.py").exists())
    assert sorted(layers()) == sorted(["core", *areas])


def test_areas_import_only_the_areas_below_them():
    order = {name: rank for rank, name in enumerate(layers())}
    wrong = [f"{module}:{line} imports {target}"
             for module, area, target, line in area_imports()
             if (other := area_of(target)) not in (None, area) and order[other] > order[area]]
    assert not wrong, "arrows that run upwards:\n" + "\n".join(wrong)


def test_no_two_areas_import_each_other():
    edges = {(area, other) for _m, area, target, _l in area_imports()
             if (other := area_of(target)) not in (None, area)}
    both_ways = sorted({tuple(sorted(edge)) for edge in edges if edge[::-1] in edges})
    assert not both_ways


def test_core_imports_no_area_and_no_area_imports_the_app():
    wrong = [f"{module}:{line} imports {target}"
             for module, area, target, line in area_imports()
             if (area == "core" and target.startswith("blueprints"))
             or target.split(".")[0] in APP_LEVEL or target == REGISTRY]
    assert not wrong, "\n".join(wrong)


def test_only_the_registry_imports_views():
    # A second views module of an area (lab_views.py) adds routes to the area's own bp.
    wrong = [f"{module}:{line} imports {target}"
             for module, area, target, line in area_imports() if is_views(target)
             and not (is_views(module) and area_of(target) == area)]
    for path in source_files(ROOT / "demo", ROOT / "backup", ROOT / "bench") + [
            ROOT / "app.py", ROOT / "jobs.py"]:
        wrong += [f"{module_name(path)}:{line} imports {target}"
                  for target, line in imports_of(path) if is_views(target)]
    assert not wrong, "\n".join(wrong)


def test_an_area_package_defines_nothing():
    full = [str(p.relative_to(ROOT)) for p in BLUEPRINTS.glob("*/__init__.py")
            if p.read_text().strip()] + ([] if not (BLUEPRINTS / "__init__.py").read_text()
                                         .strip() else ["blueprints/__init__.py"])
    assert not full


# Rule modules and what they may pull in when imported alone, in a fresh interpreter.
PURE = ["blueprints.service_requests.routing", "blueprints.service_requests.lifecycle",
        "blueprints.service_requests.deadlines", "blueprints.service_requests.verdicts",
        "blueprints.service_requests.satisfaction", "blueprints.service_requests.written_results",
        "blueprints.metrology.scale_verification", "blueprints.labs.four_eyes",
        "blueprints.metrology.readings", "blueprints.enterprises.uscc",
        "blueprints.catalogue.kinds", "blueprints.catalogue.grade_scales", "blueprints.scheduling.allocation",
        "blueprints.scheduling.kinds", "core.workdays", "core.roles", "core.typed",
        "blueprints.standards.references", "blueprints.standards.tokens",
        "blueprints.standards.ics", "blueprints.dashboards.metrics",
        "blueprints.credit.indicators"]
# Plain Python too, but over a library of some size (icalendar): no bound on the count.
PURE_OVER_A_LIBRARY = ["blueprints.scheduling.ical"]
DATABASE_BACKED = ["blueprints.service_requests.clock", "blueprints.service_requests.models",
                   "blueprints.scheduling.slots", "blueprints.metrology.campaigns",
                   "blueprints.certificates.batches", "core.numbering",
                   "core.working_calendar", "blueprints.dashboards.refresh",
                   "blueprints.dashboards.days", "blueprints.dashboards.clinic_figures"]
PROBE = """
import json, sys
import {module}
loaded = set(sys.modules)
print(json.dumps({{"count": len(loaded), "flask": "flask" in loaded,
    "sqlalchemy": "sqlalchemy" in loaded, "app": "app" in loaded,
    "weasyprint": "weasyprint" in loaded,
    "views": sorted(m for m in loaded if m.startswith("blueprints.") and m.endswith("views"))}}))
"""


def probe(module: str) -> dict:
    import json
    out = subprocess.run([sys.executable, "-c", PROBE.format(module=module)], cwd=ROOT,
                         capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    return json.loads(out.stdout)


@pytest.mark.parametrize("module", PURE)
def test_a_rule_module_loads_without_flask_or_the_database(module):
    loaded = probe(module)
    print(f"{module}: {loaded['count']} modules")
    assert not (loaded["flask"] or loaded["sqlalchemy"] or loaded["views"]), loaded
    assert loaded["count"] < 150, loaded


@pytest.mark.parametrize("module", PURE_OVER_A_LIBRARY)
def test_a_formatting_module_loads_without_flask_or_the_database(module):
    loaded = probe(module)
    print(f"{module}: {loaded['count']} modules")
    assert not (loaded["flask"] or loaded["sqlalchemy"] or loaded["views"]), loaded


@pytest.mark.parametrize("module", DATABASE_BACKED)
def test_a_database_backed_module_loads_without_the_app(module):
    loaded = probe(module)
    print(f"{module}: {loaded['count']} modules")
    assert not (loaded["app"] or loaded["weasyprint"] or loaded["views"]), loaded


# A lifecycle state compared in a template, or named there as a string (words for
# people inside _("...") are not names). A filter form's own `state == key` is not a
# lifecycle test: it compares the chosen filter.
STATE_TEST = re.compile(r"\.(state|status)(\.value)?\s*(==|!=|\bin\b|\bnot in\b)")
JINJA = re.compile(r"{{.*?}}|{%.*?%}", re.S)
LITERAL = re.compile(r"""(?<!_\()['"]([a-z_]+)['"]""")


def state_names() -> set[str]:
    """The request lifecycle's states, read from its source (no import needed)."""
    tree = ast.parse((BLUEPRINTS / "service_requests" / "lifecycle.py").read_text())
    state = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "State")
    return {n.value.value for n in state.body if isinstance(n, ast.Assign)}


def test_no_template_names_a_lifecycle_state():
    states = state_names()
    assert {"draft", "in_review", "closed"} <= states
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = path.read_text()
        for tag in JINJA.finditer(text):
            line = text.count("\n", 0, tag.start()) + 1
            named = states & set(LITERAL.findall(tag.group()))
            if named or STATE_TEST.search(tag.group()):
                found.append(f"{path.relative_to(ROOT)}:{line} {tag.group()[:90]}")
    assert not found, "templates that name a state:\n" + "\n".join(found)
