"""Live chat, reader side and routing: start a chat, route it to a member on duty, messages,
the event log the streams read, and the fall-back to a queued question.

A chat is routed like a question (``placement``: holdings of the work being viewed, subject,
language, load) but only among members with a liaison on duty inside staffed hours, and the
reader's home member first whenever one of its liaisons is on duty. With nobody on duty, or
nobody accepting within ``ChatSettings.ring_seconds``, the chat goes on as a queued question
(``questions.submit_question``) carrying the transcript; the question's token is the chat's,
so the reader's status link is ``/questions/<token>`` either way.

Every event is a ``ChatEvent`` row with a per-chat sequence number allocated under the chat
row's write lock (``UPDATE … SET last_seq = last_seq + 1``): events of one chat are numbered
in commit order, which is what makes ``Last-Event-ID`` resumption exact across processes.
"""
import dataclasses
import secrets
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from consortium.accounts.models import Member
from consortium.catalogue.models import Work
from consortium.db.columns import as_aware
from consortium.db.uow import UnitOfWork
from consortium.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from consortium.reference import duty
from consortium.reference.chat_rules import FINAL, may_send, ring_expired, transition
from consortium.reference.common import ReferenceSettings, hash_token, member_code
from consortium.reference.models import ChatEvent, ChatSession
from consortium.reference.placement import build_candidates, member_id_for, question_clc, work_holders
from consortium.reference.question_text import find_identifiers
from consortium.reference.questions import submit_question, validate_intake
from consortium.reference.routing import Decision, QuestionFacts, route
from consortium.web.markup import render_markdown


def start_chat(session: Session, data: dict, *, now: datetime, settings: ReferenceSettings,
               chat: duty.ChatSettings, search=None, on_commit=None) -> dict:
    """Validate and route a reader's chat: ringing at a member on duty, else a queued question."""
    values = validate_intake(data)
    home_id = member_id_for(session, values["home_member"].strip().upper())
    if home_id is None:
        raise InvalidInput("Unknown home library.", {"home_member": ["Unknown member code."]})
    if values["work_id"] is not None and session.get(Work, values["work_id"]) is None:
        raise InvalidInput("Unknown work.", {"work_id": ["No such work."]})
    token = secrets.token_urlsafe(32)
    language = values["language"] or ("zh" if any("\u3400" <= c <= "\u9fff" for c in values["question"]) else "en")
    record = ChatSession(token_hash=hash_token(token), text=values["question"], reader_name=values["name"],
                         reader_email=values["email"].lower(), home_member_id=home_id, work_id=values["work_id"],
                         language=language, consent_publish=values["consent_publish"], ring_started_at=now,
                         last_activity_at=now, created_at=now)
    on_duty = duty.on_duty_members(session, now=now, settings=settings, chat=chat)
    decision = route_on_duty(session, record, on_duty, now, settings, search) if on_duty else None
    if decision is None or decision.chosen is None:
        record.state = "queued"
        result = _queue_new(session, record, token, now=now, settings=settings, search=search, on_commit=on_commit)
    else:
        with UnitOfWork(session):
            record.routed_member_id = member_id_for(session, decision.chosen)
            record.routing = decision.as_dict()
            session.add(record)
            session.flush()
            append_event(session, record, "state", now, payload=state_payload(session, record))
        result = {"routed_to": decision.chosen}
    return {"id": record.id, "token": token, "state": record.state, "routed_to": result["routed_to"],
            "status_url": status_url(settings, token)}


def status_url(settings: ReferenceSettings, token: str) -> str:
    return f"{settings.base_url}/questions/{token}"


def route_on_duty(session: Session, record: ChatSession, on_duty: set[int], now: datetime,
                  settings: ReferenceSettings, search=None) -> Decision:
    """The reader's home member when it is on duty, else the question routing among those on duty."""
    members = session.exec(select(Member).where(Member.id.in_(sorted(on_duty)))).all()
    codes = {m.id: m.code for m in session.exec(select(Member)).all()}
    identifiers = find_identifiers(record.text)
    holders = work_holders(session, record.work_id)
    facts = QuestionFacts(home_member=codes.get(record.home_member_id), clc=question_clc(session, record.text, record.work_id),
                          language=record.language, has_identifiers=bool(identifiers.isbns or identifiers.issns),
                          has_chosen_work=bool(holders), excluded=frozenset(codes[i] for i in _declined(record) if i in codes))
    candidates = [dataclasses.replace(c, open_now=True, hours_until_open=0.0)  # on duty: open by definition
                  for c in build_candidates(session, record.text, identifiers, now, settings, search, members, holders)]
    decision = route(facts, candidates, settings.weights)
    home_code = codes.get(record.home_member_id)
    if record.home_member_id in on_duty and home_code in {score.code for score in decision.ranking}:
        decision = dataclasses.replace(decision, chosen=home_code, rule="home")
    return decision


def _declined(record: ChatSession) -> set[int]:
    return set((record.routing or {}).get("declined_ids", []))


def _queue_new(session, record: ChatSession, token: str, *, now, settings, search, on_commit) -> dict:
    """Nobody on duty: the chat is a queued question at once (one commit for both rows)."""
    session.add(record)
    result = submit_question(session, _intake(session, record), now=now, settings=settings, search=search,
                             on_commit=on_commit, token=token)
    with UnitOfWork(session):
        record.question_id = result["id"]
        record.reader_name = record.reader_email = None  # they live in the question now
        record.ended_at = now
        append_event(session, record, "state", now, payload=state_payload(session, record))
    return result


