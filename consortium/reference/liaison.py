"""Liaison work on the queue: claim, answer, clarify, transfer, return, notes, close.

Every action goes through the pure state table (``question_states.transition``) and appends
a history event; a liaison acts only on questions of their own member (or claims from the
pool), and a claim locks the question against colleagues. Staff write Markdown: it is kept
(``body_md``) beside the sanitised HTML every reader-facing place shows (``body_html``).
"""
import html
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session

from consortium.catalogue.models import Work
from consortium.db.uow import UnitOfWork
from consortium.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from consortium.reference import notices as reference_mail
from consortium.reference.common import Actor, ReferenceSettings, record_event, set_due_times
from consortium.reference.models import Question, QuestionMessage
from consortium.reference.placement import decide, member_id_for
from consortium.reference.states import transition
from consortium.web.markup import render_markdown

MAX_BODY = 20000


def in_pool(question: Question) -> bool:
    return question.status == "new" and (question.routed_member_id is None or question.open_to_all)


def can_view(question: Question, actor: Actor) -> bool:
    return actor.is_admin or question.routed_member_id == actor.member_id or in_pool(question)


def handles(question: Question, actor: Actor) -> bool:
    """Whether the actor is a liaison of the member handling the question (sees reader data)."""
    return not actor.is_admin and actor.member_id is not None and question.routed_member_id == actor.member_id


def load_question(session: Session, question_id: int, actor: Actor) -> Question:
    question = session.get(Question, question_id)
    if question is None:
        raise NotFound(f"There is no question {question_id}.")
    if not can_view(question, actor):
        raise PermissionDenied("This question is routed to another member library.")
    return question


def _require_handler(question: Question, actor: Actor, action: str, admin_ok: bool = False) -> None:
    if actor.is_admin and admin_ok:
        return
    if not handles(question, actor):
        raise PermissionDenied("Only a liaison of the member handling this question may do this.")
    if question.status in ("claimed", "waiting") and question.claimed_by_id not in (None, actor.user_id):
        raise PermissionDenied("A colleague has claimed this question; ask them to unclaim it first.")


def _move(question: Question, action: str, now: datetime) -> None:
    question.status = transition(question.status, action)
    question.updated_at = now


def claim(session: Session, question_id: int, actor: Actor, *, now: datetime,
          settings: ReferenceSettings) -> Question:
    """Take the question; from the pool it becomes the actor's member's."""
    question = load_question(session, question_id, actor)
    if actor.is_admin or actor.member_id is None:
        raise PermissionDenied("Only a member's liaison can claim a question.")
    with UnitOfWork(session):
        transition(question.status, "claim")  # a clear refusal before touching the row
        _lock_claim(session, question, actor)
        _move(question, "claim", now)
        from_member = question.routed_member_id
        question.routed_member_id = actor.member_id
        question.claimed_by_id = actor.user_id
        question.open_to_all = False
        question.reminded_at = None  # the next reminder is about the answer
        if from_member != actor.member_id:  # from the pool: the claimer's calendar sets the promises
            set_due_times(session, question, now, settings)
        record_event(session, question, "claimed", now, actor=actor, member_id=actor.member_id,
                     from_member_id=from_member if from_member != actor.member_id else None)
    return question


