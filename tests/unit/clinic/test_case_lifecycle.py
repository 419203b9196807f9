"""Every case state against every action, for every party of the case."""
import pytest

from blueprints.clinic.lifecycle import (
    AWAITING_EXPERT,
    CLOCK_PAUSED,
    DISPATCHABLE,
    FINAL_STATES,
    OPEN_STATES,
    TAKES_FILES,
    TRANSITIONS,
    WORKING,
    CaseAction,
    CaseState,
    IllegalStep,
    Party,
    PartyNotAllowed,
    actions_from,
    transition,
)

S, A = CaseState, CaseAction
ENT, EXP, ADM = Party.enterprise, Party.expert, Party.admin
# The clinic's flow as designed (点单 → 派单 → 接单 → 评单), written out by hand:
# (state, action) -> (next state, the parties who may take it).
EXPECTED = {
    (S.submitted, A.dispatch): (S.dispatched, {ADM}),
    (S.submitted, A.reject): (S.rejected, {ADM}),
    (S.submitted, A.withdraw): (S.withdrawn, {ENT}),
    (S.dispatched, A.dispatch): (S.dispatched, {ADM}),
    (S.dispatched, A.accept): (S.in_progress, {EXP}),
    (S.dispatched, A.decline): (S.submitted, {EXP}),
    (S.dispatched, A.ask): (S.info_requested, {EXP, ADM}),
    (S.dispatched, A.withdraw): (S.withdrawn, {ENT}),
    (S.info_requested, A.answer): (S.dispatched, {ENT}),
    (S.info_requested, A.withdraw): (S.withdrawn, {ENT}),
    (S.in_progress, A.dispatch): (S.in_progress, {ADM}),
    (S.in_progress, A.accept): (S.in_progress, {EXP}),
    (S.in_progress, A.decline): (S.in_progress, {EXP}),
    (S.in_progress, A.ask): (S.on_hold, {EXP}),
    (S.in_progress, A.propose): (S.proposed, {EXP}),
    (S.in_progress, A.withdraw): (S.withdrawn, {ENT}),
    (S.on_hold, A.answer): (S.in_progress, {ENT}),
    (S.on_hold, A.withdraw): (S.withdrawn, {ENT}),
    (S.proposed, A.confirm): (S.resolved, {ENT}),
    (S.proposed, A.contest): (S.in_progress, {ENT}),
}
ENDS = {S.resolved, S.withdrawn, S.rejected}


def _allowed(state, action, party) -> bool:
    try:
        transition(state, action, party)
        return True
    except PartyNotAllowed:
        return False


@pytest.mark.parametrize("state", list(CaseState))
@pytest.mark.parametrize("action", list(CaseAction))
def test_every_state_and_action(state, action):
    """Each button does what the design says, and only for the parties it names."""
    if (state, action) not in EXPECTED:
        for party in Party:
            with pytest.raises(IllegalStep):
                transition(state, action, party)
        return
    to, parties = EXPECTED[(state, action)]
    assert {p for p in Party if _allowed(state, action, p)} == parties
    for party in parties:
        step = transition(state, action, party)
        assert step.to == to
        assert step.event


def test_the_table_has_nothing_more_than_the_design():
    assert set(TRANSITIONS) == set(EXPECTED)
    assert {key: step.to for key, step in TRANSITIONS.items()} == \
        {key: to for key, (to, _) in EXPECTED.items()}


def test_refusals_name_their_reason():
    """The page can tell "not possible now" from "not yours to do"."""
    with pytest.raises(IllegalStep) as illegal:
        transition(S.resolved, A.withdraw, ENT)
    with pytest.raises(PartyNotAllowed) as party:
        transition(S.submitted, A.dispatch, ENT)
    assert (illegal.value.code, party.value.code) == ("illegal", "party")
    assert (party.value.state, party.value.action) == (S.submitted, A.dispatch)


def test_final_states_have_no_way_out():
    assert FINAL_STATES == ENDS
    for state in ENDS:
        assert actions_from(state, set(Party)) == []


def test_open_and_final_states_split_every_state():
    assert OPEN_STATES | FINAL_STATES == set(CaseState)
    assert not OPEN_STATES & FINAL_STATES
    assert TAKES_FILES == OPEN_STATES


def test_every_open_state_has_a_way_out():
    for state in OPEN_STATES:
        assert actions_from(state, set(Party)), state


def test_the_enterprise_may_withdraw_until_a_resolution_is_proposed():
    withdrawable = {s for s in CaseState if _legal_for(s, A.withdraw, ENT)}
    assert withdrawable == OPEN_STATES - {S.proposed}


def test_the_clock_stops_exactly_in_the_states_ask_leads_to():
    assert CLOCK_PAUSED == {to for (_, a), (to, _) in EXPECTED.items() if a == A.ask}


def test_the_desk_dispatches_exactly_where_the_table_lets_it():
    assert DISPATCHABLE == {s for (s, a) in EXPECTED if a == A.dispatch}


def test_experts_owe_an_answer_where_they_may_accept():
    assert AWAITING_EXPERT == {s for (s, a) in EXPECTED if a == A.accept}


def test_working_states_are_the_open_ones_reached_once_accepted():
    """Visits and findings are booked from acceptance until the case ends."""
    reached, todo = set(), [EXPECTED[(S.dispatched, A.accept)][0]]
    while todo:
        state = todo.pop()
        if state in reached or state in ENDS:
            continue
        reached.add(state)
        todo += [to for (s, _), (to, _) in EXPECTED.items() if s == state]
    assert WORKING == reached


def test_buttons_follow_the_table():
    """A dispatched case shows each party its own buttons, in table order."""
    assert actions_from(S.dispatched, {EXP}) == [A.accept, A.decline, A.ask]
    assert actions_from(S.dispatched, {ADM}) == [A.dispatch, A.ask]
    assert actions_from(S.dispatched, {ENT}) == [A.withdraw]
    assert actions_from(S.proposed, {EXP, ADM}) == []


def _legal_for(state, action, party) -> bool:
    try:
        transition(state, action, party)
        return True
    except (IllegalStep, PartyNotAllowed):
        return False
