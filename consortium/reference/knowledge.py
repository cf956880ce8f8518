"""The public knowledge base: answered questions published with the reader's consent.

Personal data is redacted automatically (``consortium.redaction.redact`` with the reader's
name as a known name); the liaison reviews and may edit the redacted Markdown before
publishing (the answers' Markdown with their cited works as links), sees it rendered as
readers will, and the published HTML is rendered from it and sanitised.
``KnowledgeAnswers`` is the ``consortium.ports.ANSWERS`` implementation the feeds read.
"""
from datetime import datetime

from sqlmodel import Session, select

from consortium.accounts.models import Member
from consortium.catalogue.models import Work
from consortium.db.columns import as_aware
from consortium.db.engine import open_session
from consortium.db.uow import UnitOfWork
from consortium.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from consortium.reference.common import Actor, record_event
from consortium.reference.liaison import handles, load_question
from consortium.reference.models import KnowledgeEntry, Question, QuestionMessage
from consortium.reference.redaction import redact
from consortium.web.markup import clean_text_to_html, html_to_text, render_markdown


def _answers(session: Session, question_id: int) -> list[QuestionMessage]:
    return list(session.exec(select(QuestionMessage).where(
        QuestionMessage.question_id == question_id, QuestionMessage.kind == "answer")
        .order_by(QuestionMessage.created_at, QuestionMessage.id)).all())


def _check_publishable(session: Session, question: Question, actor: Actor) -> list[QuestionMessage]:
    if not (handles(question, actor) or actor.is_admin):
        raise PermissionDenied("Only the answering member's liaisons may publish this question.")
    if not question.consent_publish:
        raise Conflict("The reader has not consented to publishing this question.")
    answers = _answers(session, question.id)
    if question.status not in ("answered", "closed") or not answers:
        raise Conflict("Only answered questions can be published.")
    return answers


def preview(session: Session, question_id: int, actor: Actor) -> dict:
    """The automatically redacted question and answer Markdown, with what was found, for review
    (a published entry's reviewed text when there is one)."""
    question = load_question(session, question_id, actor)
    answers = _check_publishable(session, question, actor)
    names = [question.reader_name] if question.reader_name else []
    asked = redact(question.text, names)
    entry = session.exec(select(KnowledgeEntry).where(KnowledgeEntry.question_id == question.id)).first()
    answered = redact(entry.answer_md if entry and entry.answer_md else answer_markdown(session, answers), names)
    title = asked.text.strip().splitlines()[0][:80] if asked.text.strip() else f"#{question.id}"
    return {"question_id": question.id, "title": entry.title if entry else title, "question_text": asked.text,
            "answer_md": answered.text, "answer_html": render_markdown(answered.text),
            "found": [_found(f) for f in [*asked.found, *answered.found]]}


def answer_markdown(session: Session, answers: list[QuestionMessage]) -> str:
    """The answers as one Markdown text: each liaison's Markdown and its cited works as links
    (an answer stored before Markdown was kept is turned back into text)."""
    parts = []
    for message in answers:
        if message.body_md is None:
            parts.append(html_to_text(message.body_html))
            continue
        parts.append(message.body_md)
        cited = [session.get(Work, work_id) for work_id in message.cited_work_ids or ()]
        links = [f"- [{_escape_md(w.title)}](/works/{w.id})" for w in cited if w is not None]
        if links:
            parts.append("\n".join(links))
    return "\n\n".join(part.strip() for part in parts if part.strip())


def _escape_md(text: str) -> str:
    return "".join("\\" + ch if ch in "\\`*_[]<>" else ch for ch in text)


def _found(found) -> dict:
    return {key: getattr(found, key) for key in ("kind", "original", "start", "end")}


