"""A clinic case's lifecycle as one table: state x action -> next state, which party
may take it, and the audit event it writes. Provinces run the flow as 点单 → 派单 →
接单 → 评单: the enterprise orders, the desk dispatches, the expert accepts, the
enterprise confirms and rates.

The parties are people's relation to the case, not their accounts' roles: lab staff
who are experts act as the case's expert, and an enterprise's members as the
enterprise. Plain Python: the pages call ClinicCase.take and never set a state.
"""
from dataclasses import dataclass
from enum import StrEnum


class CaseState(StrEnum):
    submitted = "submitted"            # 点单: waiting for the desk to dispatch
    dispatched = "dispatched"          # 派单: waiting for an expert to accept
    info_requested = "info_requested"  # asked the enterprise before accepting; clock paused
    in_progress = "in_progress"        # 接单: an expert works the case
    on_hold = "on_hold"                # waiting for the enterprise's answer; clock paused
    proposed = "proposed"              # the expert proposes it is resolved
    resolved = "resolved"              # 评单: the enterprise confirmed
    withdrawn = "withdrawn"            # the enterprise withdrew it
    rejected = "rejected"              # the desk cannot take it (not a quality problem)


class CaseAction(StrEnum):
    dispatch = "dispatch"
    reject = "reject"
    withdraw = "withdraw"
    accept = "accept"
    decline = "decline"
    ask = "ask"                        # ask the enterprise for information
    answer = "answer"
    propose = "propose"                # propose resolution
    confirm = "confirm"
    contest = "contest"                # the enterprise says it is not resolved


class Party(StrEnum):
    enterprise = "enterprise"          # a member of the case's enterprise
    expert = "expert"                  # an expert dispatched to the case
    admin = "admin"                    # the desk's administrators


@dataclass(frozen=True)
class Step:
    to: "CaseState"
    parties: frozenset[Party]
    event: str


ENTERPRISE = frozenset({Party.enterprise})
EXPERT = frozenset({Party.expert})
ADMIN = frozenset({Party.admin})

S, A = CaseState, CaseAction
TRANSITIONS: dict[tuple[CaseState, CaseAction], Step] = {
    (S.submitted, A.dispatch): Step(S.dispatched, ADMIN, "dispatched"),
    (S.submitted, A.reject): Step(S.rejected, ADMIN, "rejected"),
    (S.submitted, A.withdraw): Step(S.withdrawn, ENTERPRISE, "withdrawn"),
    # More experts may join while the first are asked or at work (a group).
    (S.dispatched, A.dispatch): Step(S.dispatched, ADMIN, "dispatched"),
    (S.dispatched, A.accept): Step(S.in_progress, EXPERT, "accepted"),
    # The last expert asked declines: the case is the desk's to dispatch again
    # (ClinicCase.decline keeps it dispatched while others have yet to answer).
    (S.dispatched, A.decline): Step(S.submitted, EXPERT, "declined"),
    (S.dispatched, A.ask): Step(S.info_requested, EXPERT | ADMIN, "info_requested"),
    (S.dispatched, A.withdraw): Step(S.withdrawn, ENTERPRISE, "withdrawn"),
    (S.info_requested, A.answer): Step(S.dispatched, ENTERPRISE, "answered"),
    (S.info_requested, A.withdraw): Step(S.withdrawn, ENTERPRISE, "withdrawn"),
    (S.in_progress, A.dispatch): Step(S.in_progress, ADMIN, "dispatched"),
    (S.in_progress, A.accept): Step(S.in_progress, EXPERT, "accepted"),
    (S.in_progress, A.decline): Step(S.in_progress, EXPERT, "declined"),
    (S.in_progress, A.ask): Step(S.on_hold, EXPERT, "info_requested"),
    (S.in_progress, A.propose): Step(S.proposed, EXPERT, "resolution_proposed"),
    (S.in_progress, A.withdraw): Step(S.withdrawn, ENTERPRISE, "withdrawn"),
    (S.on_hold, A.answer): Step(S.in_progress, ENTERPRISE, "answered"),
    (S.on_hold, A.withdraw): Step(S.withdrawn, ENTERPRISE, "withdrawn"),
    (S.proposed, A.confirm): Step(S.resolved, ENTERPRISE, "resolved"),
    (S.proposed, A.contest): Step(S.in_progress, ENTERPRISE, "resolution_contested"),
}

# Cases the desk still owes work on (an expert's load counts them).
OPEN_STATES = frozenset({S.submitted, S.dispatched, S.info_requested, S.in_progress,
                         S.on_hold, S.proposed})
FINAL_STATES = frozenset({S.resolved, S.withdrawn, S.rejected})
# Experts owe an answer to their dispatch; the clock stops while the enterprise is asked.
AWAITING_EXPERT = frozenset({S.dispatched, S.in_progress})
CLOCK_PAUSED = frozenset({S.info_requested, S.on_hold})
# The experts at work on the case book visits, record findings, actions and time.
WORKING = frozenset({S.in_progress, S.on_hold, S.proposed})
# Files and messages go with the case until it ends.
TAKES_FILES = OPEN_STATES
# A case may be dispatched (to one expert or more) in these states; the case page offers
# it while no expert is at work (later, more experts join from the same post).
DISPATCHABLE = frozenset({S.submitted, S.dispatched, S.in_progress})
AWAITS_DISPATCH = frozenset({S.submitted, S.dispatched})

# Steps that carry a text the other party reads (a reason, a question, an answer, the
# resolution).
NEEDS_TEXT = frozenset({A.reject, A.withdraw, A.decline, A.ask, A.answer, A.propose,
                        A.contest})
# Steps with a rule beyond the table: ClinicCase has a method of that name.
RULED = frozenset({A.dispatch, A.accept, A.decline, A.ask, A.answer, A.propose, A.confirm})


class CaseStepRefused(Exception):
    """Base of the refusals; `code` names the reason for messages."""
    code = "illegal"

    def __init__(self, state: CaseState, action: CaseAction):
        super().__init__(f"{action.value} is not possible from {state.value}")
        self.state, self.action = state, action


class IllegalStep(CaseStepRefused):
    code = "illegal"


class PartyNotAllowed(CaseStepRefused):
    code = "party"


def transition(state: CaseState, action: CaseAction, party: Party) -> Step:
    """The step `action` takes from `state` for `party`.

    Raises IllegalStep when the table has no such step and PartyNotAllowed when the
    party may not take it.
    """
    step = TRANSITIONS.get((state, action))
    if step is None:
        raise IllegalStep(state, action)
    if party not in step.parties:
        raise PartyNotAllowed(state, action)
    return step


def actions_from(state: CaseState, parties) -> list[CaseAction]:
    """The actions any of `parties` may take from `state`, in table order."""
    parties = set(parties)
    return [a for (s, a), step in TRANSITIONS.items() if s == state and parties & step.parties]
