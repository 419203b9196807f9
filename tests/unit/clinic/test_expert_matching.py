"""Which experts the desk proposes for a case, in what order, and who is left out."""
from blueprints.clinic.matching import Candidate, Exclusion, Needs, propose

ENTERPRISE = 7
# A shoe maker's case: the footwear chain, ICS 61.060 (footwear), two skills asked for.
NEEDS = Needs(enterprise_id=ENTERPRISE, chain="footwear", ics_field="61.060",
              skills=frozenset({"root_cause", "adhesives"}))


def expert(id, **kw) -> Candidate:
    for name in ("chains", "ics_fields", "skills", "conflicts"):
        if name in kw:
            kw[name] = frozenset(kw[name])
    return Candidate(id=id, **kw)


def ids(result) -> list[int]:
    return [p.expert_id for p in result.proposed]


def test_the_chain_weighs_more_than_an_ics_field_or_a_skill():
    result = propose(NEEDS, [expert(1, ics_fields={"61.060"}), expert(2, skills={"adhesives"}),
                             expert(3, chains={"footwear"})])
    assert ids(result)[0] == 3
    assert result.proposed[0].score > result.proposed[1].score == result.proposed[2].score


def test_several_skills_add_up():
    """An expert with both skills asked for outranks one with the chain alone."""
    result = propose(NEEDS, [expert(1, chains={"footwear"}),
                             expert(2, skills={"root_cause", "adhesives"})])
    assert ids(result) == [2, 1]
    assert result.proposed[0].matched == ("skill:adhesives", "skill:root_cause")


def test_what_matched_is_listed_chain_first():
    result = propose(NEEDS, [expert(1, chains={"footwear", "textiles"}, ics_fields={"61.060"},
                                    skills={"root_cause", "welding"})])
    assert result.proposed[0].matched == ("chain", "ics", "skill:root_cause")


def test_of_equal_score_the_lighter_loaded_comes_first():
    result = propose(NEEDS, [expert(1, chains={"footwear"}, open_cases=3, capacity=5),
                             expert(2, chains={"footwear"}, open_cases=1, capacity=5)])
    assert ids(result) == [2, 1]


def test_the_order_is_score_then_load_share_then_open_count_then_id():
    pool = [expert(1, chains={"footwear"}, open_cases=2, capacity=4),   # half full
            expert(2, chains={"footwear"}, open_cases=1, capacity=2),   # half full, fewer
            expert(3, chains={"footwear"}, open_cases=1, capacity=5),   # a fifth full
            expert(4, chains={"footwear"}, open_cases=1, capacity=2),   # as 2, higher id
            expert(5, chains={"footwear"}, skills={"adhesives"}, open_cases=4, capacity=5)]
    assert ids(propose(NEEDS, pool)) == [5, 3, 2, 4, 1]


def test_an_expert_at_capacity_is_full():
    result = propose(NEEDS, [expert(1, chains={"footwear"}, open_cases=5, capacity=5),
                             expert(2, chains={"footwear"}, open_cases=4, capacity=5)])
    assert ids(result) == [2]
    assert result.excluded == {1: Exclusion.full}


def test_an_expert_is_never_proposed_for_their_own_employer():
    """Even the best match with nothing to do."""
    best = expert(1, chains={"footwear"}, ics_fields={"61.060"},
                  skills={"root_cause", "adhesives"}, employer_enterprise_id=ENTERPRISE)
    result = propose(NEEDS, [best, expert(2, skills={"adhesives"}, open_cases=4)])
    assert ids(result) == [2]
    assert result.excluded == {1: Exclusion.own_employer}


def test_a_declared_conflict_is_never_proposed():
    best = expert(1, chains={"footwear"}, ics_fields={"61.060"},
                  skills={"root_cause", "adhesives"}, employer_enterprise_id=99,
                  conflicts={ENTERPRISE, 12})
    result = propose(NEEDS, [best, expert(2, skills={"adhesives"}, open_cases=4)])
    assert ids(result) == [2]
    assert result.excluded == {1: Exclusion.conflict}


def test_a_conflict_for_another_enterprise_does_not_exclude():
    result = propose(NEEDS, [expert(1, chains={"footwear"}, employer_enterprise_id=99,
                                    conflicts={12})])
    assert ids(result) == [1]


def test_an_unavailable_expert_is_left_out():
    result = propose(NEEDS, [expert(1, chains={"footwear"}, available=False)])
    assert (result.proposed, result.excluded) == ([], {1: Exclusion.unavailable})


def test_an_expert_matching_no_field_is_left_out():
    result = propose(NEEDS, [expert(1, chains={"textiles"}, ics_fields={"59.080"},
                                    skills={"welding"})])
    assert (result.proposed, result.excluded) == ([], {1: Exclusion.no_match})


def test_nobody_available_gives_no_proposal_and_every_reason():
    pool = [expert(1, chains={"footwear"}, employer_enterprise_id=ENTERPRISE),
            expert(2, chains={"footwear"}, conflicts={ENTERPRISE}),
            expert(3, chains={"footwear"}, available=False),
            expert(4, chains={"footwear"}, open_cases=2, capacity=2),
            expert(5, chains={"textiles"})]
    result = propose(NEEDS, pool)
    assert result.proposed == []
    assert result.excluded == {1: Exclusion.own_employer, 2: Exclusion.conflict,
                               3: Exclusion.unavailable, 4: Exclusion.full,
                               5: Exclusion.no_match}


def test_an_empty_pool_gives_nothing():
    assert (propose(NEEDS, []).proposed, propose(NEEDS, []).excluded) == ([], {})
