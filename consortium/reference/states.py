"""The life of a question as a pure state table: which action moves which state where.

No Flask, no database. ``transition(state, action)`` answers the next state or raises
``InvalidTransition`` with a message a liaison understands; views and services never decide
transitions with their own ``if``s.

States: ``new`` (routed to a member, or in the pool, nobody working on it), ``claimed`` (a
liaison works on it), ``waiting`` (clarification asked; the SLA clock is paused),
``answered``, ``closed``.
"""
from consortium.errors import InvalidTransition

STATES = ("new", "claimed", "waiting", "answered", "closed")

TRANSITIONS: dict[tuple[str, str], str] = {
    ("new", "claim"): "claimed",
    ("new", "transfer"): "new",
    ("new", "return_to_pool"): "new",
    ("new", "escalate"): "new",
    ("new", "close"): "closed",
    ("claimed", "unclaim"): "new",
    ("claimed", "answer"): "answered",
    ("claimed", "clarify"): "waiting",
    ("claimed", "transfer"): "new",
    ("claimed", "return_to_pool"): "new",
    ("claimed", "close"): "closed",
    ("waiting", "reader_reply"): "claimed",
    ("waiting", "answer"): "answered",
    ("waiting", "close"): "closed",
    ("answered", "answer"): "answered",  # a follow-up answer to the same question
    ("answered", "close"): "closed",
    ("answered", "reader_reply"): "claimed",
}

# What each state is called in messages, and why an action is refused there.
_STATE_WORDS = {
    "new": "not claimed yet",
    "claimed": "being worked on",
    "waiting": "waiting for the reader's reply",
    "answered": "answered",
    "closed": "closed",
}
_ACTION_WORDS = {
    "claim": "claim", "unclaim": "unclaim", "answer": "answer", "clarify": "ask for clarification on",
    "transfer": "transfer", "return_to_pool": "return to the pool", "escalate": "escalate",
    "close": "close", "reader_reply": "reply to",
}
ACTIONS = tuple(sorted(_ACTION_WORDS))
# States in which the response clock runs (waiting pauses it; answered and closed stop it).
CLOCK_RUNS = frozenset({"new", "claimed"})
OPEN_STATES = frozenset({"new", "claimed", "waiting"})


def transition(state: str, action: str) -> str:
    """The state after ``action``; ``InvalidTransition`` when the table has no such move."""
    if state not in STATES:
        raise InvalidTransition(f"Unknown question state {state!r}.", {"state": [state]})
    if action not in _ACTION_WORDS:
        raise InvalidTransition(f"Unknown action {action!r}.", {"action": [action]})
    target = TRANSITIONS.get((state, action))
    if target is None:
        raise InvalidTransition(
            f"Cannot {_ACTION_WORDS[action]} a question that is {_STATE_WORDS[state]}.",
            {"state": [state], "action": [action], "allowed": allowed_actions(state)},
        )
    return target


def allowed_actions(state: str) -> list[str]:
    """Actions the table allows from ``state``, sorted."""
    return sorted(action for (source, action) in TRANSITIONS if source == state)


def clock_runs(state: str) -> bool:
    return state in CLOCK_RUNS
