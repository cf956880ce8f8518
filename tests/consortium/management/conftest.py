"""Management fixtures: the reference queue's members, liaisons and clock, and answered questions."""
import pytest

from consortium.accounts.service import add_user
from consortium.reference import liaison
from consortium.reference.common import Actor
from consortium.reference.questions import submit_question
from tests.consortium.reference.conftest import (  # noqa: F401  (fixtures used by these tests)
    WEDNESDAY,
    ask_data,
    books,
    liaisons,
    profiles,
    settings,
)


@pytest.fixture
def second_liaison_a(session, members) -> Actor:
    """Another liaison of A, who does not handle the question."""
    user = add_user(session, "other@a.example", "other-pass-A1", "liaison", "A", "Other A")
    return Actor(user.id, user.member_id, "liaison", user.display_name)


def ask(session, cfg, at=WEDNESDAY, **overrides) -> dict:
    return submit_question(session, ask_data(**overrides), now=at, settings=cfg)


def answer(session, question_id: int, actor: Actor, cfg, at=WEDNESDAY, body="有脂评本和程高本。") -> None:
    liaison.claim(session, question_id, actor, now=at, settings=cfg)
    liaison.answer(session, question_id, actor, body, now=at, settings=cfg)
