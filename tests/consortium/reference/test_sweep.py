"""The sweep with an explicit clock: reminders, escalation, pool, opening to all, retention."""
from datetime import timedelta, timezone

import pytest
from sqlmodel import select

from consortium.mail.models import OutboxMail
from consortium.reference import liaison
from consortium.reference.models import Question, QuestionEvent
from consortium.reference.profiles import set_profile
from consortium.reference.questions import submit_question
from consortium.reference.sweep import scrub_expired, sweep
from tests.consortium.reference.conftest import WEDNESDAY, ask_data


@pytest.fixture
def question(session, profiles, books, liaisons, settings):
    result = submit_question(session, ask_data(question="红楼梦的版本研究有哪些文献？"), now=WEDNESDAY, settings=settings)
    return session.get(Question, result["id"])


def _events(session, question_id):
    return [e for e in session.exec(select(QuestionEvent).where(QuestionEvent.question_id == question_id)
                                    .order_by(QuestionEvent.id)).all()]


def test_nothing_happens_while_the_question_is_within_its_time(session, question, settings):
    """An hour after intake the sweep leaves the question alone."""
    report = sweep(session, now=WEDNESDAY + timedelta(hours=1), settings=settings)
    assert (report.reminded, report.escalated, report.pooled) == (0, 0, 0)


def test_liaisons_are_reminded_once_shortly_before_the_first_response_is_due(session, question, settings):
    """Two working hours before the due time, one reminder mail; a second sweep sends none."""
    due = question.first_response_due_at.replace(tzinfo=timezone.utc)
    assert sweep(session, now=due - timedelta(hours=1), settings=settings).reminded == 1
    assert sweep(session, now=due - timedelta(minutes=30), settings=settings).reminded == 0
    reminders = session.exec(select(OutboxMail).where(OutboxMail.kind == "reference.reminder")).all()
    assert [m.recipient for m in reminders] == ["liaison@a.example"]


def test_unclaimed_question_past_due_escalates_to_the_next_best_member(session, question, settings, liaisons):
    """Past the first-response due time unclaimed: routed again without A, with reasons."""
    due = question.first_response_due_at.replace(tzinfo=timezone.utc)
    report = sweep(session, now=due + timedelta(minutes=1), settings=settings)
    session.refresh(question)
    assert report.escalated == 1 and question.routed_member_id not in (None, liaisons["A"].member_id)
    event = _events(session, question.id)[-1]
    assert event.kind == "escalated" and event.from_member_id == liaisons["A"].member_id
    assert event.reasons["why"] == "first response overdue"
    assert session.exec(select(OutboxMail).where(OutboxMail.kind == "reference.escalated")).all()


def test_escalation_with_nobody_left_sends_the_question_to_the_pool(session, members, liaisons, settings):
    """When every other member declines questions, escalation goes to the pool."""
    set_profile(session, "A", {"opening_hours": "mon-fri 08:30-17:30"}, now=WEDNESDAY)
    for code in ("B", "C"):
        set_profile(session, code, {"accepts_questions": False}, now=WEDNESDAY)
    result = submit_question(session, ask_data(question="一个问题：红楼梦"), now=WEDNESDAY, settings=settings)
    question = session.get(Question, result["id"])
    assert result["routed_to"] == "A"
    report = sweep(session, now=question.first_response_due_at.replace(tzinfo=timezone.utc) + timedelta(seconds=1),
                   settings=settings)
    session.refresh(question)
    assert report.pooled == 1 and question.routed_member_id is None and question.status == "new"


def test_nothing_claimed_within_seven_working_days_opens_to_every_member(session, question, settings, liaisons):
    """Seven working days (not calendar days) after intake the question opens to all."""
    six_days = WEDNESDAY + timedelta(days=8)  # Thu 19 Mar 2026: six working days later
    report = sweep(session, now=six_days, settings=settings)
    assert report.opened_to_all == 0
    report = sweep(session, now=WEDNESDAY + timedelta(days=9), settings=settings)  # Fri 20 Mar: seven
    session.refresh(question)
    assert report.opened_to_all == 1 and question.open_to_all
    from consortium.reference import queue as liaison_queue

    for code in ("A", "B", "C"):
        assert question.id in [r["id"] for r in liaison_queue.queue(session, liaisons[code], "new", now=WEDNESDAY + timedelta(days=9))]
    claimed = liaison.claim(session, question.id, liaisons["C"], now=WEDNESDAY + timedelta(days=9), settings=settings)
    assert claimed.routed_member_id == liaisons["C"].member_id and not claimed.open_to_all


def test_retention_scrubs_name_and_email_of_closed_questions_but_keeps_history(session, question, liaisons, settings, backend):
    """After the member's retention period the reader's data is gone; events and counts stay."""
    set_profile(session, "A", {"retention_days": 30}, now=WEDNESDAY)
    liaison.claim(session, question.id, liaisons["A"], now=WEDNESDAY, settings=settings)
    liaison.answer(session, question.id, liaisons["A"], "见馆藏", now=WEDNESDAY, settings=settings)
    liaison.close(session, question.id, liaisons["A"], now=WEDNESDAY)
    assert scrub_expired(session, now=WEDNESDAY + timedelta(days=29)) == 0
    assert scrub_expired(session, now=WEDNESDAY + timedelta(days=31)) == 1
    session.refresh(question)
    assert question.reader_name is None and question.reader_email is None and question.scrubbed_at is not None
    kinds = [e.kind for e in _events(session, question.id)]
    assert kinds == ["routed", "claimed", "answered", "closed", "scrubbed"]
    assert scrub_expired(session, now=WEDNESDAY + timedelta(days=60)) == 0


def test_scrub_redacts_the_readers_name_inside_the_question_text(session, members, liaisons, settings):
    """A reader who signed the question with their name loses it from the text too."""
    result = submit_question(session, ask_data(question="我是张三，想找红楼梦的脂评本。"), now=WEDNESDAY, settings=settings)
    question = session.get(Question, result["id"])
    liaison.close(session, question.id, liaisons["A"], now=WEDNESDAY)
    scrub_expired(session, now=WEDNESDAY + timedelta(days=400))
    session.refresh(question)
    assert "张三" not in question.text and "脂评本" in question.text


def test_the_claimer_is_reminded_before_the_answer_falls_due(session, question, liaisons, settings):
    """A claimed question near its answer due time reminds its claimer only, once."""
    liaison.claim(session, question.id, liaisons["A"], now=WEDNESDAY, settings=settings)
    session.refresh(question)
    due = question.answer_due_at.replace(tzinfo=timezone.utc)
    assert sweep(session, now=due - timedelta(days=3), settings=settings).reminded == 0  # Friday: nine working hours before
    assert sweep(session, now=due - timedelta(hours=1), settings=settings).reminded == 1
    assert sweep(session, now=due - timedelta(minutes=10), settings=settings).reminded == 0
    mail = session.exec(select(OutboxMail).where(OutboxMail.kind == "reference.reminder")).one()
    assert mail.recipient == "liaison@a.example" and "答复期限" in mail.text_body