def _lock_claim(session: Session, question: Question, actor: Actor) -> None:
    """Compare-and-set in the database: of two liaisons claiming at once, exactly one wins."""
    result = session.exec(update(Question).where(Question.id == question.id, Question.status == "new",
                                                 Question.claimed_by_id.is_(None))
                          .values(status="claimed", claimed_by_id=actor.user_id)
                          .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Conflict("Someone else claimed this question a moment ago.")


def unclaim(session: Session, question_id: int, actor: Actor, *, now: datetime) -> Question:
    question = load_question(session, question_id, actor)
    _require_handler(question, actor, "unclaim")
    with UnitOfWork(session):
        _move(question, "unclaim", now)
        question.claimed_by_id = None
        record_event(session, question, "unclaimed", now, actor=actor, member_id=actor.member_id)
    return question


def _body(body: str) -> tuple[str, str]:
    """The staff member's Markdown, checked, and its sanitised HTML."""
    body = (body or "").strip()
    if not body or len(body) > MAX_BODY:
        raise InvalidInput("Please write a text (at most 20,000 characters).", {"body": ["Length 1–20000."]})
    cleaned = render_markdown(body)
    if not cleaned:
        raise InvalidInput("Nothing is left of this text after removing unsafe markup.", {"body": ["Empty."]})
    return body, cleaned


def _cited(session: Session, work_ids) -> list[int]:
    """The picked works' ids, checked, in the order they were picked."""
    ids: list[int] = []
    for raw in work_ids or ():
        text = str(raw).strip()
        if not text.isdigit() or not 0 < int(text) < 2**31:  # ids are 32-bit: a larger one names nothing
            raise InvalidInput("Cited works are chosen with the work picker.", {"cited_work_ids": [text[:20]]})
        if session.get(Work, int(text)) is None:
            raise InvalidInput("A cited work is not in the catalogue.", {"cited_work_ids": [text]})
        if int(text) not in ids:
            ids.append(int(text))
    return ids


def citation_html(session: Session, work_ids: list[int]) -> str:
    """The cited works under an answer: title, authors and year, each linking its record page."""
    items = []
    for work_id in work_ids:
        work = session.get(Work, work_id)
        title = html.escape(work.title)
        byline = "、".join(work.authors or [])
        facts = html.escape(" · ".join(str(part) for part in (byline, work.year) if part))
        items.append(f'<li><a href="/works/{work_id}">{title}</a>' + (f" — {facts}" if facts else "") + "</li>")
    return f'<ul class="cited-works">{"".join(items)}</ul>' if items else ""


def answer(session: Session, question_id: int, actor: Actor, body: str, *, now: datetime,
           cited_work_ids=(), settings: ReferenceSettings) -> Question:
    """Answer the reader (rich text, sanitised; cited catalogue works listed under it)."""
    question = load_question(session, question_id, actor)
    _require_handler(question, actor, "answer")
    cited = _cited(session, cited_work_ids)
    markdown_text, body_html = _body(body)
    body_html += citation_html(session, cited)
    with UnitOfWork(session):
        _move(question, "answer", now)
        question.paused_at = None
        question.first_response_at = question.first_response_at or now
        question.answered_at = question.answered_at or now
        session.add(QuestionMessage(question_id=question.id, kind="answer", author_user_id=actor.user_id,
                                    member_id=actor.member_id, body_html=body_html, body_md=markdown_text,
                                    cited_work_ids=cited, created_at=now))
        record_event(session, question, "answered", now, actor=actor, member_id=actor.member_id,
                     reasons={"cited_work_ids": cited})
        reference_mail.reader_answered(session, question, body_html, settings)
    return question


def ask_clarification(session: Session, question_id: int, actor: Actor, body: str, *, now: datetime,
                      settings: ReferenceSettings) -> Question:
    """Ask the reader for more detail; the response clock pauses until they reply."""
    question = load_question(session, question_id, actor)
    _require_handler(question, actor, "ask about")
    markdown_text, body_html = _body(body)
    with UnitOfWork(session):
        _move(question, "clarify", now)
        question.paused_at = now
        question.first_response_at = question.first_response_at or now
        session.add(QuestionMessage(question_id=question.id, kind="clarification", author_user_id=actor.user_id,
                                    member_id=actor.member_id, body_html=body_html, body_md=markdown_text,
                                    created_at=now))
        record_event(session, question, "clarification", now, actor=actor, member_id=actor.member_id)
        reference_mail.reader_clarification(session, question, body_html)
    return question


def add_note(session: Session, question_id: int, actor: Actor, body: str, *, now: datetime) -> QuestionMessage:
    """An internal note, never shown to the reader."""
    question = load_question(session, question_id, actor)
    if not (actor.is_admin or handles(question, actor)):
        raise PermissionDenied("Only the handling member's liaisons may add notes.")
    markdown_text, body_html = _body(body)
    with UnitOfWork(session):
        note = QuestionMessage(question_id=question.id, kind="note", author_user_id=actor.user_id,
                               member_id=actor.member_id, body_html=body_html, body_md=markdown_text, created_at=now)
        session.add(note)
    return note


def suggest_transfer(session: Session, question: Question, now: datetime, settings: ReferenceSettings,
                     search=None) -> dict:
    """Routing's next best member for a transfer, excluding the current and declining members."""
    current = {question.routed_member_id} if question.routed_member_id else set()
    decision = decide(session, question, now, settings, search, also_exclude=current)
    return decision.as_dict()


def transfer(session: Session, question_id: int, actor: Actor, reason: str, *, now: datetime,
             settings: ReferenceSettings, to_member: str | None = None, search=None) -> Question:
    """Hand the question to another member (routing's suggestion when none is named)."""
    question = load_question(session, question_id, actor)
    _require_handler(question, actor, "transfer", admin_ok=True)
    reason = (reason or "").strip()
    if not 1 <= len(reason) <= 1000:
        raise InvalidInput("Please give a reason for the transfer.", {"reason": ["Length 1–1000."]})
    suggestion = suggest_transfer(session, question, now, settings, search)
    code = (to_member or "").strip().upper() or suggestion["chosen"]
    target = member_id_for(session, code)
    if target is None:
        raise InvalidInput("No other member library can take this question; return it to the pool instead.",
                           {"to_member": [code or "none"]})
    if target == question.routed_member_id:
        raise InvalidInput("The question is already with this member.", {"to_member": [code]})
    with UnitOfWork(session):
        _move(question, "transfer", now)
        from_member = question.routed_member_id
        question.routed_member_id, question.claimed_by_id, question.paused_at = target, None, None
        question.routing = suggestion
        set_due_times(session, question, now, settings)
        record_event(session, question, "transferred", now, actor=actor, member_id=target, from_member_id=from_member,
                     reasons={"reason": reason, "suggested": suggestion["chosen"]})
        reference_mail.liaisons_routed(session, question, settings, "reference.transferred")
        reference_mail.reader_moved(session, question, from_member)
    return question


def return_to_pool(session: Session, question_id: int, actor: Actor, reason: str, *, now: datetime) -> Question:
    """Give the question back to the consortium pool, where any member may claim it."""
    question = load_question(session, question_id, actor)
    _require_handler(question, actor, "return", admin_ok=True)
    with UnitOfWork(session):
        _move(question, "return_to_pool", now)
        from_member = question.routed_member_id
        question.routed_member_id, question.claimed_by_id, question.paused_at = None, None, None
        record_event(session, question, "returned", now, actor=actor, from_member_id=from_member,
                     reasons={"reason": (reason or "").strip()[:1000]})
    return question


def close(session: Session, question_id: int, actor: Actor, *, now: datetime) -> Question:
    question = load_question(session, question_id, actor)
    _require_handler(question, actor, "close", admin_ok=True)
    with UnitOfWork(session):
        _move(question, "close", now)
        question.closed_at = now
        question.paused_at = None
        record_event(session, question, "closed", now, actor=actor, member_id=question.routed_member_id)
    return question
