"""Routing: the pure scoring, ranking and explanation of where a question goes."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from consortium.reference.routing import Candidate, QuestionFacts, Weights, route, subject_strength

CODES = ["A", "B", "C", "D", "E"]


def test_isbn_held_only_by_c_routes_to_c_over_home_member_a():
    """A question naming a title only C holds goes to C although the reader belongs to A."""
    facts = QuestionFacts(home_member="A", clc="TP", language="zh", has_identifiers=True)
    decision = route(facts, [
        Candidate("A", strengths={"T": 0.9}, open_now=True),
        Candidate("B", strengths={"TP": 0.9}, open_now=True),
        Candidate("C", strengths={"T": 0.1}, exact_holdings=1),
    ])
    assert decision.chosen == "C"
    assert "holds 1 requested title(s)" in decision.ranking[0].summary()
    a = next(s for s in decision.ranking if s.code == "A")
    assert "holds none of the requested titles" in a.summary()


def test_home_member_goes_first_when_it_can_answer():
    """The reader's home library takes the question when it covers the subject, even if others score higher."""
    facts = QuestionFacts(home_member="A", clc="TP311", language="zh")
    decision = route(facts, [
        Candidate("A", strengths={"T": 0.4}, open_count=9, capacity=10),
        Candidate("B", strengths={"TP": 1.0}, related_holdings=40, open_now=True),
    ])
    assert decision.chosen == "A" and decision.rule == "home"


def test_home_member_without_the_subject_yields_to_the_specialist():
    """A home library weak in the class does not keep the question."""
    facts = QuestionFacts(home_member="A", clc="S", language="zh")
    decision = route(facts, [Candidate("A", strengths={"T": 1.0}), Candidate("B", strengths={"S": 0.9})])
    assert decision.chosen == "B" and decision.rule == "best score"


def test_reasons_read_like_the_issue_example():
    """Reasons name holdings, the CLC strength and the load in plain words."""
    facts = QuestionFacts(clc="TP312", language="zh")
    score = route(facts, [Candidate("B", strengths={"TP": 0.8}, related_holdings=14,
                                    open_count=3, capacity=10)]).ranking[0]
    assert score.summary().startswith("holds 14 matching works; CLC TP strength 0.8")
    assert "3 open of 10" in score.summary()


def test_member_that_declined_is_never_chosen_again():
    """A member the question was transferred away from is excluded."""
    facts = QuestionFacts(home_member="A", clc="TP", excluded=frozenset({"A"}))
    decision = route(facts, [Candidate("A", strengths={"TP": 1}), Candidate("B")])
    assert decision.chosen == "B" and decision.excluded == ("A",)


def test_nobody_eligible_sends_the_question_to_the_pool():
    """With every member excluded or not accepting, the decision is the pool."""
    facts = QuestionFacts(excluded=frozenset({"A"}))
    decision = route(facts, [Candidate("A"), Candidate("B", accepts=False), Candidate("C", capacity=0)])
    assert decision.chosen is None and decision.rule == "pool"


def test_language_counts_when_the_member_cannot_answer_in_it():
    """An English question prefers a member that answers in English."""
    facts = QuestionFacts(language="en")
    decision = route(facts, [Candidate("A", languages=frozenset({"zh"})),
                             Candidate("B", languages=frozenset({"zh", "en"}))])
    assert decision.chosen == "B"
    assert "does not answer in en" in decision.ranking[1].summary()


def test_subject_strength_uses_the_longest_declared_prefix():
    """TP beats T when both are declared; an undeclared class is zero."""
    assert subject_strength({"T": 0.2, "TP": 0.9}, "TP311.13") == (0.9, "TP")
    assert subject_strength({"T": 0.2}, "TN91") == (0.2, "T")
    assert subject_strength({"S": 1}, "TP") == (0.0, None)


def test_weights_from_config_reject_unknown_names_and_negative_values():
    """A typo or a negative weight in REFERENCE_ROUTING_WEIGHTS is an error, not ignored."""
    assert Weights.from_mapping({"holdings": 9}).holdings == 9.0
    with pytest.raises(ValueError, match="holding"):
        Weights.from_mapping({"holding": 1})
    with pytest.raises(ValueError, match="≥ 0"):
        Weights.from_mapping({"load": -1})


def test_zero_holdings_weight_lets_subject_decide():
    """Weights are honoured: without the holdings signal the subject specialist wins."""
    facts = QuestionFacts(clc="S")
    candidates = [Candidate("A", related_holdings=50), Candidate("B", strengths={"S": 1.0})]
    assert route(facts, candidates).chosen == "A"
    assert route(facts, candidates, Weights(holdings=0)).chosen == "B"


