"""The facts a scorecard is computed from, read from the database as plain values
(``consortium.management.measures``). Dates are the consortium's calendar days."""
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, select

from consortium.accounts.models import Member
from consortium.catalogue.models import Holding
from consortium.db.columns import as_aware
from consortium.guides.models import Guide
from consortium.imports.models import Import
from consortium.management.measures import Answer, Facts, Period, Publication, Push, Rating, Refresh
from consortium.management.models import AnswerFeedback
from consortium.reference.models import Question, QuestionEvent


def bounds(period: Period, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The period's first and last instants in the consortium's zone."""
    return (datetime.combine(period.start, time(), zone), datetime.combine(period.end, time(), zone))


def member_codes(session: Session) -> dict[int, str]:
    return dict(session.exec(select(Member.id, Member.code).order_by(Member.code)).all())


def load_facts(session: Session, period: Period, zone: ZoneInfo) -> Facts:
    """Everything that happened in ``period`` (and the KBART refreshes before its end)."""
    start, end = bounds(period, zone)
    codes = member_codes(session)

    def day(value: datetime) -> date:
        return as_aware(value).astimezone(zone).date()

    pushes = tuple(Push(codes[m], day(seen), acquired) for m, seen, acquired in session.exec(
        select(Holding.member_id, Holding.first_seen_at, Holding.acquired_on)
        .where(Holding.first_seen_at >= start, Holding.first_seen_at < end)).all())
    guides = tuple(Publication(codes[m], day(at)) for m, at in session.exec(
        select(Guide.member_id, Guide.published_at).where(Guide.published_at >= start, Guide.published_at < end)).all())
    ratings = tuple(Rating(codes[m], helpful, day(at)) for m, helpful, at in session.exec(
        select(AnswerFeedback.member_id, AnswerFeedback.helpful, AnswerFeedback.updated_at)
        .where(AnswerFeedback.updated_at >= start, AnswerFeedback.updated_at < end,
               AnswerFeedback.member_id.is_not(None))).all())
    refreshes = tuple(Refresh(codes[m], day(at)) for m, at in session.exec(
        select(Import.member_id, Import.finished_at).where(Import.format == "kbart", Import.status == "done",
                                                          Import.finished_at < end)).all())
    return Facts(pushes, guides, _answers(session, start, end, codes, day), ratings, refreshes)


def _answers(session: Session, start: datetime, end: datetime, codes: dict, day) -> tuple[Answer, ...]:
    """Each question's first answer in the period: by the member it was answered for, on time
    when no later than the answer due time the member's working-hours clock set."""
    first = select(QuestionEvent.question_id, func.min(QuestionEvent.id).label("event_id")) \
        .where(QuestionEvent.kind == "answered").group_by(QuestionEvent.question_id).subquery()
    rows = session.exec(select(QuestionEvent, Question).join(first, first.c.event_id == QuestionEvent.id)
                        .join(Question, Question.id == QuestionEvent.question_id)
                        .where(QuestionEvent.created_at >= start, QuestionEvent.created_at < end)).all()
    answers = []
    for event, question in rows:
        member = event.member_id or question.routed_member_id
        if member is None:
            continue
        due = as_aware(question.answer_due_at)
        on_time = due is None or as_aware(event.created_at) <= due + timedelta(seconds=1)
        answers.append(Answer(codes[member], codes.get(question.home_member_id), day(event.created_at), on_time))
    return tuple(answers)
