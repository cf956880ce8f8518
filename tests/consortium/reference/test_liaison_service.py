"""Liaison actions: claim locks, answers are sanitised, transfers exclude decliners, 403 for others."""
from datetime import timedelta

import pytest
from sqlmodel import select

from consortium.catalogue.models import Work
from consortium.errors import InvalidInput, InvalidTransition, PermissionDenied
from consortium.mail.models import OutboxMail
from consortium.reference import liaison
from consortium.reference import queue as liaison_queue
from consortium.reference.models import Question, QuestionEvent, QuestionMessage
from consortium.reference.questions import reader_reply, reader_view, submit_question
from tests.consortium.reference.conftest import WEDNESDAY, ask_data

T1 = WEDNESDAY + timedelta(hours=1)


@pytest.fixture
def question(session, profiles, books, liaisons, settings):
    """A question of a reader of A about a novel: routed to A."""
    result = submit_question(session, ask_data(question="红楼梦的版本研究有哪些文献？"), now=WEDNESDAY, settings=settings)
    assert result["routed_to"] == "A"
    return result


def test_claim_locks_the_question_against_colleagues(session, question, liaisons, members, settings):
    """A second liaison of the same member cannot answer a claimed question."""
    from consortium.accounts.service import add_user
    from consortium.reference.common import Actor

    liaison.claim(session, question["id"], liaisons["A"], now=T1, settings=settings)
    other = add_user(session, "second@a.example", "second-pass-1", "liaison", "A")
    colleague = Actor(other.id, other.member_id)
    with pytest.raises(PermissionDenied, match="colleague has claimed"):
        liaison.answer(session, question["id"], colleague, "我来答", now=T1, settings=settings)
    with pytest.raises(InvalidTransition, match="Cannot claim a question that is being worked on"):
        liaison.claim(session, question["id"], colleague, now=T1, settings=settings)


def test_liaison_of_another_member_can_neither_see_nor_act(session, question, liaisons, settings):
    """B's liaison gets PermissionDenied for A's question, for reading and for every action."""
    with pytest.raises(PermissionDenied):
        liaison_queue.question_detail(session, question["id"], liaisons["B"], now=T1)
    with pytest.raises(PermissionDenied):
        liaison.claim(session, question["id"], liaisons["B"], now=T1, settings=settings)
    assert liaison_queue.queue(session, liaisons["B"], "new", now=T1) == []


def test_answer_is_sanitised_cites_works_and_mails_the_reader(session, question, liaisons, settings):
    """Scripts are stripped, cited works are linked, the reader's mail has the answer text."""
    liaison.claim(session, question["id"], liaisons["A"], now=T1, settings=settings)
    work = session.exec(select(Work).where(Work.title == "红楼梦")).one()
    liaison.answer(session, question["id"], liaisons["A"], '<p>请看<script>alert(1)</script><a href="javascript:x">这里</a></p>',
                   now=T1, settings=settings, cited_work_ids=[work.id])
    message = session.exec(select(QuestionMessage).where(QuestionMessage.kind == "answer")).one()
    assert "<script" not in message.body_html and "javascript:" not in message.body_html
    assert f'href="/works/{work.id}"' in message.body_html and message.cited_work_ids == [work.id]
    mail = session.exec(select(OutboxMail).where(OutboxMail.kind == "reference.answered")).one()
    assert mail.recipient == "zhangsan@reader.example" and "请看" in mail.text_body


def test_citing_an_unknown_work_is_refused(session, question, liaisons, settings):
    """A cited work must exist in the catalogue."""
    liaison.claim(session, question["id"], liaisons["A"], now=T1, settings=settings)
    with pytest.raises(InvalidInput, match="not in the catalogue"):
        liaison.answer(session, question["id"], liaisons["A"], "见此书", now=T1, settings=settings, cited_work_ids=[99999])


def test_transfer_uses_routing_suggestion_and_never_returns_to_a_decliner(session, question, liaisons, settings):
    """A transfers without naming a member; B or C gets it, and a later transfer never goes back to A."""
    liaison.claim(session, question["id"], liaisons["A"], now=T1, settings=settings)
    moved = liaison.transfer(session, question["id"], liaisons["A"], "本馆无此藏本", now=T1, settings=settings)
    first = moved.routed_member_id
    assert moved.status == "new" and moved.claimed_by_id is None and first != liaisons["A"].member_id
    holder = liaisons["B"] if first == liaisons["B"].member_id else liaisons["C"]
    again = liaison.transfer(session, question["id"], holder, "也没有", now=T1, settings=settings)
    assert again.routed_member_id not in (liaisons["A"].member_id, first)
    kinds = [e.kind for e in session.exec(select(QuestionEvent).where(QuestionEvent.question_id == question["id"])
                                          .order_by(QuestionEvent.id)).all()]
    assert kinds == ["routed", "claimed", "transferred", "transferred"]


