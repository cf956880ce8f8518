"""Live chat, liaison side: what rings, accept (one wins), messages and cards, transfer, end,
block, and the transcript into the question machinery.

Accepting turns the chat into a question claimed by the liaison (same token as the chat, so
the reader's status link works), routed and claimed events included: statistics count it as
any question. Ending writes the transcript as the question's conversation (reader lines as
reader replies, the liaison's as answers with cited works), answers it (the ``answered``
event statistics read) and mails the transcript when the reader asked for it. The retention
scrub then treats it as any question; the chat's own events are deleted ``keep_events_hours``
after the chat ends (``cleanup``).
"""
import html
from datetime import datetime, timedelta
from urllib.parse import quote

from sqlalchemy import delete, update
from sqlmodel import Session, select

from consortium.accounts.models import Member
from consortium.catalogue.models import Work
from consortium.db.columns import as_aware
from consortium.db.uow import UnitOfWork
from consortium.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from consortium.mail.outbox import queue_mail
from consortium.reference import duty
from consortium.reference.chat import append_event, chat_for_token, check_text, event_dict, state_payload
from consortium.reference.chat_rules import FINAL, may_send, transition
from consortium.reference.common import Actor, ReferenceSettings, record_event, set_due_times
from consortium.reference.models import ChatEvent, ChatSession, Question, QuestionMessage
from consortium.reference.placement import member_id_for, question_clc
from consortium.reference.states import transition as question_transition
from consortium.web.markup import html_to_text


def desk(session: Session, actor: Actor, *, now: datetime, settings: ReferenceSettings,
         chat: duty.ChatSettings) -> dict:
    """The liaison's desk: on duty or not, chats ringing for their member, their own chats."""
    on = duty.is_on_duty(session, actor, now=now, chat=chat)
    ringing = session.exec(select(ChatSession).where(
        ChatSession.state == "ringing", ChatSession.routed_member_id == actor.member_id)
        .order_by(ChatSession.ring_started_at)).all() if on and actor.member_id else []
    mine = session.exec(select(ChatSession).where(ChatSession.state == "active", ChatSession.accepted_by_id == actor.user_id)
                        .order_by(ChatSession.accepted_at)).all()
    return {"on_duty": on, "staffed": bool(actor.member_id) and duty.is_staffed(session, actor.member_id, now, settings),
            "ringing": [_ring_row(session, c) for c in ringing], "mine": [_mine_row(session, c) for c in mine]}


def _ring_row(session: Session, record: ChatSession) -> dict:
    """What rings: the question and the work, not yet who asks (seen once accepted)."""
    work = session.get(Work, record.work_id) if record.work_id else None
    home = session.get(Member, record.home_member_id) if record.home_member_id else None
    return {"id": record.id, "text": record.text[:300], "language": record.language, "home_member": home.code if home else None,
            "work_title": work.title if work else None, "since": as_aware(record.ring_started_at).isoformat()}


def _mine_row(session: Session, record: ChatSession) -> dict:
    question = session.get(Question, record.question_id) if record.question_id else None
    return {**_ring_row(session, record), "reader_name": question.reader_name if question else None,
            "question_id": record.question_id, "last_seq": record.last_seq}


def load_chat(session: Session, chat_id: int, actor: Actor, *, handling: bool = True) -> ChatSession:
    """A chat the actor handles (accepted it), or (``handling=False``) one ringing at their member."""
    record = session.get(ChatSession, chat_id)
    if record is None:
        raise NotFound(f"There is no chat {chat_id}.")
    mine = record.accepted_by_id == actor.user_id and record.accepted_by_id is not None
    ringing_here = record.state == "ringing" and record.routed_member_id == actor.member_id
    if not (mine or (not handling and ringing_here)):
        raise PermissionDenied("This chat is handled by another librarian.")
    return record


