"""The life of a new-arrival guide as a pure state table (no Flask, no database).

draft ──publish──► published ──retract──► retracted ──publish──► published

Only a published guide is public (page, feeds, widgets). Editing never changes the state:
a published guide stays published and its feed entry gets a new ``updated``.
"""
from consortium.errors import InvalidTransition

STATES = ("draft", "published", "retracted")
TRANSITIONS = {
    ("draft", "publish"): "published",
    ("published", "retract"): "retracted",
    ("retracted", "publish"): "published",
}
ACTIONS = tuple(sorted({action for _state, action in TRANSITIONS}))


def next_state(state: str, action: str) -> str:
    """The state after ``action``; ``InvalidTransition`` when the table has no such move."""
    if state not in STATES:
        raise InvalidTransition(f"Unknown guide state {state!r}.")
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        raise InvalidTransition(f"A {state} guide cannot be {action}ed.",
                                {"action": [f"not allowed from {state}"]}) from None


def allowed_actions(state: str) -> list[str]:
    return [action for (source, action) in TRANSITIONS if source == state]


def is_public(state: str) -> bool:
    return state == "published"