def test_transfer_needs_a_reason(session, question, liaisons, settings):
    """An empty reason is a field error."""
    with pytest.raises(InvalidInput, match="reason"):
        liaison.transfer(session, question["id"], liaisons["A"], " ", now=T1, settings=settings)


def test_clarification_pauses_the_clock_and_the_reply_extends_the_due_time(session, question, liaisons, settings):
    """Working hours spent waiting for the reader are added to the answer due time."""
    liaison.claim(session, question["id"], liaisons["A"], now=T1, settings=settings)
    before = session.get(Question, question["id"]).answer_due_at
    liaison.ask_clarification(session, question["id"], liaisons["A"], "您指哪个版本？", now=T1, settings=settings)
    token = question["status_url"].rsplit("/", 1)[1]
    assert reader_view(session, token)["status"] == "waiting"
    reader_reply(session, token, "程乙本", now=T1 + timedelta(hours=3), settings=settings)
    after = session.get(Question, question["id"])
    assert after.status == "claimed" and after.paused_at is None
    assert (after.answer_due_at - before) == timedelta(hours=3)


def test_return_to_pool_makes_it_claimable_by_any_member(session, question, liaisons, settings):
    """A pooled question is in every member's new tab and becomes the claimer's member's."""
    liaison.return_to_pool(session, question["id"], liaisons["A"], "不在本馆范围", now=T1)
    assert [r["id"] for r in liaison_queue.queue(session, liaisons["C"], "new", now=T1)] == [question["id"]]
    detail = liaison_queue.question_detail(session, question["id"], liaisons["C"], now=T1)
    assert detail["reader_email"] is None
    claimed = liaison.claim(session, question["id"], liaisons["C"], now=T1, settings=settings)
    assert claimed.routed_member_id == liaisons["C"].member_id
    assert liaison_queue.question_detail(session, question["id"], liaisons["C"], now=T1)["reader_email"]


def test_reader_email_is_shown_only_to_the_handling_members_liaisons(session, question, liaisons):
    """The admin sees the question but not the reader's personal data."""
    assert liaison_queue.question_detail(session, question["id"], liaisons["A"], now=T1)["reader_email"] == "zhangsan@reader.example"
    admin_view = liaison_queue.question_detail(session, question["id"], liaisons["admin"], now=T1)
    assert admin_view["reader_email"] is None and admin_view["reader_name"] is None


def test_internal_notes_never_reach_the_reader(session, question, liaisons):
    """Notes are listed for staff but not on the status page."""
    liaison.add_note(session, question["id"], liaisons["A"], "内部：请 C 馆协助", now=T1)
    token = question["status_url"].rsplit("/", 1)[1]
    assert reader_view(session, token)["messages"] == []
    assert liaison_queue.question_detail(session, question["id"], liaisons["A"], now=T1)["messages"][0]["kind"] == "note"


def test_queue_tabs_show_mine_waiting_and_overdue(session, question, liaisons, settings):
    """Mine after a claim, waiting after a clarification request, overdue after the answer due time."""
    liaison.claim(session, question["id"], liaisons["A"], now=T1, settings=settings)
    assert [r["id"] for r in liaison_queue.queue(session, liaisons["A"], "mine", now=T1)] == [question["id"]]
    late = T1 + timedelta(days=30)
    assert [r["id"] for r in liaison_queue.queue(session, liaisons["A"], "overdue", now=late)] == [question["id"]]
    liaison.ask_clarification(session, question["id"], liaisons["A"], "请补充", now=T1, settings=settings)
    assert [r["id"] for r in liaison_queue.queue(session, liaisons["A"], "waiting", now=T1)] == [question["id"]]
    assert liaison_queue.queue(session, liaisons["A"], "overdue", now=late) == []


def test_two_liaisons_claiming_at_once_only_one_wins(app, question, liaisons, settings, members, backend):
    """Each session read the question as new; the database lets one claim through."""
    from consortium.accounts.service import add_user
    from consortium.db import new_session
    from consortium.errors import Conflict
    from consortium.reference.common import Actor

    with new_session(app) as s:
        other = add_user(s, "second@a.example", "second-pass-1", "liaison", "A")
    colleague = Actor(other.id, other.member_id)
    with new_session(app) as first, new_session(app) as second:
        seen = [first.get(Question, question["id"]), second.get(Question, question["id"])]
        assert {q.status for q in seen} == {"new"}  # both liaisons' pages showed it unclaimed
        liaison.claim(first, question["id"], liaisons["A"], now=T1, settings=settings)
        with pytest.raises(Conflict, match="a moment ago"):
            liaison.claim(second, question["id"], colleague, now=T1, settings=settings)
    with new_session(app) as s:
        assert s.get(Question, question["id"]).claimed_by_id == liaisons["A"].user_id
