"""The figures a board read, kept until the worker computes them again, keyed by the
board's filters and that moment: the same board asked again (the county's default, the
public one) reads one row, not the month rows.

With REDIS_URL they are kept in Redis, so every node reads what one of them read, and
expire on their own; without it each process keeps the last FIGURES_KEPT. In Redis they
are JSON of the board's plain values with the name of each value's class, rebuilt only
into the classes below: never pickled, so what comes back from Redis is data, not code."""
import dataclasses
import hashlib
import json
import logging
import threading
from collections import OrderedDict
from datetime import date, datetime
from decimal import Decimal

from flask import current_app

from blueprints.dashboards import metrics, queries
from core.shared_state import shared_store

log = logging.getLogger("qidesk.dashboards")

FIGURES_KEPT = 64       # in a process, without Redis
# In Redis: the worker computes the figures every two minutes, after which nobody asks
# for the old ones again; the expiry only clears them away.
EXPIRE_SECONDS = 900
EXTENSION = "qidesk.dashboard_figures"


@dataclasses.dataclass(frozen=True)
class Figures:
    """What the board's queries read, before any word is put on it."""
    by: dict
    satisfaction: list
    scales: list
    backlog: list
    clinic: list
    served: int
    computed_at: object


def key_of(filters: queries.Filters, with_clinic: bool, public: bool,
           computed_at: datetime) -> str:
    """The name a board's figures are kept under."""
    text = json.dumps([_plain(filters), with_clinic, public, _plain(computed_at)],
                      sort_keys=True)
    return "dashboards:figures:" + hashlib.sha256(text.encode()).hexdigest()[:32]


def find(key: str) -> Figures | None:
    """The figures kept under `key`, or None."""
    store = shared_store()
    if store is None:
        kept, lock = _in_process()
        with lock:
            if key in kept:
                kept.move_to_end(key)
                return kept[key]
        return None
    text = store.get(key)
    if text is None:
        return None
    try:
        return decode(text)
    except (ValueError, TypeError, KeyError) as err:   # written by another version
        log.warning("kept figures %s unreadable (%s); reading them afresh", key, err)
        return None


def keep(key: str, figures: Figures) -> None:
    store = shared_store()
    if store is not None:
        store.set(key, encode(figures), EXPIRE_SECONDS)
        return
    kept, lock = _in_process()
    with lock:
        kept[key] = figures
        while len(kept) > FIGURES_KEPT:
            kept.popitem(last=False)


def _in_process() -> tuple[OrderedDict, threading.Lock]:
    return current_app.extensions.setdefault(EXTENSION, (OrderedDict(), threading.Lock()))


# The only classes a kept value is rebuilt into.
CLASSES = {cls.__name__: cls for cls in (
    Figures, queries.Filters, queries.Line, queries.SatisfactionLine, queries.ScaleLine,
    queries.ClinicLine, metrics.Satisfaction)}


def encode(figures: Figures) -> str:
    """The figures as JSON that decode() turns back into equal figures."""
    return json.dumps(_plain(figures), separators=(",", ":"))


def decode(text: str | bytes) -> Figures:
    """Figures from encode()'s JSON. Raises ValueError on a value of a class not listed
    in CLASSES."""
    figures = _value(json.loads(text))
    if not isinstance(figures, Figures):
        raise ValueError("not kept figures")
    return figures


def _plain(value):
    """A JSON value that says what `value` was: ints stay ints as dict keys, dates stay
    dates, a Line comes back a Line."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if dataclasses.is_dataclass(value) and type(value).__name__ in CLASSES:
        return {"$": type(value).__name__,
                "v": {f.name: _plain(getattr(value, f.name))
                      for f in dataclasses.fields(value)}}
    if isinstance(value, datetime):     # before date: a datetime is a date too
        return {"$": "datetime", "v": value.isoformat()}
    if isinstance(value, date):
        return {"$": "date", "v": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$": "decimal", "v": str(value)}
    if isinstance(value, dict):
        return {"$": "dict", "v": [[_plain(k), _plain(v)] for k, v in value.items()]}
    if isinstance(value, tuple):
        return {"$": "tuple", "v": [_plain(v) for v in value]}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    raise TypeError(f"cannot keep a {type(value).__name__}")


def _value(data):
    if isinstance(data, list):
        return [_value(v) for v in data]
    if not isinstance(data, dict):
        return data
    kind, raw = data["$"], data["v"]
    if kind == "datetime":
        return datetime.fromisoformat(raw)
    if kind == "date":
        return date.fromisoformat(raw)
    if kind == "decimal":
        return Decimal(raw)
    if kind == "dict":
        return {_value(k): _value(v) for k, v in raw}
    if kind == "tuple":
        return tuple(_value(v) for v in raw)
    if kind in CLASSES:
        return CLASSES[kind](**{name: _value(v) for name, v in raw.items()})
    raise ValueError(f"no class {kind!r} is kept")
