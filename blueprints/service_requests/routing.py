"""Routing: which lab does each item (DESIGN.md, Routing).

Among the labs whose accredited scope covers an item's service, pick the one
that would finish it first given its open work and daily capacity, then the
cheaper, then the lower lab id (so the choice is repeatable). Items routed to
the same lab in one submission add to that lab's queue as they are placed.
A lab whose drop-off counter is booked up starts later: the count begins on the first
day it has a free place. Plain values in, plain values out: the caller looks the
offers up.
"""
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from core.workdays import WorkCalendar


@dataclass(frozen=True)
class Offer:
    """One lab's capability for one service, with the lab's open work on it."""
    lab_id: int
    lab_code: str
    price_cents: int
    turnaround_days: int
    daily_capacity: int
    open_items: int
    # The first day the lab's drop-off counter has a free place, when it takes bookings:
    # work cannot start before the sample is in.
    first_drop_off: date | None = None


@dataclass(frozen=True)
class Need:
    """One item to place: a key the caller knows it by, and its service."""
    key: int
    service_id: int


@dataclass(frozen=True)
class Candidate:
    lab_id: int
    lab_code: str
    ready_by: date
    queue_days: int
    turnaround_days: int
    price_cents: int
    first_drop_off: date | None = None


@dataclass(frozen=True)
class Placement:
    key: int
    service_id: int
    chosen: Candidate
    others: tuple[Candidate, ...] = field(default=())


class NoCapableLab(Exception):
    """No lab's scope covers these services."""

    def __init__(self, service_ids: Sequence[int]):
        super().__init__(f"no lab offers services {sorted(set(service_ids))}")
        self.service_ids = sorted(set(service_ids))


def queue_days(open_items: int, daily_capacity: int) -> int:
    """Whole working days of queue before a new item is started."""
    return open_items // max(daily_capacity, 1)


def route(needs: Sequence[Need], offers: dict[int, Sequence[Offer]], today: date,
          holidays: frozenset[date] = frozenset(),
          calendars: Mapping[int, WorkCalendar] | None = None) -> list[Placement]:
    """Place every need at a lab; raises NoCapableLab naming every uncovered service.
    Dates count working days on each lab's calendar (`calendars`, by lab id), or
    weekdays less `holidays` for a lab without one."""
    missing = [n.service_id for n in needs if not offers.get(n.service_id)]
    if missing:
        raise NoCapableLab(missing)
    default = WorkCalendar(holidays=frozenset(holidays))
    load: dict[tuple[int, int], int] = {}
    placements = []
    for need in needs:
        candidates = []
        for offer in offers[need.service_id]:
            waiting = offer.open_items + load.get((offer.lab_id, need.service_id), 0)
            q = queue_days(waiting, offer.daily_capacity)
            start = max(today, offer.first_drop_off or today)
            candidates.append(Candidate(
                lab_id=offer.lab_id, lab_code=offer.lab_code,
                ready_by=(calendars or {}).get(offer.lab_id, default).add(
                    start, q + offer.turnaround_days),
                queue_days=q, turnaround_days=offer.turnaround_days,
                price_cents=offer.price_cents,
                first_drop_off=offer.first_drop_off if start > today else None))
        candidates.sort(key=lambda c: (c.ready_by, c.price_cents, c.lab_id))
        chosen = candidates[0]
        load[(chosen.lab_id, need.service_id)] = load.get((chosen.lab_id, need.service_id), 0) + 1
        placements.append(Placement(need.key, need.service_id, chosen, tuple(candidates[1:])))
    return placements


@dataclass(frozen=True)
class PartEstimate:
    """What one lab's part of a draft is expected to cost and when it is back."""
    lab_code: str
    items: int
    cents: int
    ready_by: date


def estimate(placements: Sequence[Placement], quantities: Mapping[int, int]
             ) -> list[PartEstimate]:
    """Per lab, in the order the labs first appear: the items placed there, their
    price at the offered unit prices times `quantities` (by need key), and the
    latest ready-by date among them."""
    parts: dict[str, PartEstimate] = {}
    for p in placements:
        seen = parts.get(p.chosen.lab_code)
        cents = p.chosen.price_cents * quantities.get(p.key, 1)
        parts[p.chosen.lab_code] = PartEstimate(
            p.chosen.lab_code, (seen.items if seen else 0) + 1,
            (seen.cents if seen else 0) + cents,
            max(p.chosen.ready_by, seen.ready_by) if seen else p.chosen.ready_by)
    return list(parts.values())
