"""The guide state table: draft → published → retracted (→ published again)."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from consortium.errors import InvalidTransition
from consortium.guides import states as guide_states


def test_publish_and_retract_follow_the_table():
    """Draft publishes, published retracts, retracted republishes."""
    assert guide_states.next_state("draft", "publish") == "published"
    assert guide_states.next_state("published", "retract") == "retracted"
    assert guide_states.next_state("retracted", "publish") == "published"


@pytest.mark.parametrize("state,action", [("draft", "retract"), ("published", "publish"), ("retracted", "retract")])
def test_moves_outside_the_table_are_refused(state, action):
    """A draft cannot be retracted; nothing is published twice."""
    with pytest.raises(InvalidTransition):
        guide_states.next_state(state, action)


@given(st.lists(st.sampled_from(["publish", "retract", "edit", "delete", ""]), max_size=30))
def test_any_sequence_of_actions_stays_within_the_states(actions):
    """Whatever is tried, a guide is always in a known state and public only when published."""
    state = "draft"
    for action in actions:
        try:
            new = guide_states.next_state(state, action)
        except InvalidTransition:
            assert action not in guide_states.allowed_actions(state)
            continue
        assert action in guide_states.allowed_actions(state)
        state = new
        assert state in guide_states.STATES
    assert guide_states.is_public(state) == (state == "published")


@given(st.text(max_size=10), st.text(max_size=10))
def test_unknown_states_and_actions_never_crash(state, action):
    """Junk input is an InvalidTransition, never another exception."""
    try:
        assert guide_states.next_state(state, action) in guide_states.STATES
    except InvalidTransition:
        pass
