"""Who may review and who may sign a part's results: one rule for the part page, the
worklist, campaign days and batches (ISO/IEC 17025 7.8.2.1 o: the report names who
authorised it; 6.2.6: authorisation is given for a defined scope).

A Chinese report carries three names: 编制 (who entered the results), 审核 (who
reviewed them) and 批准 (the authorised signatory who issues it). Four eyes: whoever
entered or changed a result neither reviews nor signs it. Reviewers are the lab's
managers and its authorised signatories; a signatory signs only within their scope
(the kinds of service they are authorised for) and with a signature image on file.

Plain Python: callers read the lab's team once (`Team`) and ask here."""
from dataclasses import dataclass, field
from enum import StrEnum


class Refusal(StrEnum):
    entered_results = "entered_results"   # four eyes
    not_reviewer = "not_reviewer"         # neither a manager nor a signatory of the lab
    not_signatory = "not_signatory"       # not an authorised signatory of the lab
    out_of_scope = "out_of_scope"         # a signatory, but not for this kind of work
    no_signature = "no_signature"         # a signatory with no signature image on file


class Gap(StrEnum):
    """What the lab lacks for a part to go on, whoever looks at it."""
    reviewer = "reviewer"      # everyone who may review entered its results
    signatory = "signatory"    # no signatory of its scope who did not enter its results
    signature = "signature"    # the only possible signatories have no signature image


@dataclass(frozen=True)
class Team:
    """A lab's people as the rule needs them: its managers, and for each authorised
    signatory the kinds of service they sign, and who has a signature image."""
    managers: frozenset[int] = frozenset()
    signatories: dict[int, frozenset[str]] = field(default_factory=dict)
    with_signature: frozenset[int] = frozenset()

    @property
    def reviewers(self) -> frozenset[int]:
        return self.managers | frozenset(self.signatories)

    def signers_for(self, kinds: set[str]) -> frozenset[int]:
        return frozenset(uid for uid, scope in self.signatories.items() if kinds <= scope)


def review_refusal(team: Team, person: int, enterers: set[int]) -> Refusal | None:
    if person not in team.reviewers:
        return Refusal.not_reviewer
    if person in enterers:
        return Refusal.entered_results
    return None


def sign_refusal(team: Team, person: int, enterers: set[int], kinds: set[str]) -> Refusal | None:
    if person not in team.signatories:
        return Refusal.not_signatory
    if not kinds <= team.signatories[person]:
        return Refusal.out_of_scope
    if person in enterers:
        return Refusal.entered_results
    if person not in team.with_signature:
        return Refusal.no_signature
    return None


def gap(team: Team, enterers: set[int], kinds: set[str], reviewed: bool) -> Gap | None:
    """What stops the part whoever tries: before review, nobody left to review it or,
    once reviewed, nobody left to sign it. None when someone can."""
    if not reviewed and not team.reviewers - enterers:
        return Gap.reviewer
    signers = team.signers_for(kinds) - enterers
    if not signers:
        return Gap.signatory
    if not signers & team.with_signature:
        return Gap.signature
    return None


@dataclass(frozen=True)
class Signoff:
    """For one person and one part: why they may not review it or sign it (None when
    they may), and what the lab lacks when nobody can."""
    review: Refusal | None
    sign: Refusal | None
    gap: Gap | None

    @property
    def may_review(self) -> bool:
        return self.review is None

    @property
    def may_sign(self) -> bool:
        return self.sign is None


def signoff(team: Team, person: int, enterers: set[int], kinds: set[str],
            reviewed: bool) -> Signoff:
    return Signoff(review=review_refusal(team, person, enterers),
                   sign=sign_refusal(team, person, enterers, kinds),
                   gap=gap(team, enterers, kinds, reviewed))
