"""The scheduled sweep of the queue: reminders, escalation, opening to all, retention scrub.

``sweep(session, now=..., settings=...)`` is what ``consortium sweep`` and the background job
"sweep" run; ``now`` is always passed in, so tests step through time without patching clocks.

Retention: a closed question keeps its reader's data for its member's ``retention_days``
(``Retention.days`` without a profile); then the scrub removes everything that identifies the
reader wherever it is stored — name and address, personal data in the question, in every
message of the conversation (the liaison's answers and notes too), in free-text reasons of its
history and in its knowledge-base entry, and every mail about it (outbox rows, and the copies a
mail backend keeps, through ``forget_files``). A question nobody closes (answered, waiting for
a reader who never replied, never claimed) is closed by the sweep once it has been idle for
``Retention.abandon_after_days``, so its retention clock starts too.
"""
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from consortium.accounts.models import User
from consortium.db.columns import as_aware
from consortium.db.engine import flush_erased
from consortium.db.uow import UnitOfWork
from consortium.mail.outbox import forget_mails
from consortium.reference import notices as reference_mail
from consortium.reference.common import (
    ReferenceSettings,
    calendar_for,
    default_calendar,
    profile_of,
    record_event,
    set_due_times,
)
from consortium.reference.models import (
    KnowledgeEntry,
    Question,
    QuestionEvent,
    QuestionMessage,
    ReferenceProfile,
)
from consortium.reference.placement import decide, member_id_for
from consortium.reference.redaction import redact
from consortium.reference.states import transition

log = logging.getLogger(__name__)


@dataclass
class SweepReport:
    reminded: int = 0
    escalated: int = 0
    pooled: int = 0
    opened_to_all: int = 0
    abandoned: int = 0
    scrubbed: int = 0

    def __str__(self) -> str:
        return (f"{self.reminded} reminded, {self.escalated} escalated to another member, {self.pooled} sent to the pool, "
                f"{self.opened_to_all} opened to every member, {self.abandoned} closed as abandoned, "
                f"{self.scrubbed} scrubbed")


@dataclass(frozen=True)
class Retention:
    """Days a closed question keeps its reader's data when its member has no profile, and days
    of idleness after which a question nobody closed is closed as abandoned."""

    days: int = 365
    abandon_after_days: int = 180


def sweep(session: Session, *, now: datetime, settings: ReferenceSettings, search=None,
          retention: Retention = Retention(), forget_files: Callable[[list[str]], object] | None = None) -> SweepReport:
    """One pass; ``forget_files(refs)`` erases a mail backend's copies of the scrubbed
    questions' mails (``consortium.mail.forget_delivered``), after each scrub's commit."""
    report = SweepReport()
    # first, so that a question idle for months is closed rather than escalated or reminded
    close_abandoned(session, now=now, retention=retention, report=report)
    unclaimed = session.exec(select(Question).where(Question.status == "new").order_by(Question.id)).all()
    for question in unclaimed:
        _sweep_unclaimed(session, question, now, settings, search, report)
    claimed = session.exec(select(Question).where(Question.status == "claimed", Question.reminded_at.is_(None))
                           .order_by(Question.id)).all()
    for question in claimed:
        _remind_claimer(session, question, now, settings, report)
    scrub_expired(session, now=now, report=report, retention=retention, forget_files=forget_files)
    if (report.reminded or report.escalated or report.pooled or report.opened_to_all or report.abandoned
            or report.scrubbed):
        log.info("reference sweep: %s", report)
    return report


def _sweep_unclaimed(session, question: Question, now, settings, search, report: SweepReport) -> None:
    if not question.open_to_all and _unclaimed_too_long(question, now, settings):
        with UnitOfWork(session):
            question.open_to_all = True
            question.updated_at = now
            record_event(session, question, "escalated", now, member_id=question.routed_member_id,
                         reasons={"to": "all", "why": f"unclaimed for {settings.open_to_all_days} working days"})
            reference_mail.liaisons_routed(session, question, settings, "reference.open_to_all")
        report.opened_to_all += 1
        return
    if question.routed_member_id is None or question.open_to_all:
        return
    due = as_aware(question.first_response_due_at)
    if due is not None and due < now:
        _escalate(session, question, now, settings, search, report)
    elif due is not None and question.reminded_at is None and _due_soon(session, question, due, now, settings):
        with UnitOfWork(session):
            question.reminded_at = now
            record_event(session, question, "reminded", now, member_id=question.routed_member_id)
            reference_mail.liaisons_reminder(session, question, settings)
        report.reminded += 1


def _remind_claimer(session, question: Question, now: datetime, settings: ReferenceSettings,
                    report: SweepReport) -> None:
    due = as_aware(question.answer_due_at)
    if due is None or not _due_soon(session, question, due, now, settings):
        return
    claimer = session.get(User, question.claimed_by_id) if question.claimed_by_id else None
    with UnitOfWork(session):
        question.reminded_at = now
        record_event(session, question, "reminded", now, member_id=question.routed_member_id,
                     reasons={"due": "answer"})
        reference_mail.liaisons_reminder(session, question, settings, claimer.email if claimer else None)
    report.reminded += 1


