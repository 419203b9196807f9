"""The request lifecycle as one table: state x action -> next state, who may take
it, and the audit event it writes (DESIGN.md, Request lifecycle).

Plain Python: the web and API layers call `transition()` and never set a state
themselves.
"""
from dataclasses import dataclass
from enum import StrEnum

from core.roles import Role


class State(StrEnum):
    draft = "draft"
    submitted = "submitted"
    returned = "returned"          # needs information from the applicant
    rejected = "rejected"
    cancelled = "cancelled"
    quoted = "quoted"              # lab accepted and confirmed price and method (17025 7.1)
    confirmed = "confirmed"        # applicant accepted the quote (free work skips the quote)
    sample_received = "sample_received"
    in_progress = "in_progress"
    in_review = "in_review"
    approved = "approved"
    issued = "issued"
    closed = "closed"


class Action(StrEnum):
    submit = "submit"
    resubmit = "resubmit"
    cancel = "cancel"
    quote = "quote"
    accept_free = "accept_free"
    return_for_info = "return_for_info"
    reject = "reject"
    confirm = "confirm"
    receive_sample = "receive_sample"
    start = "start"
    submit_results = "submit_results"
    send_back = "send_back"
    approve = "approve"
    issue = "issue"
    close = "close"
    amend = "amend"      # reopen an issued part to correct it; its next certificate replaces the old


APPLICANT = frozenset({Role.sme, Role.citizen})
MANAGER = frozenset({Role.lab_manager})
LAB = frozenset({Role.lab_staff, Role.lab_manager})


@dataclass(frozen=True)
class Step:
    to: State
    roles: frozenset[Role]
    event: str


S, A = State, Action
TRANSITIONS: dict[tuple[State, Action], Step] = {
    (S.draft, A.submit): Step(S.submitted, APPLICANT, "submitted"),
    (S.draft, A.cancel): Step(S.cancelled, APPLICANT, "cancelled"),
    (S.submitted, A.quote): Step(S.quoted, MANAGER, "quoted"),
    (S.submitted, A.accept_free): Step(S.confirmed, MANAGER, "accepted"),
    (S.submitted, A.return_for_info): Step(S.returned, MANAGER, "returned"),
    (S.submitted, A.reject): Step(S.rejected, MANAGER, "rejected"),
    (S.submitted, A.cancel): Step(S.cancelled, APPLICANT, "cancelled"),
    (S.returned, A.resubmit): Step(S.submitted, APPLICANT, "resubmitted"),
    (S.returned, A.cancel): Step(S.cancelled, APPLICANT, "cancelled"),
    (S.quoted, A.confirm): Step(S.confirmed, APPLICANT, "quote_accepted"),
    (S.quoted, A.cancel): Step(S.cancelled, APPLICANT, "cancelled"),
    (S.confirmed, A.receive_sample): Step(S.sample_received, LAB, "sample_received"),
    (S.sample_received, A.start): Step(S.in_progress, LAB, "work_started"),
    (S.in_progress, A.submit_results): Step(S.in_review, LAB, "results_submitted"),
    (S.in_review, A.send_back): Step(S.in_progress, MANAGER, "sent_back"),
    # Reviewing and signing are for the lab's managers and authorised signatories, who
    # may be staff; SubRequest.approve and the certificate's signer check say who.
    (S.in_review, A.approve): Step(S.approved, LAB, "approved"),
    (S.approved, A.issue): Step(S.issued, LAB, "issued"),
    (S.issued, A.close): Step(S.closed, MANAGER | APPLICANT, "closed"),
    # 17025 7.8.8: a correction goes through results and review again, then is issued
    # as a new certificate that names the one it replaces.
    (S.issued, A.amend): Step(S.in_progress, MANAGER, "reopened_for_amendment"),
    (S.closed, A.amend): Step(S.in_progress, MANAGER, "reopened_for_amendment"),
}

# States in which the lab still owes work, and those that end a request.
OPEN_STATES = frozenset({S.submitted, S.quoted, S.confirmed, S.sample_received,
                         S.in_progress, S.in_review, S.approved})
