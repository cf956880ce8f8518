"""Read side of the liaison workspace: the queue tabs and one question with its history."""
from datetime import datetime

from sqlalchemy import and_, func, or_
from sqlmodel import Session, select

from consortium.accounts.models import Member, User
from consortium.catalogue.models import Work
from consortium.db.columns import as_aware
from consortium.errors import InvalidInput
from consortium.reference.common import Actor, iso
from consortium.reference.liaison import handles, in_pool, load_question
from consortium.reference.models import Question, QuestionEvent, QuestionMessage, ReferenceProfile
from consortium.reference.states import allowed_actions

TABS = ("new", "mine", "waiting", "overdue")


def _pool_clause():
    return and_(Question.status == "new", or_(Question.routed_member_id.is_(None), Question.open_to_all == True))  # noqa: E712


def _tab_clause(tab: str, actor: Actor, now: datetime):
    mine = True if actor.is_admin else Question.routed_member_id == actor.member_id
    if tab == "new":
        return or_(and_(Question.status == "new", mine), _pool_clause())
    if tab == "mine":
        return and_(Question.claimed_by_id == actor.user_id, Question.status.in_(("claimed", "waiting")))
    if tab == "waiting":
        return and_(Question.status == "waiting", mine)
    if tab == "overdue":
        late_first = and_(Question.status == "new", Question.first_response_due_at < now)
        late_answer = and_(Question.status == "claimed", Question.answer_due_at < now)
        return and_(mine, or_(late_first, late_answer))
    raise InvalidInput(f"Unknown queue tab {tab!r}.", {"tab": [f"one of {', '.join(TABS)}"]})


def queue(session: Session, actor: Actor, tab: str, *, now: datetime, limit: int = 200) -> list[dict]:
    """The rows of one queue tab, oldest due first."""
    rows = session.exec(select(Question).where(_tab_clause(tab, actor, now))
                        .order_by(Question.first_response_due_at, Question.id).limit(limit)).all()
    codes = {m.id: m.code for m in session.exec(select(Member)).all()}
    return [queue_row(q, codes, now) for q in rows]


def queue_counts(session: Session, actor: Actor, *, now: datetime) -> dict[str, int]:

    return {tab: session.exec(select(func.count()).select_from(Question).where(_tab_clause(tab, actor, now))).one()
            for tab in TABS}


def is_overdue(question: Question, now: datetime) -> bool:
    if question.status == "new":
        due = as_aware(question.first_response_due_at)
    elif question.status == "claimed":
        due = as_aware(question.answer_due_at)
    else:
        return False
    return due is not None and due < now


def queue_row(question: Question, codes: dict, now: datetime) -> dict:
    return {"id": question.id, "text": question.text[:200], "status": question.status,
            "routed_to": codes.get(question.routed_member_id), "home_member": codes.get(question.home_member_id),
            "in_pool": in_pool(question), "open_to_all": question.open_to_all, "language": question.language,
            "clc": question.clc, "claimed_by_id": question.claimed_by_id,
            "first_response_due_at": iso(question.first_response_due_at), "answer_due_at": iso(question.answer_due_at),
            "overdue": is_overdue(question, now), "created_at": iso(question.created_at)}


def question_detail(session: Session, question_id: int, actor: Actor, *, now: datetime) -> dict:
    """One question for the workspace; the reader's e-mail only for the handling member's liaisons."""
    question = load_question(session, question_id, actor)
    codes = {m.id: m.code for m in session.exec(select(Member)).all()}
    data = queue_row(question, codes, now)
    shows_reader = handles(question, actor)
    claimer = session.get(User, question.claimed_by_id) if question.claimed_by_id else None
    work = session.get(Work, question.work_id) if question.work_id else None
    data.update({
        "text": question.text,
        "reader_name": question.reader_name if shows_reader else None,
        "reader_email": question.reader_email if shows_reader else None,
        "consent_publish": question.consent_publish,
        "work": {"id": work.id, "title": work.title} if work else None,
        "claimed_by": (claimer.display_name or claimer.email) if claimer else None,
        "claimed_by_me": question.claimed_by_id == actor.user_id,
        "handles": shows_reader,
        "routing": question.routing,
        "allowed_actions": allowed_actions(question.status),
        "messages": _messages(session, question.id),
        "events": _events(session, question.id, codes),
        "canned_answers": _canned(session, actor.member_id),
    })
    return data


def _messages(session: Session, question_id: int) -> list[dict]:
    rows = session.exec(select(QuestionMessage, User).join(User, User.id == QuestionMessage.author_user_id, isouter=True)
                        .where(QuestionMessage.question_id == question_id)
                        .order_by(QuestionMessage.created_at, QuestionMessage.id)).all()
    return [{"kind": m.kind, "body_html": m.body_html, "body_md": m.body_md,
             "author": (u.display_name or u.email) if u else None,
             "cited_work_ids": m.cited_work_ids, "created_at": iso(m.created_at)} for m, u in rows]


def _events(session: Session, question_id: int, codes: dict) -> list[dict]:
    rows = session.exec(select(QuestionEvent).where(QuestionEvent.question_id == question_id)
                        .order_by(QuestionEvent.created_at, QuestionEvent.id)).all()
    return [{"kind": e.kind, "actor": e.actor, "member": codes.get(e.member_id), "from_member": codes.get(e.from_member_id),
             "reasons": e.reasons, "created_at": iso(e.created_at)} for e in rows]


def _canned(session: Session, member_id: int | None) -> list[dict]:
    if member_id is None:
        return []
    profile = session.exec(select(ReferenceProfile).where(ReferenceProfile.member_id == member_id)).first()
    return list(profile.canned_answers) if profile else []
