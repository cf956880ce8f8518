"""Readers' ratings of answers: given through the status token (or the answer mail's link),
one per question, read by the answering member's liaisons.

A comment may hold what the reader would not want passed around (their name, phone, student
number): it is stored twice, as written and redacted (``consortium.reference.redaction``).
Only the liaison handling the question reads it as written; everyone else reads the redacted
text. Once the retention sweep scrubbed a question, ``forget_scrubbed_comments`` drops the
comment as written too.
"""
from datetime import datetime

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate
from sqlmodel import Session, select

from consortium.accounts.models import Member
from consortium.db.uow import UnitOfWork
from consortium.management.errors import InvalidFeedback, NotAnsweredYet, NotForYou
from consortium.management.models import AnswerFeedback
from consortium.reference.common import Actor
from consortium.reference.models import Question, QuestionMessage
from consortium.reference.questions import question_for_token
from consortium.reference.redaction import redact
from member_sites.record.xmlchars import strip_forbidden

MAX_COMMENT = 2000


class FeedbackSchema(Schema):
    """``POST /api/v1/questions/<token>/feedback`` and the status page's form."""

    class Meta:
        unknown = EXCLUDE

    helpful = fields.Boolean(required=True, metadata={"description": "true: the answer helped"})
    comment = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=MAX_COMMENT))

    @pre_load
    def _xml_safe(self, data, **_kwargs):
        if not isinstance(data, dict):
            raise ValidationError("The rating must be a JSON object.", "_schema")
        return {key: strip_forbidden(value) if isinstance(value, str) else value for key, value in data.items()}


def validate_feedback(data) -> dict:
    try:
        loaded = FeedbackSchema().load(data if data is not None else {})
    except ValidationError as exc:
        raise InvalidFeedback("Please say whether the answer helped (a comment is optional, "
                              f"at most {MAX_COMMENT:,} characters).", exc.messages) from None
    loaded["comment"] = (loaded["comment"] or "").strip() or None
    return loaded


def rate_answer(session: Session, token: str, data, *, now: datetime) -> dict:
    """Record (or replace) the reader's rating; 409 (``NotAnsweredYet``) before any answer."""
    values = validate_feedback(data)
    question = question_for_token(session, token)
    answered_by = _answering_member(session, question)
    if question.answered_at is None or answered_by is None:
        raise NotAnsweredYet("You can rate the answer once there is one.")
    comment = values["comment"]
    names = [question.reader_name] if question.reader_name else []
    with UnitOfWork(session):
        row = session.exec(select(AnswerFeedback).where(AnswerFeedback.question_id == question.id)).first()
        replaced = row is not None
        row = row or AnswerFeedback(question_id=question.id, helpful=values["helpful"], created_at=now)
        row.member_id, row.helpful, row.comment, row.updated_at = answered_by, values["helpful"], comment, now
        row.comment_redacted = redact(comment, names).text if comment else None
        session.add(row)
    return {"question": question.id, "helpful": row.helpful, "replaced": replaced}


def _answering_member(session: Session, question: Question) -> int | None:
    """The member whose (latest) answer the reader read; an admin's answer counts for the holder."""
    last = session.exec(select(QuestionMessage).where(QuestionMessage.question_id == question.id,
                                                      QuestionMessage.kind == "answer")
                        .order_by(QuestionMessage.created_at.desc(), QuestionMessage.id.desc())).first()
    if last is None:
        return None
    return last.member_id or question.routed_member_id


def reader_rating(session: Session, token: str) -> dict | None:
    """The reader's current rating, for their status page (their own comment, as written)."""
    question = question_for_token(session, token)
    row = session.exec(select(AnswerFeedback).where(AnswerFeedback.question_id == question.id)).first()
    if row is None:
        return None
    return {"helpful": row.helpful, "comment": row.comment or row.comment_redacted, "updated_at": row.updated_at}


def member_feedback(session: Session, actor: Actor, member_code: str | None = None, limit: int = 200) -> list[dict]:
    """Ratings of a member's answers, newest first: a liaison sees their own member's, an
    admin any member's (or all). The comment as written only for the handling liaison."""
    query = select(AnswerFeedback, Question, Member).join(Question, Question.id == AnswerFeedback.question_id) \
        .join(Member, Member.id == AnswerFeedback.member_id)
    if not actor.is_admin:
        if actor.member_id is None or (member_code and _member_id(session, member_code) != actor.member_id):
            raise NotForYou("Liaisons see the feedback on their own member's answers only.")
        query = query.where(AnswerFeedback.member_id == actor.member_id)
    elif member_code:
        query = query.where(Member.code == member_code.strip().upper())
    rows = session.exec(query.order_by(AnswerFeedback.updated_at.desc(), AnswerFeedback.id.desc()).limit(limit)).all()
    return [_row(feedback, question, member, actor) for feedback, question, member in rows]


def _member_id(session: Session, code: str) -> int | None:
    return session.exec(select(Member.id).where(Member.code == code.strip().upper())).first()


def _row(feedback: AnswerFeedback, question: Question, member: Member, actor: Actor) -> dict:
    handles = question.claimed_by_id is not None and question.claimed_by_id == actor.user_id
    shown = feedback.comment if handles and feedback.comment else feedback.comment_redacted
    return {"question_id": question.id, "member": member.code, "helpful": feedback.helpful, "comment": shown,
            "redacted": not handles, "updated_at": feedback.updated_at}


def forget_scrubbed_comments(session: Session) -> int:
    """Drop comments as written of questions the retention sweep scrubbed; returns how many."""
    rows = session.exec(select(AnswerFeedback).join(Question, Question.id == AnswerFeedback.question_id)
                        .where(Question.scrubbed_at.is_not(None), AnswerFeedback.comment.is_not(None))).all()
    with UnitOfWork(session):
        for row in rows:
            row.comment = None
            session.add(row)
    return len(rows)