def _unclaimed_too_long(question: Question, now: datetime, settings: ReferenceSettings) -> bool:
    deadline = default_calendar(settings).add_working_days(as_aware(question.created_at), settings.open_to_all_days)
    return now >= deadline


def _due_soon(session, question: Question, due: datetime, now: datetime, settings: ReferenceSettings) -> bool:
    calendar = calendar_for(profile_of(session, question.routed_member_id), settings)
    return calendar.working_hours_between(now, due) <= settings.remind_before_hours


def _escalate(session, question: Question, now, settings, search, report: SweepReport) -> None:
    """Past its first-response due time unclaimed: the next best member, else the pool."""
    current = question.routed_member_id
    decision = decide(session, question, now, settings, search, also_exclude={current})
    target = member_id_for(session, decision.chosen)
    with UnitOfWork(session):
        question.status = transition(question.status, "escalate")
        question.routed_member_id = target
        question.routing = decision.as_dict()
        question.updated_at = now
        set_due_times(session, question, now, settings)
        record_event(session, question, "escalated", now, member_id=target, from_member_id=current,
                     reasons={"to": decision.chosen or "pool", "why": "first response overdue",
                              "ranking": decision.as_dict()["ranking"][:3]})
        if target is not None:
            reference_mail.liaisons_routed(session, question, settings, "reference.escalated")
            reference_mail.reader_moved(session, question, current)
    if target is None:
        report.pooled += 1
    else:
        report.escalated += 1


def close_abandoned(session: Session, *, now: datetime, retention: Retention = Retention(),
                    report: SweepReport | None = None) -> int:
    """Close every question not closed and idle (``updated_at``) for ``abandon_after_days``."""
    cutoff = now - timedelta(days=retention.abandon_after_days)
    idle = session.exec(select(Question).where(Question.status != "closed", Question.updated_at < cutoff)
                        .order_by(Question.id)).all()
    for question in idle:
        with UnitOfWork(session):
            question.status = transition(question.status, "close")
            question.closed_at = question.updated_at = now
            question.paused_at = None
            record_event(session, question, "closed", now, member_id=question.routed_member_id,
                         reasons={"why": "abandoned", "idle_days": retention.abandon_after_days})
    if report is not None:
        report.abandoned += len(idle)
    return len(idle)


def scrub_expired(session: Session, *, now: datetime, report: SweepReport | None = None,
                  retention: Retention = Retention(), forget_files: Callable[[list[str]], object] | None = None) -> int:
    """Remove everything identifying the reader from closed questions past their retention."""
    profiles = {p.member_id: p.retention_days for p in session.exec(select(ReferenceProfile)).all()}
    closed = session.exec(select(Question).where(Question.status == "closed", Question.scrubbed_at.is_(None),
                                                 Question.closed_at.is_not(None))).all()
    count = 0
    for question in closed:
        days = profiles.get(question.routed_member_id) or profiles.get(question.home_member_id) or retention.days
        if as_aware(question.closed_at) + timedelta(days=days) > now:
            continue
        refs = [f"question:{question.id}"]
        with UnitOfWork(session) as uow:
            _scrub(session, question, now, days)
            forget_mails(session, refs)
            if forget_files is not None:
                uow.after_commit(lambda refs=refs: forget_files(refs))
        count += 1
    if count:
        # The rows are rewritten; the database's own log may still hold them as they were.
        flush_erased(session.get_bind())
    if report is not None:
        report.scrubbed += count
    return count


def _scrub(session: Session, question: Question, now: datetime, days: int) -> None:
    names = [question.reader_name] if question.reader_name else []
    question.text = redact(question.text, names).text
    # Every message: the reader's replies, and the liaison's answers, clarifications and notes,
    # which address the reader by name and quote their phone or ID number.
    for message in session.exec(select(QuestionMessage).where(QuestionMessage.question_id == question.id)).all():
        message.body_html = redact(message.body_html, names).text
        if message.body_md:
            message.body_md = redact(message.body_md, names).text
        session.add(message)
    # History rows are otherwise never changed; their free-text reasons (a transfer's "the
    # reader, 张三, phone …") are the exception the retention promise makes.
    for event in session.exec(select(QuestionEvent).where(QuestionEvent.question_id == question.id)).all():
        scrubbed = _redact_values(event.reasons, names)
        if scrubbed != event.reasons:
            event.reasons = scrubbed
            session.add(event)
    entry = session.exec(select(KnowledgeEntry).where(KnowledgeEntry.question_id == question.id)).first()
    if entry is not None:
        entry.title = redact(entry.title, names).text
        entry.question_html = redact(entry.question_html, names).text
        entry.answer_html = redact(entry.answer_html, names).text
        if entry.answer_md:
            entry.answer_md = redact(entry.answer_md, names).text
        session.add(entry)
    question.reader_name = None
    question.reader_email = None
    question.scrubbed_at = now
    question.updated_at = now
    record_event(session, question, "scrubbed", now, member_id=question.routed_member_id,
                 reasons={"retention_days": days})


def _redact_values(value, names: list[str]):
    """``value`` (JSON: dicts, lists, strings) with every string redacted."""
    if isinstance(value, str):
        return redact(value, names).text
    if isinstance(value, dict):
        return {key: _redact_values(item, names) for key, item in value.items()}
    if isinstance(value, list):
        return [_redact_values(item, names) for item in value]
    return value