def publish(session: Session, question_id: int, actor: Actor, *, title: str, question_text: str, answer_md: str,
            now: datetime) -> KnowledgeEntry:
    """Publish the reviewed text; the redaction runs again so nothing personal slips through an edit."""
    question = load_question(session, question_id, actor)
    _check_publishable(session, question, actor)
    names = [question.reader_name] if question.reader_name else []
    title = redact(" ".join((title or "").split()), names).text[:300]
    if not title or not (question_text or "").strip() or not (answer_md or "").strip():
        raise InvalidInput("A title, the question and the answer are needed.", {"title": ["required"]})
    answer_md = redact(answer_md.strip()[:20000], names).text
    entry = session.exec(select(KnowledgeEntry).where(KnowledgeEntry.question_id == question.id)).first()
    with UnitOfWork(session):
        entry = entry or KnowledgeEntry(question_id=question.id, member_id=question.routed_member_id,
                                        published_at=now)
        entry.title = title
        entry.question_html = clean_text_to_html(redact(question_text, names).text)
        entry.answer_md, entry.answer_html = answer_md, render_markdown(answer_md)
        entry.clc, entry.language = question.clc, question.language
        entry.published_by_id, entry.updated_at, entry.unpublished_at = actor.user_id, now, None
        if entry.member_id is None:
            entry.member_id = actor.member_id
        session.add(entry)
        record_event(session, question, "published", now, actor=actor, member_id=entry.member_id)
    return entry


def unpublish(session: Session, question_id: int, actor: Actor, *, now: datetime) -> None:
    question = load_question(session, question_id, actor)
    if not (handles(question, actor) or actor.is_admin):
        raise PermissionDenied("Only the answering member's liaisons may unpublish this question.")
    entry = session.exec(select(KnowledgeEntry).where(KnowledgeEntry.question_id == question.id,
                                                      KnowledgeEntry.unpublished_at.is_(None))).first()
    if entry is None:
        raise Conflict("This question is not published.")
    with UnitOfWork(session):
        entry.unpublished_at = now
        entry.updated_at = now
        record_event(session, question, "unpublished", now, actor=actor, member_id=entry.member_id)


def entry_dict(entry: KnowledgeEntry, member: Member) -> dict:
    return {"id": entry.id, "title": entry.title, "question_html": entry.question_html,
            "answer_html": entry.answer_html, "member": member.code, "member_name": member.name,
            "member_name_en": member.name_en, "clc": entry.clc, "language": entry.language,
            "published_at": as_aware(entry.published_at), "updated_at": as_aware(entry.updated_at),
            "url": f"/answers/{entry.id}"}


def published(session: Session, member: str | None = None, clc: str | None = None, limit: int = 50,
              offset: int = 0, q: str | None = None) -> list[dict]:
    """Live entries, newest first; ``clc`` matches a class prefix, ``q`` the title and texts."""
    query = (select(KnowledgeEntry, Member).join(Member, Member.id == KnowledgeEntry.member_id)
             .where(KnowledgeEntry.unpublished_at.is_(None)))
    if member:
        query = query.where(Member.code == member.strip().upper())
    if clc:
        query = query.where(KnowledgeEntry.clc.startswith(clc.strip().upper()))
    if q:
        like = f"%{q.strip()}%"
        query = query.where(KnowledgeEntry.title.ilike(like) | KnowledgeEntry.question_html.ilike(like)
                            | KnowledgeEntry.answer_html.ilike(like))
    limit = max(1, min(int(limit), 200))
    rows = session.exec(query.order_by(KnowledgeEntry.published_at.desc(), KnowledgeEntry.id.desc())
                        .offset(max(0, int(offset))).limit(limit)).all()
    return [entry_dict(e, m) for e, m in rows]


def get_entry(session: Session, entry_id: int) -> dict:
    row = session.exec(select(KnowledgeEntry, Member).join(Member, Member.id == KnowledgeEntry.member_id)
                       .where(KnowledgeEntry.id == entry_id, KnowledgeEntry.unpublished_at.is_(None))).first()
    if row is None:
        raise NotFound("This answer is not published (any more).")
    return entry_dict(*row)


class KnowledgeAnswers:
    """``consortium.ports.AnswersPort`` over the knowledge base (one short session per call)."""

    def __init__(self, app):
        self.app = app

    def published(self, member: str | None = None, clc: str | None = None, limit: int = 50,
                  offset: int = 0, q: str | None = None) -> list[dict]:

        with open_session(self.app) as session:
            return published(session, member, clc, limit, offset, q=q)