def _intake(session: Session, record: ChatSession, transcript: list[str] = ()) -> dict:
    """The question form's fields from the chat; what the reader wrote while it rang is
    appended to the question (the transcript so far)."""
    text = record.text if not transcript else record.text + "\n\n" + "\n".join(transcript)
    return {"question": text[:5000], "name": record.reader_name or "-", "email": record.reader_email,
            "home_member": member_code(session, record.home_member_id) or "", "work_id": record.work_id,
            "language": record.language, "consent_publish": record.consent_publish}


def append_event(session: Session, record: ChatSession, kind: str, now: datetime, *, actor: str = "system",
                 author_user_id: int | None = None, text: str | None = None, payload: dict | None = None) -> ChatEvent:
    """Append one event with the chat's next sequence number (inside the caller's unit of work)."""
    session.flush()
    seq = session.exec(update(ChatSession).where(ChatSession.id == record.id)
                       .values(last_seq=ChatSession.last_seq + 1, last_activity_at=now)
                       .returning(ChatSession.last_seq).execution_options(synchronize_session=False)).scalar_one()
    record.last_seq = seq
    event = ChatEvent(chat_id=record.id, seq=seq, kind=kind, actor=actor, author_user_id=author_user_id,
                      body_text=text, body_html=render_markdown(text) if text is not None else None,
                      payload=payload or {}, created_at=now)
    session.add(event)
    return event


def state_payload(session: Session, record: ChatSession) -> dict:
    member = session.get(Member, record.routed_member_id) if record.routed_member_id else None
    return {"state": record.state, "member": member.code if member else None,
            "member_name": member.name if member else None, "member_name_en": member.name_en if member else None}


def chat_for_token(session: Session, token: str) -> ChatSession:
    record = session.exec(select(ChatSession).where(ChatSession.token_hash == hash_token(token or ""))).first()
    if record is None:
        raise NotFound("There is no chat at this address.")
    return record


def check_text(text, chat: duty.ChatSettings) -> str:
    """A message: 1 … ``message_max_chars`` characters after trimming; rendered later as a
    sanitised Markdown subset, never as HTML."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidInput("Please write a message.", {"text": ["Empty."]})
    text = text.strip()
    if len(text) > chat.message_max_chars:
        raise InvalidInput(f"A message may have at most {chat.message_max_chars} characters.",
                           {"text": [f"Longer than {chat.message_max_chars}."]})
    return text


def reader_message(session: Session, token: str, text, *, now: datetime, chat: duty.ChatSettings) -> dict:
    """The reader says something (while ringing or active)."""
    text = check_text(text, chat)
    record = chat_for_token(session, token)
    if record.state == "blocked":
        raise PermissionDenied("This chat was ended by the library.")
    if not may_send(record.state, "reader"):
        raise Conflict("This chat has ended.", {"state": [record.state]})
    with UnitOfWork(session):
        event = append_event(session, record, "message", now, actor="reader", text=text)
    return {"seq": event.seq}


def events_after(session: Session, chat_id: int, after: int, limit: int = 200) -> list[dict]:
    """The chat's events after sequence number ``after``, oldest first, as the streams send them."""
    rows = session.exec(select(ChatEvent).where(ChatEvent.chat_id == chat_id, ChatEvent.seq > after)
                        .order_by(ChatEvent.seq).limit(limit)).all()
    return [event_dict(row) for row in rows]


def event_dict(row: ChatEvent) -> dict:
    return {"seq": row.seq, "kind": row.kind, "actor": row.actor, "html": row.body_html,
            "at": as_aware(row.created_at).isoformat(), **(row.payload or {})}


def expire_ringing(session: Session, *, now: datetime, settings: ReferenceSettings, chat: duty.ChatSettings,
                   search=None, only: int | None = None, token: str | None = None, on_commit=None) -> int:
    """Queue every chat that rang for ``ring_seconds`` unanswered; answers how many."""
    cutoff = now - timedelta(seconds=chat.ring_seconds)
    query = select(ChatSession).where(ChatSession.state == "ringing", ChatSession.ring_started_at <= cutoff)
    if only is not None:
        query = query.where(ChatSession.id == only)
    count = 0
    for record in session.exec(query).all():
        if ring_expired(as_aware(record.ring_started_at), now, chat.ring_seconds):
            count += queue_chat(session, record, now=now, settings=settings, search=search, on_commit=on_commit,
                                token=token)
    return count


def queue_chat(session: Session, record: ChatSession, *, now: datetime, settings: ReferenceSettings,
               search=None, on_commit=None, token: str | None = None) -> int:
    """Ringing → queued, once (a conditional UPDATE), as a question routed as questions are,
    with what the reader wrote meanwhile. 1 if this call queued it, 0 if another did first."""
    transition(record.state, "queue")
    won = session.exec(update(ChatSession).where(ChatSession.id == record.id, ChatSession.state == "ringing")
                       .values(state="queued", ended_at=now).execution_options(synchronize_session=False))
    if won.rowcount != 1:
        session.rollback()
        return 0
    lines = [e.body_text for e in session.exec(select(ChatEvent).where(
        ChatEvent.chat_id == record.id, ChatEvent.kind == "message", ChatEvent.actor == "reader")
        .order_by(ChatEvent.seq)).all() if e.body_text]
    record.state = "queued"
    result = submit_question(session, _intake(session, record, lines), now=now, settings=settings, search=search,
                             on_commit=on_commit, token=token, token_hash=None if token else record.token_hash)
    with UnitOfWork(session):
        record.question_id = result["id"]
        record.reader_name = record.reader_email = None
        append_event(session, record, "state", now, payload=state_payload(session, record))
    return 1


def reader_view(session: Session, token: str, settings: ReferenceSettings) -> dict:
    record = chat_for_token(session, token)
    return {"id": record.id, "state": record.state, "final": record.state in FINAL,
            "status_url": status_url(settings, token), **state_payload(session, record)}