candidate_st = st.builds(
    Candidate,
    code=st.sampled_from(CODES),
    strengths=st.dictionaries(st.sampled_from(["T", "TP", "S", "I", "K"]), st.floats(0, 1), max_size=3),
    languages=st.sets(st.sampled_from(["zh", "en", "ja"]), min_size=1).map(frozenset),
    capacity=st.integers(0, 20),
    open_count=st.integers(0, 25),
    open_now=st.booleans(),
    hours_until_open=st.none() | st.floats(0, 100),
    exact_holdings=st.integers(0, 3),
    related_holdings=st.integers(0, 200),
    answered_for_others=st.integers(0, 100),
    referred_out=st.integers(0, 100),
    accepts=st.booleans(),
)
facts_st = st.builds(
    QuestionFacts,
    home_member=st.none() | st.sampled_from(CODES),
    clc=st.none() | st.sampled_from(["TP311", "S", "I24", "K"]),
    language=st.sampled_from(["zh", "en"]),
    has_identifiers=st.booleans(),
    excluded=st.sets(st.sampled_from(CODES), max_size=3).map(frozenset),
)


def _unique(cands):
    return list({c.code: c for c in cands}.values())


@settings(max_examples=300)
@given(facts_st, st.lists(candidate_st, max_size=6).map(_unique))
def test_chosen_member_is_eligible_and_first_in_the_ranking(facts, candidates):
    """Routing never chooses an excluded, closed-to-questions or zero-capacity member."""
    decision = route(facts, candidates)
    if decision.chosen is None:
        assert all(c.code in decision.excluded for c in candidates)
        return
    chosen = next(c for c in candidates if c.code == decision.chosen)
    assert chosen.accepts and chosen.capacity > 0 and chosen.code not in facts.excluded
    assert decision.ranking[0].code == decision.chosen
    assert {s.code for s in decision.ranking}.isdisjoint(decision.excluded)


@settings(max_examples=200)
@given(facts_st, st.lists(candidate_st, max_size=6).map(_unique), st.randoms())
def test_routing_does_not_depend_on_candidate_order(facts, candidates, rnd):
    """The same members in any order give the same decision."""
    shuffled = list(candidates)
    rnd.shuffle(shuffled)
    assert route(facts, candidates).as_dict() == route(facts, shuffled).as_dict()


@settings(max_examples=200)
@given(facts_st, candidate_st, st.integers(1, 50))
def test_more_matching_holdings_never_lower_a_score(facts, candidate, extra):
    """The holdings signal is monotone."""
    from dataclasses import replace

    facts = replace(facts, excluded=frozenset())
    candidate = replace(candidate, accepts=True, capacity=max(candidate.capacity, 1))
    more = replace(candidate, related_holdings=candidate.related_holdings + extra)
    assert route(facts, [more]).ranking[0].total >= route(facts, [candidate]).ranking[0].total


@settings(max_examples=200)
@given(facts_st, st.lists(candidate_st, min_size=1, max_size=6).map(_unique))
def test_a_home_member_that_can_answer_is_always_chosen(facts, candidates):
    """When the home library qualifies, no score elsewhere overrides it."""
    decision = route(facts, candidates)
    home = next((s for s in decision.ranking if s.code == facts.home_member), None)
    if home is not None and home.home_can_answer:
        assert decision.chosen == facts.home_member and decision.rule == "home"
    for score in decision.ranking:
        assert all(0.0 <= v <= 1.0 for v in score.parts.values())


@settings(max_examples=300)
@given(facts_st, st.lists(candidate_st, min_size=1, max_size=6).map(_unique), st.data())
def test_a_member_holding_the_chosen_work_comes_before_any_score(facts, candidates, data):
    """Asking about one title: unless the home library holds it and can answer, a holder of it is chosen."""
    from dataclasses import replace

    holders = data.draw(st.sets(st.sampled_from([c.code for c in candidates]), min_size=1))
    candidates = [replace(c, holds_chosen_work=c.code in holders) for c in candidates]
    facts = replace(facts, has_chosen_work=True)
    decision = route(facts, candidates)
    eligible_holders = [s for s in decision.ranking if s.holds_chosen_work]
    if decision.rule == "home":
        assert decision.chosen == facts.home_member and decision.chosen in holders
    elif eligible_holders:
        assert decision.chosen in holders and decision.rule == "holds the title"


def test_title_only_c_holds_goes_to_c_over_a_stronger_home_member():
    """A reader of A asking about a work only C holds is routed to C, though A is strong in its class."""
    facts = QuestionFacts(home_member="A", clc="I242", has_chosen_work=True)
    a = Candidate("A", strengths={"I": 0.9}, languages=frozenset({"zh"}), open_now=True)
    b = Candidate("B", strengths={"I": 0.8}, languages=frozenset({"zh"}), open_now=True, related_holdings=40)
    c = Candidate("C", strengths={}, languages=frozenset({"zh"}), holds_chosen_work=True)
    decision = route(facts, [a, b, c])
    assert decision.chosen == "C" and decision.rule == "holds the title"
    assert "holds the title asked about" in decision.ranking[0].summary()