def accept(session: Session, chat_id: int, actor: Actor, *, now: datetime, settings: ReferenceSettings,
           chat: duty.ChatSettings) -> ChatSession:
    """Take a ringing chat. Of several liaisons accepting at once exactly one wins (a
    conditional UPDATE); the others get a ``Conflict``."""
    if not duty.is_on_duty(session, actor, now=now, chat=chat):
        raise Conflict("Go on duty first.")
    record = load_chat(session, chat_id, actor, handling=False)
    transition(record.state, "accept")
    with UnitOfWork(session):
        won = session.exec(update(ChatSession).where(
            ChatSession.id == record.id, ChatSession.state == "ringing", ChatSession.routed_member_id == actor.member_id)
            .values(state="active", accepted_by_id=actor.user_id, accepted_at=now)
            .execution_options(synchronize_session=False))
        if won.rowcount != 1:
            raise Conflict("Another librarian accepted this chat a moment ago.")
        record.state, record.accepted_by_id, record.accepted_at = "active", actor.user_id, now
        _claim_question(session, record, actor, now, settings)
        append_event(session, record, "state", now, payload={**state_payload(session, record), "by": actor.name})
    return record


def _claim_question(session: Session, record: ChatSession, actor: Actor, now: datetime, settings) -> None:
    """The chat as a question claimed by the accepting liaison (a transferred chat's question
    moves to them)."""
    if record.question_id is None:
        question = Question(
            text=record.text, reader_name=record.reader_name, reader_email=record.reader_email,
            home_member_id=record.home_member_id, work_id=record.work_id, language=record.language,
            consent_publish=record.consent_publish, token_hash=record.token_hash, routed_member_id=actor.member_id,
            clc=question_clc(session, record.text, record.work_id), routing={**record.routing, "channel": "chat"},
            created_at=as_aware(record.created_at), updated_at=now)
        session.add(question)
        session.flush()
        record_event(session, question, "routed", now, member_id=actor.member_id, reasons=question.routing)
        record.question_id = question.id
        record.reader_name = record.reader_email = None
    question = session.get(Question, record.question_id)
    question.status = question_transition(question.status, "claim")
    question.routed_member_id, question.claimed_by_id = actor.member_id, actor.user_id
    question.first_response_at = question.first_response_at or now
    question.updated_at = now
    set_due_times(session, question, now, settings)
    record_event(session, question, "claimed", now, actor=actor, member_id=actor.member_id)


def staff_message(session: Session, chat_id: int, actor: Actor, text, *, now: datetime,
                  chat: duty.ChatSettings) -> dict:
    text = check_text(text, chat)
    record = load_chat(session, chat_id, actor)
    if not may_send(record.state, "staff"):
        raise Conflict("This chat has ended.", {"state": [record.state]})
    with UnitOfWork(session):
        event = append_event(session, record, "message", now, actor="staff", author_user_id=actor.user_id, text=text,
                             payload={"member": _member_code(session, actor.member_id)})
    return {"seq": event.seq}


def send_card(session: Session, chat_id: int, actor: Actor, *, now: datetime, work_id=None, query=None) -> dict:
    """A catalogue work (``work_id``) or a search (``query``) as a card the reader can open."""
    record = load_chat(session, chat_id, actor)
    if not may_send(record.state, "staff"):
        raise Conflict("This chat has ended.", {"state": [record.state]})
    if work_id not in (None, ""):
        work = session.get(Work, int(work_id)) if str(work_id).isdigit() and len(str(work_id)) < 12 else None
        if work is None:
            raise InvalidInput("There is no such work.", {"work_id": ["No such work."]})
        card = {"type": "work", "id": work.id, "title": work.title, "authors": list(work.authors or [])[:5],
                "year": work.year, "url": f"/works/{work.id}"}
    elif isinstance(query, str) and query.strip() and len(query) <= 200:
        card = {"type": "search", "q": query.strip(), "url": f"/search?q={quote(query.strip())}"}
    else:
        raise InvalidInput("Choose a work or write a search.", {"work_id": ["Missing."], "q": ["Missing."]})
    with UnitOfWork(session):
        event = append_event(session, record, "card", now, actor="staff", author_user_id=actor.user_id,
                             payload={"card": card, "member": _member_code(session, actor.member_id)})
    return {"seq": event.seq}


