"""Live chat services: duty rota and presence, routing among members on duty, the queue
fall-back, accept (one wins), messages both ways, cards, transfer, end into the question."""
import threading
import time
from datetime import date, datetime, timedelta, timezone
from datetime import time as clock_time
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from sqlmodel import select

from consortium.accounts.service import add_user
from consortium.catalogue.models import Work
from consortium.db import new_session
from consortium.errors import Conflict, InvalidInput, PermissionDenied
from consortium.mail.models import OutboxMail
from consortium.reference import chat, chat_desk, duty, knowledge
from consortium.reference import stats as reference_stats
from consortium.reference.chat_stream import ChatBus
from consortium.reference.common import Actor
from consortium.reference.jobs import run_chat_job
from consortium.reference.models import ChatEvent, ChatSession, Question, QuestionEvent, QuestionMessage
from consortium.reference.questions import reader_view, submit_question
from tests.consortium.reference.conftest import ONLY_C_ISBN, WEDNESDAY, ask_data

CHAT = duty.ChatSettings(ring_seconds=60, presence_ttl_seconds=45)


def chat_data(**overrides) -> dict:
    data = ask_data(question="你好，请问这本书在哪里能借到？", consent_publish=False)
    data.update(overrides)
    return data


def on_duty(session, liaisons, settings, *codes, at=WEDNESDAY):
    for code in codes:
        duty.go_on_duty(session, liaisons[code], now=at, settings=settings)


def started(session, settings, at=WEDNESDAY, **overrides):
    return chat.start_chat(session, chat_data(**overrides), now=at, settings=settings, chat=CHAT)


def test_with_nobody_on_duty_a_chat_is_a_question_routed_as_questions_are(backend, session, profiles, books, liaisons, settings):
    """No liaison on duty: the chat is queued at once, routed exactly as the same question would be."""
    text = f"请问 ISBN {ONLY_C_ISBN} 这本书哪里能借到？"
    result = started(session, settings, question=text)
    same_as_question = submit_question(session, ask_data(question=text, email="other@reader.example"),
                                       now=WEDNESDAY, settings=settings)
    assert result["state"] == "queued"
    assert result["routed_to"] == same_as_question["routed_to"] == "C"
    assert result["status_url"] == f"http://daodu.test/questions/{result['token']}"
    view = reader_view(session, result["token"])  # the reader's status link opens the question
    assert view["text"] == text and view["member"].code == "C"
    mail = session.exec(select(OutboxMail).where(OutboxMail.recipient == "zhangsan@reader.example")).one()
    assert result["status_url"] in mail.text_body


def test_the_home_member_on_duty_gets_the_chat(session, profiles, books, liaisons, settings):
    """A liaison of the reader's home library is on duty: the chat rings there."""
    on_duty(session, liaisons, settings, "A", "C")
    result = started(session, settings, question=f"ISBN {ONLY_C_ISBN} 在哪里？")
    assert (result["state"], result["routed_to"]) == ("ringing", "A")


def test_otherwise_the_best_placed_member_on_duty_gets_it(session, profiles, books, liaisons, settings):
    """Home not on duty: the holdings signal picks the member on duty that holds the book."""
    on_duty(session, liaisons, settings, "B", "C")
    result = started(session, settings, question=f"ISBN {ONLY_C_ISBN} 在哪里？")
    assert (result["state"], result["routed_to"]) == ("ringing", "C")
    record = session.get(ChatSession, result["id"])
    assert record.routing["chosen"] == "C" and {r["member"] for r in record.routing["ranking"]} == {"B", "C"}


def test_presence_expires_without_a_heartbeat(session, profiles, liaisons, settings):
    """A closed browser stops beating: its liaison is off duty once the TTL has passed."""
    on_duty(session, liaisons, settings, "B")
    assert duty.on_duty_members(session, now=WEDNESDAY + timedelta(seconds=30), settings=settings, chat=CHAT) == {liaisons["B"].member_id}
    assert duty.heartbeat(session, liaisons["B"], now=WEDNESDAY + timedelta(seconds=40), chat=CHAT)
    assert duty.on_duty_members(session, now=WEDNESDAY + timedelta(seconds=80), settings=settings, chat=CHAT)
    assert duty.on_duty_members(session, now=WEDNESDAY + timedelta(seconds=86), settings=settings, chat=CHAT) == set()
    assert not duty.heartbeat(session, liaisons["B"], now=WEDNESDAY + timedelta(seconds=90), chat=CHAT)


def _beijing(day: date, hour: int) -> datetime:
    return datetime.combine(day, clock_time(hour), ZoneInfo("Asia/Shanghai")).astimezone(timezone.utc)


