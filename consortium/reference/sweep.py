"""The scheduled sweep of the queue: reminders, escalation, opening to all, retention scrub.

``sweep(session, now=..., settings=...)`` is what ``consortium sweep`` and the background job
"sweep" run; ``now`` is always passed in, so tests step through time without patching clocks.
"""
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from consortium.accounts.models import User
from consortium.db.columns import as_aware
from consortium.db.uow import UnitOfWork
from consortium.reference import notices as reference_mail
from consortium.reference.common import (
    ReferenceSettings,
    calendar_for,
    default_calendar,
    profile_of,
    record_event,
    set_due_times,
)
from consortium.reference.models import Question, QuestionMessage, ReferenceProfile
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
    scrubbed: int = 0

    def __str__(self) -> str:
        return (f"{self.reminded} reminded, {self.escalated} escalated to another member, {self.pooled} sent to the pool, "
                f"{self.opened_to_all} opened to every member, {self.scrubbed} scrubbed")


def sweep(session: Session, *, now: datetime, settings: ReferenceSettings, search=None) -> SweepReport:
    report = SweepReport()
    unclaimed = session.exec(select(Question).where(Question.status == "new").order_by(Question.id)).all()
    for question in unclaimed:
        _sweep_unclaimed(session, question, now, settings, search, report)
    claimed = session.exec(select(Question).where(Question.status == "claimed", Question.reminded_at.is_(None))
                           .order_by(Question.id)).all()
    for question in claimed:
        _remind_claimer(session, question, now, settings, report)
    scrub_expired(session, now=now, report=report)
    if report.reminded or report.escalated or report.pooled or report.opened_to_all or report.scrubbed:
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
    if target is None:
        report.pooled += 1
    else:
        report.escalated += 1


def scrub_expired(session: Session, *, now: datetime, report: SweepReport | None = None) -> int:
    """Remove readers' names and e-mails from closed questions past the member's retention."""
    profiles = {p.member_id: p.retention_days for p in session.exec(select(ReferenceProfile)).all()}
    closed = session.exec(select(Question).where(Question.status == "closed", Question.scrubbed_at.is_(None),
                                                 Question.closed_at.is_not(None))).all()
    count = 0
    for question in closed:
        days = profiles.get(question.routed_member_id) or profiles.get(question.home_member_id) or 365
        if as_aware(question.closed_at) + timedelta(days=days) > now:
            continue
        with UnitOfWork(session):
            _scrub(session, question, now, days)
        count += 1
    if report is not None:
        report.scrubbed += count
    return count


def _scrub(session: Session, question: Question, now: datetime, days: int) -> None:

    names = [question.reader_name] if question.reader_name else []
    question.text = redact(question.text, names).text
    for message in session.exec(select(QuestionMessage).where(QuestionMessage.question_id == question.id,
                                                              QuestionMessage.kind == "reader_reply")).all():
        message.body_html = redact(message.body_html, names).text
        session.add(message)
    question.reader_name = None
    question.reader_email = None
    question.scrubbed_at = now
    question.updated_at = now
    record_event(session, question, "scrubbed", now, member_id=question.routed_member_id,
                 reasons={"retention_days": days})
