"""Known vulnerabilities in the pinned requirements, checked offline against the OSV
advisories kept in security/advisories/ (copied from the Python Packaging Authority's
advisory database, CC-BY 4.0). Fails when a pin is affected by an advisory that has a
fixed release: the fix is to raise the pin.

    python security/check_requirements.py                 check requirements*.txt
    python security/check_requirements.py --refresh DIR   copy advisories for the pins
                                                          from DIR (OSV .json or .yaml
                                                          files, e.g. an unzipped
                                                          PyPI/all.zip from OSV)

With network access, `pip-audit -r requirements.txt` asks the live databases too."""
import argparse
import json
import re
import sys
from pathlib import Path

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

HERE = Path(__file__).resolve().parent
ADVISORIES = HERE / "advisories"
# What the desk runs on, and the tests' and tools' packages.
REQUIREMENTS = (HERE.parent / "requirements.txt", HERE.parent / "requirements-dev.txt")
PIN = re.compile(r"^\s*([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?\s*==\s*([^\s;#]+)")


def pins(paths: tuple[Path, ...] = REQUIREMENTS) -> dict[str, Version]:
    found = {}
    for path in paths:
        for line in path.read_text().splitlines():
            m = PIN.match(line)
            if m:
                found[canonicalize_name(m.group(1))] = Version(m.group(2))
    return found


def _version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def affects(advisory: dict, package: str, version: Version) -> tuple[bool, list[str]]:
    """Whether `version` of `package` is affected, and the releases that fix it."""
    hit, fixes = False, []
    for affected in advisory.get("affected", []):
        pkg = affected.get("package", {})
        if pkg.get("ecosystem") != "PyPI" or canonicalize_name(pkg.get("name", "")) != package:
            continue
        if str(version) in affected.get("versions", []):
            hit = True
        for rng in affected.get("ranges", []):
            if rng.get("type") != "ECOSYSTEM":
                continue
            # Events in order: from each "introduced" up to the next "fixed" or
            # "last_affected" (inclusive), or without end.
            start = None
            for event in rng.get("events", []):
                if "introduced" in event:
                    start = Version("0") if event["introduced"] == "0" else \
                        _version(event["introduced"])
                elif "fixed" in event and start is not None:
                    fixed = _version(event["fixed"])
                    if fixed is not None:
                        fixes.append(str(fixed))
                        hit = hit or start <= version < fixed
                    start = None
                elif "last_affected" in event and start is not None:
                    last = _version(event["last_affected"])
                    hit = hit or (last is not None and start <= version <= last)
                    start = None
            if start is not None and start <= version:
                hit = True
    return hit, fixes


def findings(pinned: dict[str, Version], folder: Path = ADVISORIES) -> list[str]:
    """One line per pin affected by an advisory with a fix."""
    out = []
    for package, version in sorted(pinned.items()):
        for path in sorted((folder / package).glob("*.json")):
            advisory = json.loads(path.read_text())
            hit, fixes = affects(advisory, package, version)
            newer = sorted((f for f in fixes if Version(f) > version), key=Version)
            if hit and newer:
                out.append(f"{package}=={version}: {advisory['id']} "
                           f"({', '.join(advisory.get('aliases', []))}) fixed in {newer[0]}: "
                           f"{advisory.get('summary') or advisory.get('details', '')[:100]}")
    return out


def refresh(source: Path, pinned: dict[str, Version]) -> int:
    """Copy the advisories that name a pinned package from `source` (recursively)."""
    copied = 0
    for path in source.rglob("*"):
        if path.suffix not in (".json", ".yaml", ".yml") or not path.is_file():
            continue
        if path.suffix == ".json":
            data = json.loads(path.read_text())
        else:
            import yaml  # only for refreshing from the YAML database
            data = yaml.safe_load(path.read_text())
        names = {canonicalize_name(a.get("package", {}).get("name", ""))
                 for a in data.get("affected", []) if a.get("package", {}).get("ecosystem")
                 == "PyPI"}
        for name in names & set(pinned):
            target = ADVISORIES / name / f"{data['id']}.json"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True,
                                         default=str))
            copied += 1
    return copied


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--refresh", type=Path, help="advisory files to copy from")
    args = parser.parse_args(argv)
    pinned = pins()
    if args.refresh:
        print(f"{refresh(args.refresh, pinned)} advisories copied")
    problems = findings(pinned)
    count = sum(1 for _ in ADVISORIES.glob("*/*.json"))
    if problems:
        print("Known vulnerabilities with a fix in the pinned requirements:")
        print("\n".join(f"  {p}" for p in problems))
        print("Raise these pins in requirements.txt or requirements-dev.txt (see README, "
              "Dependencies).")
        return 1
    print(f"No known vulnerability with a fix in {len(pinned)} pins "
          f"({count} advisories checked).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
