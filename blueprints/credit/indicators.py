"""A county's quality-credit indicator set and the scoring it defines, in plain Python.

The set is a data file per county (data/<county>.toml): dimensions, indicators with
their weight, the desk's source that measures each, bands (the share of the weight a
value earns) and the grades' cut-offs, under a version that every dossier prints. A
value the desk has no source for is unknown: it earns nothing, is never read as zero,
and the dossier is graded only when enough of the weight is known."""
import itertools
import os
import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

DATA = os.path.join(os.path.dirname(__file__), "data")


@dataclass(frozen=True)
class Band:
    at_least: Decimal
    share: Decimal


@dataclass(frozen=True)
class Indicator:
    id: str
    dimension: str
    zh: str
    en: str
    source: str
    unit: str                      # percent, count, level or yuan
    weight: Decimal
    bands: tuple[Band, ...]
    record_kind: str = ""          # for the sources that read quality records
    levels: tuple[tuple[str, int], ...] = ()
    years: int = 0                 # how far back records count (0: any age)

    def share(self, value: Decimal) -> Decimal:
        """The share of the weight `value` earns: the first band it reaches."""
        return next((b.share for b in self.bands if value >= b.at_least), Decimal(0))


@dataclass(frozen=True)
class IndicatorSet:
    county: str
    zh: str
    en: str
    version: str
    effective: date
    min_known_weight: Decimal
    grades: tuple[tuple[Decimal, str], ...]       # (at least, grade), best first
    dimensions: tuple[tuple[str, str, str], ...]  # (id, zh, en)
    indicators: tuple[Indicator, ...]

    @property
    def total_weight(self) -> Decimal:
        return sum((i.weight for i in self.indicators), Decimal(0))

    def grade(self, score: Decimal) -> str:
        return next(g for at_least, g in self.grades if score >= at_least)


class IndicatorSetError(ValueError):
    """The data file does not define a usable set; the message says where."""


def _decimal(value) -> Decimal:
    return Decimal(str(value))


def _indicator(raw: dict, dimensions: set[str]) -> Indicator:
    where = f"indicator {raw.get('id')!r}"
    if raw.get("dimension") not in dimensions:
        raise IndicatorSetError(f"{where}: unknown dimension {raw.get('dimension')!r}")
    bands = tuple(Band(_decimal(b["at_least"]), _decimal(b["share"]))
                  for b in raw.get("bands", ()))
    if not bands or any(a.at_least <= b.at_least for a, b in itertools.pairwise(bands)) \
            or any(not 0 <= b.share <= 1 for b in bands):
        raise IndicatorSetError(f"{where}: bands must run from the highest cut-off down, "
                                f"each with a share between 0 and 1")
    return Indicator(id=raw["id"], dimension=raw["dimension"], zh=raw["zh"], en=raw["en"],
                     source=raw["source"], unit=raw["unit"], weight=_decimal(raw["weight"]),
                     bands=bands, record_kind=raw.get("record_kind", ""),
                     levels=tuple(raw.get("levels", {}).items()),
                     years=int(raw.get("years", 0)))


def parse_set(raw: dict) -> IndicatorSet:
    dimensions = tuple((d["id"], d["zh"], d["en"]) for d in raw["dimensions"])
    indicators = tuple(_indicator(i, {d[0] for d in dimensions}) for i in raw["indicators"])
    if len({i.id for i in indicators}) != len(indicators):
        raise IndicatorSetError("two indicators have the same id")
    grades = tuple((_decimal(g["at_least"]), g["grade"]) for g in raw["grades"])
    if not grades or grades[-1][0] != 0:
        raise IndicatorSetError("the last grade must start at 0, so every score has one")
    return IndicatorSet(county=raw["county"], zh=raw["zh"], en=raw["en"],
                        version=str(raw["version"]), effective=raw["effective"],
                        min_known_weight=_decimal(raw["min_known_weight"]), grades=grades,
                        dimensions=dimensions, indicators=indicators)


@lru_cache(maxsize=8)
def indicator_set(county: str) -> IndicatorSet:
    """The county's set, read once per process from data/<county>.toml."""
    if not county.isidentifier():
        raise IndicatorSetError(f"no indicator set is named {county!r}")
    with open(os.path.join(DATA, f"{county}.toml"), "rb") as fh:
        return parse_set(tomllib.load(fh))


@dataclass(frozen=True)
class Scored:
    id: str
    value: Decimal | None          # None: unknown
    points: Decimal


@dataclass(frozen=True)
class Score:
    lines: tuple[Scored, ...]
    total: Decimal                 # points earned, one decimal
    known_weight: Decimal          # the weight of the indicators whose value is known
    grade: str | None              # None: too little is known to grade


def score(iset: IndicatorSet, values: dict[str, Decimal | None]) -> Score:
    """Score `values` (by indicator id; missing or None means unknown) by the set."""
    lines, known = [], Decimal(0)
    for ind in iset.indicators:
        value = values.get(ind.id)
        points = Decimal(0)
        if value is not None:
            known += ind.weight
            points = ind.weight * ind.share(_decimal(value))
        lines.append(Scored(ind.id, None if value is None else _decimal(value), points))
    total = sum((s.points for s in lines), Decimal(0)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    grade = iset.grade(total) if known >= iset.min_known_weight else None
    return Score(tuple(lines), total, known, grade)