def test_staffed_hours_follow_the_working_calendar(session, profiles, liaisons, settings):
    """Holidays close live help; a 调休 make-up Sunday or Saturday opens it with weekday hours."""
    duty.set_rota(session, liaisons["B"], None, "mon-fri 09:00-17:00", now=WEDNESDAY)
    holiday = next(d for d in (date(2026, 10, 1) + timedelta(days=i) for i in range(7)) if chinese_calendar.is_holiday(d)
                   and d.weekday() < 5)
    makeup = next(d for d in (date(2026, 1, 1) + timedelta(days=i) for i in range(365))
                  if d.weekday() >= 5 and chinese_calendar.is_workday(d))
    with pytest.raises(Conflict):
        duty.go_on_duty(session, liaisons["B"], now=_beijing(holiday, 10), settings=settings)
    with pytest.raises(Conflict):
        duty.go_on_duty(session, liaisons["B"], now=_beijing(date(2026, 3, 11), 18), settings=settings)
    duty.go_on_duty(session, liaisons["B"], now=_beijing(makeup, 10), settings=settings)
    assert duty.on_duty_members(session, now=_beijing(makeup, 10), settings=settings, chat=CHAT) == {liaisons["B"].member_id}


def test_rota_hours_are_checked(session, profiles, liaisons):
    """Staffed hours that do not parse are refused with the reason."""
    with pytest.raises(InvalidInput):
        duty.set_rota(session, liaisons["A"], None, "sometimes", now=WEDNESDAY)


@pytest.fixture
def ringing_at_c(session, profiles, books, liaisons, settings):
    on_duty(session, liaisons, settings, "C")
    return started(session, settings, question=f"ISBN {ONLY_C_ISBN} 在哪里？")


def test_accept_one_wins(backend, session, app, members, ringing_at_c, liaisons, settings):
    """Two liaisons of C accept at once: one gets the chat, the other a conflict."""
    other = add_user(session, "second@c.example", "second-pass-C", "liaison", "C", "Second C")
    second = Actor(other.id, other.member_id, "liaison", "Second C")
    duty.go_on_duty(session, second, now=WEDNESDAY, settings=settings)
    chat_desk.accept(session, ringing_at_c["id"], liaisons["C"], now=WEDNESDAY, settings=settings, chat=CHAT)
    with pytest.raises((Conflict, PermissionDenied)):
        chat_desk.accept(session, ringing_at_c["id"], second, now=WEDNESDAY, settings=settings, chat=CHAT)
    question = session.get(Question, session.get(ChatSession, ringing_at_c["id"]).question_id)
    assert (question.status, question.claimed_by_id) == ("claimed", liaisons["C"].user_id)


def test_a_conversation_ends_in_an_answered_question_statistics_and_mail(backend, session, ringing_at_c, liaisons, settings, members):
    """Messages both ways and a work card; ending answers the question, counts in the
    statistics and mails the transcript the reader asked for."""
    c = liaisons["C"]
    token = ringing_at_c["token"]
    chat_desk.accept(session, ringing_at_c["id"], c, now=WEDNESDAY, settings=settings, chat=CHAT)
    chat.reader_message(session, token, "我想借第一卷", now=WEDNESDAY + timedelta(seconds=5), chat=CHAT)
    chat_desk.staff_message(session, ringing_at_c["id"], c, "**可以**，在三楼。", now=WEDNESDAY + timedelta(seconds=9), chat=CHAT)
    work = session.exec(select(Work).where(Work.title == "计算机程序设计艺术")).one()
    chat_desk.send_card(session, ringing_at_c["id"], c, now=WEDNESDAY + timedelta(seconds=12), work_id=work.id)
    chat_desk.request_transcript(session, session.get(ChatSession, ringing_at_c["id"]), settings=settings)
    chat_desk.staff_end(session, ringing_at_c["id"], c, now=WEDNESDAY + timedelta(seconds=20), settings=settings)

    record = session.get(ChatSession, ringing_at_c["id"])
    question = session.get(Question, record.question_id)
    assert question.status == "answered"
    messages = session.exec(select(QuestionMessage).where(QuestionMessage.question_id == question.id)
                            .order_by(QuestionMessage.id)).all()
    assert [m.kind for m in messages] == ["reader_reply", "answer", "answer"]
    assert "<strong>可以</strong>" in messages[1].body_html and messages[2].cited_work_ids == [work.id]
    rows = reference_stats.member_stats(session, c, WEDNESDAY - timedelta(days=1), WEDNESDAY + timedelta(days=1),
                                        now=WEDNESDAY, settings=settings)
    assert (rows[0]["member"], rows[0]["received"], rows[0]["answered"]) == ("C", 1, 1)
    mail = session.exec(select(OutboxMail).where(OutboxMail.kind == "reference.chat_transcript")).one()
    assert "我想借第一卷" in mail.text_body and "可以" in mail.text_body and "计算机程序设计艺术" in mail.text_body
    assert mail.ref == f"question:{question.id}"  # the retention scrub forgets it with the question
    assert record.reader_email is None  # the reader's address lives in the question only


