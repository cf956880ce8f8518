"""The question state table: allowed moves and clear refusals."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from consortium.errors import InvalidTransition
from consortium.reference.states import ACTIONS, STATES, TRANSITIONS, allowed_actions, clock_runs, transition


def test_the_happy_path_claims_answers_and_closes():
    """new → claimed → answered → closed."""
    state = "new"
    for action, expected in (("claim", "claimed"), ("answer", "answered"), ("close", "closed")):
        state = transition(state, action)
        assert state == expected


def test_clarification_pauses_the_clock_until_the_reader_replies():
    """Asking the reader moves to waiting (clock stopped); the reply resumes work."""
    waiting = transition("claimed", "clarify")
    assert waiting == "waiting" and not clock_runs(waiting)
    assert transition(waiting, "reader_reply") == "claimed" and clock_runs("claimed")


def test_claiming_a_closed_question_is_refused_with_a_clear_message():
    """The refusal names the action and the state in words."""
    with pytest.raises(InvalidTransition, match="Cannot claim a question that is closed"):
        transition("closed", "claim")


def test_answering_an_unclaimed_question_lists_what_is_allowed():
    """The error carries the allowed actions for the current state."""
    with pytest.raises(InvalidTransition) as info:
        transition("new", "answer")
    assert info.value.errors["allowed"] == ["claim", "close", "escalate", "return_to_pool", "transfer"]


def test_unknown_states_and_actions_are_refused():
    """Garbage in is an InvalidTransition, not a KeyError."""
    with pytest.raises(InvalidTransition, match="Unknown question state"):
        transition("lost", "claim")
    with pytest.raises(InvalidTransition, match="Unknown action"):
        transition("new", "explode")


def test_closed_is_terminal():
    """Nothing leaves the closed state."""
    assert allowed_actions("closed") == []


@given(st.sampled_from(STATES), st.sampled_from(ACTIONS))
def test_every_pair_either_moves_to_a_known_state_or_is_refused(state, action):
    """The table is total: a known state or an InvalidTransition, never anything else."""
    try:
        target = transition(state, action)
    except InvalidTransition as exc:
        assert (state, action) not in TRANSITIONS and exc.message
    else:
        assert target in STATES and TRANSITIONS[(state, action)] == target


@given(st.lists(st.sampled_from(ACTIONS), max_size=30))
def test_any_sequence_of_allowed_actions_stays_inside_the_table(actions):
    """Walking the table with allowed actions only never reaches an unknown state."""
    state = "new"
    for action in actions:
        if action in allowed_actions(state):
            state = transition(state, action)
        assert state in STATES