FINAL_STATES = frozenset({S.rejected, S.cancelled, S.closed})
# The turnaround clock stops while the part waits on the applicant: returned for
# information, quote not yet accepted, samples not yet delivered.
CLOCK_PAUSED = frozenset({S.returned, S.quoted, S.confirmed})
# ... and what it waits for in each, as the pages say it.
PAUSED_FOR = {S.returned: "answer", S.quoted: "quote", S.confirmed: "samples"}
# The lab owes an answer (accept, quote, return or reject) by the response deadline.
AWAITING_ANSWER = frozenset({S.submitted})
# The lab's clock runs towards the due date.
CLOCK_RUNNING = OPEN_STATES - CLOCK_PAUSED - AWAITING_ANSWER
# A drop-off can be booked (or moved) until the samples arrive; an on-site visit
# until the work is done.
BOOKABLE = frozenset({S.submitted, S.quoted, S.confirmed})
VISITABLE = BOOKABLE | {S.sample_received, S.in_progress}
# Results are typed while the work is on; a scale's readings from acceptance on (the
# metrologist may verify it where it stands, on a campaign day).
TAKES_RESULTS = frozenset({S.sample_received, S.in_progress})
TAKES_READINGS = TAKES_RESULTS | {S.confirmed}
# The lab holds the samples (their labels can be printed) until the part closes.
SAMPLES_HELD = frozenset({S.sample_received, S.in_progress, S.in_review, S.approved, S.issued})
# The applicant is told the work is on, results to follow after approval.
WORK_UNDER_WAY = frozenset({S.sample_received, S.in_progress, S.in_review})
# From review on, a signatory needs a signature image on file to sign.
NEEDS_SIGNATORY = frozenset({S.in_review, S.approved, S.issued, S.closed})
# Waiting for its review (审核) or its signature (批准): the four-eyes rule decides who.
AWAITS_SIGNOFF = frozenset({S.in_review, S.approved})
# The lab's message to the applicant stands while the part is returned or rejected.
SHOWS_LAB_MESSAGE = frozenset({S.returned, S.rejected})
# Every state but the draft: a lab never sees a draft.
LAB_STATES = tuple(s for s in S if s != S.draft)
# Results, verdicts and flags become visible to the applicant from approval on.
RESULTS_VISIBLE = frozenset({S.approved, S.issued, S.closed})


# Steps that carry a reason the applicant or the record reads.
NEEDS_REASON = frozenset({A.return_for_info, A.reject, A.send_back, A.amend})
# Steps with a rule beyond the table: SubRequest has a method of that name.
RULED = NEEDS_REASON | {A.accept_free, A.submit_results, A.approve, A.issue}


class TransitionError(Exception):
    """Base of the refusals below; `code` names the reason for messages."""
    code = "illegal"

    def __init__(self, state: State, action: Action):
        super().__init__(f"{action.value} is not possible from {state.value}")
        self.state = state
        self.action = action


class IllegalTransition(TransitionError):
    code = "illegal"


class RoleNotAllowed(TransitionError):
    code = "role"


def transition(state: State, action: Action, role: Role) -> Step:
    """The step `action` takes from `state` for someone with `role`.

    Raises IllegalTransition when the table has no such step and RoleNotAllowed
    when the role may not take it.
    """
    step = TRANSITIONS.get((state, action))
    if step is None:
        raise IllegalTransition(state, action)
    if role not in step.roles:
        raise RoleNotAllowed(state, action)
    return step


def actions_from(state: State, role: Role) -> list[Action]:
    """The actions `role` may take from `state`, in table order (for buttons)."""
    return [a for (s, a), step in TRANSITIONS.items() if s == state and role in step.roles]


class StepRefused(Exception):
    """A step refused for a reason the user can act on; str() is the message."""


class FourEyes(StepRefused):
    """Refused by the four-eyes rule (labs/four_eyes.py): `code` is its Refusal."""

    def __init__(self, message, code: str):
        super().__init__(message)
        self.code = code


class QuoteRefused(StepRefused):
    """Some items' prices differ from the catalogue with no reason given."""

    def __init__(self, item_ids: set[int]):
        super().__init__("a changed price needs a reason")
        self.item_ids = item_ids


@dataclass(frozen=True)
class QuoteLine:
    """One item's line of a lab's quote: unit price in cents, why it differs from the
    catalogue, and any deviation from the method."""
    item_id: int
    cents: int
    reason: str = ""
    deviation: str = ""