def test_nobody_accepting_in_time_queues_the_chat_with_its_transcript(backend, session, ringing_at_c, settings):
    """After ring_seconds unanswered the chat is a question holding what the reader wrote; once."""
    chat.reader_message(session, ringing_at_c["token"], "补充：需要第二版", now=WEDNESDAY + timedelta(seconds=10), chat=CHAT)
    assert chat.expire_ringing(session, now=WEDNESDAY + timedelta(seconds=59), settings=settings, chat=CHAT) == 0
    assert chat.expire_ringing(session, now=WEDNESDAY + timedelta(seconds=61), settings=settings, chat=CHAT) == 1
    assert chat.expire_ringing(session, now=WEDNESDAY + timedelta(seconds=62), settings=settings, chat=CHAT) == 0
    record = session.get(ChatSession, ringing_at_c["id"])
    question = session.get(Question, record.question_id)
    assert record.state == "queued" and "补充：需要第二版" in question.text and question.status == "new"
    assert question.routed_member_id is not None
    assert session.exec(select(QuestionEvent).where(QuestionEvent.question_id == question.id,
                                                    QuestionEvent.kind == "routed")).one()


def test_events_resume_after_the_last_event_id(backend, session, ringing_at_c, settings):
    """A reconnecting stream gets exactly the events after the id it last saw, in order."""
    for i in range(3):
        chat.reader_message(session, ringing_at_c["token"], f"第{i}条", now=WEDNESDAY, chat=CHAT)
    everything = chat.events_after(session, ringing_at_c["id"], 0)
    assert [e["seq"] for e in everything] == [1, 2, 3, 4]
    assert [e["seq"] for e in chat.events_after(session, ringing_at_c["id"], 2)] == [3, 4]


def test_messages_are_capped_and_never_rendered_as_html(session, ringing_at_c):
    """Too long is refused; HTML is escaped or removed, the Markdown subset is kept."""
    with pytest.raises(InvalidInput):
        chat.reader_message(session, ringing_at_c["token"], "字" * 2001, now=WEDNESDAY, chat=CHAT)
    with pytest.raises(InvalidInput):
        chat.reader_message(session, ringing_at_c["token"], "   ", now=WEDNESDAY, chat=CHAT)
    chat.reader_message(session, ringing_at_c["token"], "<script>alert(1)</script><img src=x onerror=alert(1)> **hi**",
                        now=WEDNESDAY, chat=CHAT)
    html = session.exec(select(ChatEvent.body_html).where(ChatEvent.kind == "message")).one()
    assert "<script" not in html and "onerror" not in html and "<strong>hi</strong>" in html


def test_a_blocked_session_may_send_nothing_more(session, ringing_at_c, liaisons, settings):
    """The librarian blocks the chat: the reader's next message is refused, the question is closed."""
    chat_desk.accept(session, ringing_at_c["id"], liaisons["C"], now=WEDNESDAY, settings=settings, chat=CHAT)
    chat_desk.staff_end(session, ringing_at_c["id"], liaisons["C"], now=WEDNESDAY, settings=settings, block=True)
    with pytest.raises(PermissionDenied):
        chat.reader_message(session, ringing_at_c["token"], "hello", now=WEDNESDAY, chat=CHAT)
    question = session.get(Question, session.get(ChatSession, ringing_at_c["id"]).question_id)
    assert question.status == "closed"


def test_a_liaison_of_another_member_cannot_touch_the_chat(session, ringing_at_c, liaisons, settings):
    """Only the member it rings at may accept; only the accepting liaison may write."""
    on_duty(session, liaisons, settings, "B")
    with pytest.raises(PermissionDenied):
        chat_desk.accept(session, ringing_at_c["id"], liaisons["B"], now=WEDNESDAY, settings=settings, chat=CHAT)
    chat_desk.accept(session, ringing_at_c["id"], liaisons["C"], now=WEDNESDAY, settings=settings, chat=CHAT)
    with pytest.raises(PermissionDenied):
        chat_desk.staff_message(session, ringing_at_c["id"], liaisons["B"], "hi", now=WEDNESDAY, chat=CHAT)


