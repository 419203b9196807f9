"""Which experts the desk proposes for a case: by how well their fields match the
problem, then by how much they already carry, and never one with a conflict of
interest. Plain values in, plain values out; clinic/dispatch.py reads the pool."""
from dataclasses import dataclass, field
from enum import StrEnum

# How much each kind of match weighs: the chain the enterprise works in says most
# about the problem, a skill the case asks for and the product's ICS field follow.
CHAIN_WEIGHT, SKILL_WEIGHT, ICS_WEIGHT = 3, 2, 2


@dataclass(frozen=True)
class Needs:
    """What a case asks for, and whose case it is."""
    enterprise_id: int
    chain: str
    ics_field: str = ""
    skills: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Candidate:
    """One expert of the pool as matching sees them."""
    id: int
    chains: frozenset[str] = frozenset()
    ics_fields: frozenset[str] = frozenset()
    skills: frozenset[str] = frozenset()
    # The enterprise the expert works for, and those the expert declared competitors
    # of their employer or otherwise conflicted.
    employer_enterprise_id: int | None = None
    conflicts: frozenset[int] = frozenset()
    available: bool = True
    open_cases: int = 0
    capacity: int = 5


class Exclusion(StrEnum):
    own_employer = "own_employer"
    conflict = "conflict"
    unavailable = "unavailable"
    full = "full"
    no_match = "no_match"


@dataclass(frozen=True)
class Proposal:
    expert_id: int
    score: int
    matched: tuple[str, ...]          # "chain", "ics", "skill:root_cause" ...
    open_cases: int
    capacity: int


@dataclass(frozen=True)
class Proposals:
    proposed: list[Proposal] = field(default_factory=list)
    excluded: dict[int, Exclusion] = field(default_factory=dict)


def is_available(available: bool, away_until, today) -> bool:
    """Whether an expert takes new cases today: marked available and not away."""
    return available and (away_until is None or away_until < today)


def conflict_of(needs: Needs, expert: Candidate) -> Exclusion | None:
    """Why `expert` may never take this case (their own employer's, or an enterprise
    they declared a conflict with), or None."""
    if expert.employer_enterprise_id is not None and \
            expert.employer_enterprise_id == needs.enterprise_id:
        return Exclusion.own_employer
    if needs.enterprise_id in expert.conflicts:
        return Exclusion.conflict
    return None


def matched_fields(needs: Needs, expert: Candidate) -> tuple[str, ...]:
    """The fields of the case the expert covers, chain first."""
    matched = ["chain"] if needs.chain in expert.chains else []
    if needs.ics_field and needs.ics_field in expert.ics_fields:
        matched.append("ics")
    matched += [f"skill:{s}" for s in sorted(needs.skills & expert.skills)]
    return tuple(matched)


def score(matched: tuple[str, ...]) -> int:
    return sum(CHAIN_WEIGHT if m == "chain" else ICS_WEIGHT if m == "ics" else SKILL_WEIGHT
               for m in matched)


def propose(needs: Needs, pool: list[Candidate]) -> Proposals:
    """The experts to propose, best first, and why each of the others is left out.

    Best first: the higher field score, then the lighter load (open cases as a share
    of what the expert takes on, then the count), then the lower id, so the order is
    stable. An expert with a conflict of interest, away, at capacity, or matching no
    field of the case is never proposed. Nobody left gives an empty list.
    """
    proposed, excluded = [], {}
    for expert in pool:
        reason = conflict_of(needs, expert)
        if reason is None and not expert.available:
            reason = Exclusion.unavailable
        if reason is None and expert.open_cases >= expert.capacity:
            reason = Exclusion.full
        matched = matched_fields(needs, expert) if reason is None else ()
        if reason is None and not matched:
            reason = Exclusion.no_match
        if reason is not None:
            excluded[expert.id] = reason
            continue
        proposed.append(Proposal(expert.id, score(matched), matched, expert.open_cases,
                                 expert.capacity))
    proposed.sort(key=lambda p: (-p.score, p.open_cases / max(p.capacity, 1), p.open_cases,
                                 p.expert_id))
    return Proposals(proposed, excluded)
