"""The four-eyes rule and signatories' scope, as a table: who may review, who may sign,
and what a lab lacks when nobody can."""
import pytest

from blueprints.labs.four_eyes import Gap, Refusal, Team, gap, review_refusal, sign_refusal, signoff

MANAGER, SIGNER, ANALYST, CALIBRATOR, NO_IMAGE = 1, 2, 3, 4, 5
TEAM = Team(managers=frozenset({MANAGER}),
            signatories={MANAGER: frozenset({"testing", "calibration"}),
                         SIGNER: frozenset({"testing"}),
                         CALIBRATOR: frozenset({"calibration"}),
                         NO_IMAGE: frozenset({"testing"})},
            with_signature=frozenset({MANAGER, SIGNER, CALIBRATOR}))
TESTING = {"testing"}


@pytest.mark.parametrize("person,enterers,expected", [
    (MANAGER, set(), None),
    (SIGNER, set(), None),                    # signatories review, not only managers
    (ANALYST, set(), Refusal.not_reviewer),
    (MANAGER, {MANAGER}, Refusal.entered_results),
    (SIGNER, {MANAGER, SIGNER}, Refusal.entered_results),
    (SIGNER, {ANALYST}, None),
])
def test_who_reviews(person, enterers, expected):
    assert review_refusal(TEAM, person, enterers) == expected


@pytest.mark.parametrize("person,enterers,kinds,expected", [
    (MANAGER, {ANALYST}, TESTING, None),
    (SIGNER, {ANALYST}, TESTING, None),
    (ANALYST, set(), TESTING, Refusal.not_signatory),
    (CALIBRATOR, {ANALYST}, TESTING, Refusal.out_of_scope),
    (SIGNER, {ANALYST}, {"testing", "calibration"}, Refusal.out_of_scope),  # all kinds covered
    (MANAGER, {ANALYST}, {"testing", "calibration"}, None),
    (SIGNER, {SIGNER}, TESTING, Refusal.entered_results),
    (NO_IMAGE, {ANALYST}, TESTING, Refusal.no_signature),
])
def test_who_signs(person, enterers, kinds, expected):
    assert sign_refusal(TEAM, person, enterers, kinds) == expected


def test_a_lab_with_one_signatory_cannot_review_its_own_results():
    alone = Team(managers=frozenset({MANAGER}), signatories={MANAGER: frozenset(TESTING)},
                 with_signature=frozenset({MANAGER}))
    assert gap(alone, {MANAGER}, TESTING, reviewed=False) == Gap.reviewer
    # An analyst's results: the one signatory reviews and signs them.
    assert gap(alone, {ANALYST}, TESTING, reviewed=False) is None


@pytest.mark.parametrize("enterers,kinds,reviewed,expected", [
    ({ANALYST}, TESTING, False, None),
    ({MANAGER, SIGNER}, TESTING, False, Gap.signature),     # only NO_IMAGE is left to sign
    ({MANAGER, SIGNER, NO_IMAGE}, TESTING, False, Gap.signatory),  # the calibrator cannot
    ({MANAGER, SIGNER, CALIBRATOR, NO_IMAGE}, TESTING, False, Gap.reviewer),
    ({MANAGER, SIGNER}, {"calibration"}, True, None),        # the calibrator signs
    ({MANAGER, CALIBRATOR}, {"calibration"}, True, Gap.signatory),
    ({MANAGER, SIGNER, NO_IMAGE}, TESTING, True, Gap.signatory),
])
def test_what_the_lab_lacks(enterers, kinds, reviewed, expected):
    assert gap(TEAM, enterers, kinds, reviewed) == expected


def test_signers_without_an_image_are_a_gap_of_their_own():
    team = Team(managers=frozenset({MANAGER}), signatories={MANAGER: frozenset(TESTING),
                                                            NO_IMAGE: frozenset(TESTING)},
                with_signature=frozenset({MANAGER}))
    assert gap(team, {MANAGER}, TESTING, reviewed=True) == Gap.signature


def test_signoff_answers_both_questions_at_once():
    s = signoff(TEAM, SIGNER, {ANALYST}, TESTING, reviewed=False)
    assert s.may_review and s.may_sign and s.gap is None
    s = signoff(TEAM, ANALYST, {ANALYST}, TESTING, reviewed=False)
    assert not s.may_review and s.review == Refusal.not_reviewer and s.sign == Refusal.not_signatory
