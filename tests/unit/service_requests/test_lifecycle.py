"""Every state against every action, for every role."""
import pytest

from blueprints.service_requests.lifecycle import (
    TRANSITIONS,
    Action,
    IllegalTransition,
    RoleNotAllowed,
    State,
    actions_from,
    transition,
)
from core.roles import Role

S, A = State, Action
# The table as DESIGN.md draws it, written out independently of the code.
EXPECTED = {
    (S.draft, A.submit): S.submitted, (S.draft, A.cancel): S.cancelled,
    (S.submitted, A.quote): S.quoted, (S.submitted, A.accept_free): S.confirmed,
    (S.submitted, A.return_for_info): S.returned, (S.submitted, A.reject): S.rejected,
    (S.submitted, A.cancel): S.cancelled, (S.returned, A.resubmit): S.submitted,
    (S.returned, A.cancel): S.cancelled, (S.quoted, A.confirm): S.confirmed,
    (S.quoted, A.cancel): S.cancelled, (S.confirmed, A.receive_sample): S.sample_received,
    (S.sample_received, A.start): S.in_progress, (S.in_progress, A.submit_results): S.in_review,
    (S.in_review, A.send_back): S.in_progress, (S.in_review, A.approve): S.approved,
    (S.approved, A.issue): S.issued, (S.issued, A.close): S.closed,
    # 17025 7.8.8: an issued report is corrected by reopening the work.
    (S.issued, A.amend): S.in_progress, (S.closed, A.amend): S.in_progress,
}
APPLICANT_ACTIONS = {A.submit, A.resubmit, A.cancel, A.confirm, A.close}
MANAGER_ONLY = {A.quote, A.accept_free, A.return_for_info, A.reject, A.send_back, A.amend}
# Review and signing are open to any lab role in the table; the four-eyes rule
# (labs/four_eyes.py, tested on its own) narrows them to managers and signatories.


@pytest.mark.parametrize("state", list(State))
@pytest.mark.parametrize("action", list(Action))
def test_every_state_and_action(state, action):
    if (state, action) not in EXPECTED:
        for role in Role:
            with pytest.raises(IllegalTransition):
                transition(state, action, role)
        return
    allowed = {role for role in Role
               if _allowed(lambda r=role: transition(state, action, r))}
    step = TRANSITIONS[(state, action)]
    assert step.to == EXPECTED[(state, action)]
    assert step.event
    if action in MANAGER_ONLY:
        assert allowed == {Role.lab_manager}
    elif action == A.close:
        assert allowed == {Role.lab_manager, Role.sme, Role.citizen}
    elif action in APPLICANT_ACTIONS:
        assert allowed == {Role.sme, Role.citizen}
    else:  # samples, work, results, review and signing: any lab member (then four eyes)
        assert allowed == {Role.lab_staff, Role.lab_manager}
    assert Role.admin not in allowed  # the platform operator does not work requests


def _allowed(call) -> bool:
    try:
        call()
        return True
    except RoleNotAllowed:
        return False


def test_the_table_has_nothing_more_than_the_design():
    assert set(TRANSITIONS) == set(EXPECTED)


def test_final_states_have_no_way_out():
    for state in (S.rejected, S.cancelled):
        assert all(actions_from(state, role) == [] for role in Role)
    # A closed part stays closed, except that its lab may reopen it to amend the report.
    assert {role: actions_from(S.closed, role) for role in Role if actions_from(S.closed, role)} \
        == {Role.lab_manager: [A.amend]}


def test_buttons_follow_the_table():
    assert actions_from(S.submitted, Role.lab_manager) == [
        A.quote, A.accept_free, A.return_for_info, A.reject]
    assert actions_from(S.submitted, Role.sme) == [A.cancel]
    assert actions_from(S.submitted, Role.lab_staff) == []
