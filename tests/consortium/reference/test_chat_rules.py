"""The pure rules of live chat: states, presence, ring time-outs, the SSE wire format."""
import json
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from consortium.errors import InvalidTransition
from consortium.reference.chat_rules import (
    FINAL,
    STATES,
    TRANSITIONS,
    last_event_id,
    may_send,
    present,
    ring_expired,
    sse_frame,
    transition,
)

ACTIONS = sorted({action for _state, action in TRANSITIONS} | {"claim", "reopen"})
T0 = datetime(2026, 3, 11, 2, 0, tzinfo=timezone.utc)


@given(st.lists(st.sampled_from(ACTIONS), max_size=12))
def test_any_sequence_of_actions_stays_in_known_states_and_final_is_final(actions):
    """Whatever liaisons and readers do, a chat is in a known state and never leaves a final one."""
    state = "ringing"
    for action in actions:
        try:
            after = transition(state, action)
        except InvalidTransition:
            continue
        assert after in STATES and state not in FINAL
        state = after


def test_only_a_ringing_chat_can_be_accepted_or_queued():
    """Accept and queue are moves from ringing only: one of two racing moves loses."""
    assert transition("ringing", "accept") == "active"
    for state in ("active", "queued", "ended", "blocked"):
        with pytest.raises(InvalidTransition):
            transition(state, "accept")
        with pytest.raises(InvalidTransition):
            transition(state, "queue")


def test_readers_write_while_ringing_liaisons_only_once_accepted():
    """The reader may add detail while waiting; nobody writes into a finished chat."""
    assert may_send("ringing", "reader") and may_send("active", "reader") and may_send("active", "staff")
    assert not may_send("ringing", "staff")
    assert not any(may_send(state, who) for state in FINAL for who in ("reader", "staff"))


@given(st.integers(min_value=0, max_value=600), st.integers(min_value=1, max_value=120))
def test_presence_lasts_exactly_the_ttl(seconds, ttl):
    """Present for less than the TTL after the last heartbeat, absent from then on."""
    assert present(T0, T0 + timedelta(seconds=seconds), ttl) == (seconds < ttl)


@given(st.integers(min_value=0, max_value=600), st.integers(min_value=1, max_value=300))
def test_a_chat_rings_for_ring_seconds(seconds, ring):
    assert ring_expired(T0, T0 + timedelta(seconds=seconds), ring) == (seconds >= ring)


@given(st.one_of(st.none(), st.text(max_size=20)), st.one_of(st.none(), st.text(max_size=20)))
def test_a_last_event_id_is_a_small_number_or_zero(header, query):
    """Whatever a client sends, the resume point is a non-negative number."""
    value = last_event_id(header, query)
    assert isinstance(value, int) and 0 <= value < 10**12


def test_the_header_wins_over_the_query():
    assert last_event_id("7", "3") == 7 and last_event_id(None, "3") == 3 and last_event_id("x", "3") == 3


@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(["message", "card", "state"]),
       st.dictionaries(st.text(max_size=5), st.text(max_size=50), max_size=4))
def test_an_sse_frame_carries_its_data_on_one_line(seq, event, data):
    """Newlines in the text cannot split a frame or inject a field: the data is one JSON line."""
    frame = sse_frame(seq, event, data)
    assert frame.endswith("\n\n") and frame.count("\n\n") == 1
    lines = frame[:-2].split("\n")
    assert lines[:2] == [f"id: {seq}", f"event: {event}"] and len(lines) == 3
    assert json.loads(lines[2][len("data: "):]) == data