def _member_code(session: Session, member_id: int | None) -> str | None:
    member = session.get(Member, member_id) if member_id else None
    return member.code if member else None


def transfer(session: Session, chat_id: int, actor: Actor, to_member: str, *, now: datetime,
             settings: ReferenceSettings, chat: duty.ChatSettings) -> ChatSession:
    """Hand an active chat to another member on duty: it rings there, the question moves."""
    record = load_chat(session, chat_id, actor)
    target = member_id_for(session, (to_member or "").strip().upper())
    if target is None or target == actor.member_id:
        raise InvalidInput("Choose another member library.", {"to_member": ["Unknown or own member."]})
    if target not in duty.on_duty_members(session, now=now, settings=settings, chat=chat):
        raise Conflict("Nobody of that library is on duty now.")
    with UnitOfWork(session):
        record.state = transition(record.state, "transfer")
        record.routed_member_id, record.accepted_by_id, record.ring_started_at = target, None, now
        session.add(record)
        question = session.get(Question, record.question_id)
        question.status = question_transition(question.status, "transfer")
        question.routed_member_id, question.claimed_by_id, question.updated_at = target, None, now
        record_event(session, question, "transferred", now, actor=actor, member_id=target,
                     from_member_id=actor.member_id, reasons={"why": "live chat transfer"})
        append_event(session, record, "state", now, payload=state_payload(session, record))
    return record


def end(session: Session, record: ChatSession, *, now: datetime, settings: ReferenceSettings, actor: Actor | None = None,
        action: str = "end", on_commit=None) -> ChatSession:
    """End (or block) a chat; an accepted one leaves its transcript in its question."""
    was = record.state
    with UnitOfWork(session) as uow:
        record.state = transition(record.state, action)
        record.ended_at = now
        session.add(record)
        if record.question_id is not None and was == "active":
            _transcript_into_question(session, record, now, actor, blocked=action == "block")
        else:
            record.reader_name = record.reader_email = None
        append_event(session, record, "state", now, payload=state_payload(session, record))
        if record.want_transcript and record.question_id is not None:
            mail_transcript(session, record, settings)
        if on_commit:
            uow.after_commit(on_commit)
    return record


def reader_end(session: Session, token: str, *, now: datetime, settings: ReferenceSettings,
               on_commit=None) -> ChatSession:
    """The reader closes the chat (a ringing one simply ends: nobody has seen it)."""
    record = chat_for_token(session, token)
    return end(session, record, now=now, settings=settings, on_commit=on_commit)


def staff_end(session: Session, chat_id: int, actor: Actor, *, now: datetime, settings: ReferenceSettings,
              block: bool = False, on_commit=None) -> ChatSession:
    record = load_chat(session, chat_id, actor, handling=not block)
    return end(session, record, now=now, settings=settings, actor=actor, action="block" if block else "end",
               on_commit=on_commit)


def _transcript_into_question(session: Session, record: ChatSession, now: datetime, actor: Actor | None,
                              blocked: bool) -> None:
    question = session.get(Question, record.question_id)
    answered = False
    for event in session.exec(select(ChatEvent).where(ChatEvent.chat_id == record.id, ChatEvent.kind.in_(("message", "card")))
                              .order_by(ChatEvent.seq)).all():
        answered |= event.actor == "staff"
        session.add(_as_message(session, question, event))
    if blocked or not answered:
        question.status = question_transition(question.status, "close")
        question.closed_at = now
        record_event(session, question, "closed", now, actor=actor, member_id=question.routed_member_id,
                     reasons={"why": "chat blocked" if blocked else "chat ended without an answer"})
    else:
        question.status = question_transition(question.status, "answer")
        question.answered_at = question.answered_at or now
        record_event(session, question, "answered", now, actor=actor, member_id=question.routed_member_id,
                     reasons={"channel": "chat"})
    question.updated_at = now