def test_transfer_rings_at_another_member_on_duty_and_the_question_follows(session, ringing_at_c, liaisons, settings):
    """C hands the chat to B (on duty): it rings at B; B accepts and holds the question."""
    on_duty(session, liaisons, settings, "B")
    chat_desk.accept(session, ringing_at_c["id"], liaisons["C"], now=WEDNESDAY, settings=settings, chat=CHAT)
    with pytest.raises(Conflict):
        chat_desk.transfer(session, ringing_at_c["id"], liaisons["C"], "A", now=WEDNESDAY, settings=settings, chat=CHAT)
    chat_desk.transfer(session, ringing_at_c["id"], liaisons["C"], "B", now=WEDNESDAY, settings=settings, chat=CHAT)
    assert [r["id"] for r in chat_desk.desk(session, liaisons["B"], now=WEDNESDAY, settings=settings, chat=CHAT)["ringing"]] \
        == [ringing_at_c["id"]]
    chat_desk.accept(session, ringing_at_c["id"], liaisons["B"], now=WEDNESDAY, settings=settings, chat=CHAT)
    question = session.get(Question, session.get(ChatSession, ringing_at_c["id"]).question_id)
    assert (question.routed_member_id, question.claimed_by_id) == (liaisons["B"].member_id, liaisons["B"].user_id)


def test_old_chat_events_are_deleted_the_question_keeps_the_transcript(backend, session, ringing_at_c, liaisons, settings):
    """keep_events_hours after the end, the chat's events go; the question's conversation stays."""
    chat_desk.accept(session, ringing_at_c["id"], liaisons["C"], now=WEDNESDAY, settings=settings, chat=CHAT)
    chat_desk.staff_message(session, ringing_at_c["id"], liaisons["C"], "您好", now=WEDNESDAY, chat=CHAT)
    chat_desk.staff_end(session, ringing_at_c["id"], liaisons["C"], now=WEDNESDAY, settings=settings)
    chat_desk.cleanup(session, now=WEDNESDAY + timedelta(hours=23), settings=settings, chat=CHAT)
    assert session.exec(select(ChatEvent)).all()
    chat_desk.cleanup(session, now=WEDNESDAY + timedelta(hours=25), settings=settings, chat=CHAT)
    assert session.exec(select(ChatEvent)).all() == []
    assert session.exec(select(QuestionMessage.body_md)).all() == ["您好"]


def test_the_bus_wakes_a_stream_for_its_own_chat_only(app, session, ringing_at_c, settings):
    """Another chat's message leaves a waiting stream asleep; its own chat's wakes it at once."""
    other = started(session, settings, question="另一个问题：开馆时间？", email="other@reader.example")
    bus = ChatBus(lambda: new_session(app), poll_seconds=0.05)
    last = session.get(ChatSession, ringing_at_c["id"]).last_seq
    outcome = {}

    def waiter():
        began = time.monotonic()
        outcome["woken"] = bus.wait(ringing_at_c["id"], last, timeout=3.0)
        outcome["seconds"] = time.monotonic() - began

    thread = threading.Thread(target=waiter)
    thread.start()
    time.sleep(0.3)
    chat.reader_message(session, other["token"], "别的对话", now=WEDNESDAY, chat=CHAT)
    time.sleep(0.5)
    assert thread.is_alive()  # not woken by the other chat
    chat.reader_message(session, ringing_at_c["token"], "我的对话", now=WEDNESDAY, chat=CHAT)
    thread.join(5)
    assert outcome["woken"] and outcome["seconds"] < 2.5


def test_the_chat_job_queues_chats_nobody_accepted(app, session, ringing_at_c):
    """The background job ``chat`` (run by the worker) queues a chat after CHAT_RING_SECONDS."""
    app.config["CHAT_RING_SECONDS"] = 60
    assert run_chat_job(app, now=WEDNESDAY + timedelta(seconds=30)) == 0
    assert run_chat_job(app, now=WEDNESDAY + timedelta(seconds=61)) == 1
    session.expire_all()
    assert session.get(ChatSession, ringing_at_c["id"]).state == "queued"


def test_a_consented_chat_is_published_only_after_redaction(session, profiles, books, liaisons, settings):
    """The chat's question goes through the knowledge base's review: name and phone are gone."""
    on_duty(session, liaisons, settings, "A")
    started_chat = started(session, settings, question="我是张三，电话 13912345678。红楼梦有哪些版本？", consent_publish=True)
    a = liaisons["A"]
    chat_desk.accept(session, started_chat["id"], a, now=WEDNESDAY, settings=settings, chat=CHAT)
    chat_desk.staff_message(session, started_chat["id"], a, "张三同学：有程甲本、程乙本。", now=WEDNESDAY, chat=CHAT)
    chat_desk.staff_end(session, started_chat["id"], a, now=WEDNESDAY, settings=settings)
    question_id = session.get(ChatSession, started_chat["id"]).question_id
    preview = knowledge.preview(session, question_id, a)
    shown = preview["question_text"] + preview["answer_md"] + preview["title"]
    assert "13912345678" not in shown and "张三" not in shown and "程甲本" in shown