def _as_message(session: Session, question: Question, event: ChatEvent) -> QuestionMessage:
    staff = event.actor == "staff"
    card = (event.payload or {}).get("card")
    body_html = event.body_html or ""
    if card:
        body_html = f'<p><a href="{html.escape(card["url"])}">{html.escape(card.get("title") or card.get("q") or "")}</a></p>'
    return QuestionMessage(question_id=question.id, kind="answer" if staff else "reader_reply",
                           author_user_id=event.author_user_id, member_id=question.routed_member_id if staff else None,
                           body_html=body_html, body_md=event.body_text if staff else None,
                           cited_work_ids=[card["id"]] if card and card.get("type") == "work" else [],
                           created_at=as_aware(event.created_at))


def mail_transcript(session: Session, record: ChatSession, settings: ReferenceSettings) -> bool:
    """Queue the transcript to the reader (bilingual); False when there is nobody to mail."""
    question = session.get(Question, record.question_id) if record.question_id else None
    if question is None or not question.reader_email:
        return False
    lines = []
    for event in session.exec(select(ChatEvent).where(ChatEvent.chat_id == record.id, ChatEvent.kind.in_(("message", "card")))
                              .order_by(ChatEvent.seq)).all():
        who = "馆员 / Librarian" if event.actor == "staff" else "您 / You"
        card = (event.payload or {}).get("card")
        body = (f"{card.get('title') or card.get('q')} {settings.base_url}{card['url']}" if card
                else html_to_text(event.body_html or ""))
        lines.append(f"{who}: {body}")
    text = ("您的在线咨询记录 / Your chat with the library\n\n" + f"{question.text}\n\n" + "\n\n".join(lines) + "\n")
    queue_mail(session, question.reader_email, f"在线咨询记录 / Chat transcript (#{question.id})", text,
               kind="reference.chat_transcript", ref=f"question:{question.id}")
    return True


def request_transcript(session: Session, record: ChatSession, *, settings: ReferenceSettings, on_commit=None) -> bool:
    """The reader asks for the transcript: mailed when the chat ends (now, if it has)."""
    with UnitOfWork(session) as uow:
        record.want_transcript = True
        session.add(record)
        mailed = record.state in FINAL and mail_transcript(session, record, settings)
        if on_commit:
            uow.after_commit(on_commit)
    return bool(mailed)


def cleanup(session: Session, *, now: datetime, settings: ReferenceSettings, chat: duty.ChatSettings) -> int:
    """End chats idle for ``idle_end_minutes``; delete the events of chats ended
    ``keep_events_hours`` ago (their transcript lives in the question)."""
    idle = session.exec(select(ChatSession).where(
        ChatSession.state == "active",
        ChatSession.last_activity_at < now - timedelta(minutes=chat.idle_end_minutes))).all()
    for record in idle:
        end(session, record, now=now, settings=settings)
    old = session.exec(select(ChatSession.id).where(
        ChatSession.state.in_(sorted(FINAL)), ChatSession.text != "",
        ChatSession.ended_at < now - timedelta(hours=chat.keep_events_hours))).all()
    if old:
        with UnitOfWork(session):
            session.exec(delete(ChatEvent).where(ChatEvent.chat_id.in_(old)))
            session.exec(update(ChatSession).where(ChatSession.id.in_(old))
                         .values(text="", reader_name=None, reader_email=None))
    return len(idle)


def staff_events(session: Session, chat_id: int, actor: Actor, after: int) -> list[dict]:
    record = load_chat(session, chat_id, actor, handling=False)
    return [event_dict(e) for e in session.exec(select(ChatEvent).where(
        ChatEvent.chat_id == record.id, ChatEvent.seq > after).order_by(ChatEvent.seq).limit(200)).all()]

