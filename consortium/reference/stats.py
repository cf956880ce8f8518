"""Statistics of the queue per member and period, from the append-only history.

Events survive the retention scrub (they hold no reader data), so statistics stay intact.
"""
import csv
import io
import statistics
from datetime import datetime

from sqlmodel import Session, select

from consortium.accounts.models import Member
from consortium.db.columns import as_aware
from consortium.errors import PermissionDenied
from consortium.reference.common import Actor, ReferenceSettings, calendar_for, profile_of
from consortium.reference.models import Question, QuestionEvent
from consortium.reference.queue import is_overdue

COLUMNS = ("member", "received", "answered", "transferred_in", "transferred_out", "median_hours_first_response",
           "median_hours_answer", "overdue", "reciprocity_balance")


def member_stats(session: Session, actor: Actor, start: datetime, end: datetime, *, now: datetime,
                 settings: ReferenceSettings, member_code: str | None = None) -> list[dict]:
    """One row per member (admins: all members, or one; liaisons: their own only)."""
    members = session.exec(select(Member).order_by(Member.code)).all()
    if not actor.is_admin:
        members = [m for m in members if m.id == actor.member_id]
        if member_code and (not members or members[0].code != member_code.upper()):
            raise PermissionDenied("Staff see the statistics of their own member only.")
    elif member_code:
        members = [m for m in members if m.code == member_code.upper()]
    events = session.exec(select(QuestionEvent).where(QuestionEvent.created_at >= start,
                                                      QuestionEvent.created_at < end)).all()
    questions = {q.id: q for q in session.exec(select(Question)).all()}
    return [_row(session, m, events, questions, now, settings) for m in members]


def _row(session: Session, member: Member, events, questions: dict, now: datetime, settings) -> dict:
    mine = [e for e in events if e.member_id == member.id]
    received = {e.question_id for e in mine if e.kind in ("routed", "transferred", "escalated", "claimed")}
    answered = {e.question_id for e in mine if e.kind == "answered"}
    transferred_in = sum(1 for e in mine if e.kind == "transferred")
    transferred_out = sum(1 for e in events if e.kind in ("transferred", "returned") and e.from_member_id == member.id)
    answered_for_others = sum(1 for qid in answered if questions[qid].home_member_id != member.id)
    calendar = calendar_for(profile_of(session, member.id), settings)
    first, full = [], []
    for qid in received:
        q = questions[qid]
        if q.routed_member_id != member.id:
            continue
        if q.first_response_at:
            first.append(calendar.working_hours_between(as_aware(q.created_at), as_aware(q.first_response_at)))
        if q.answered_at:
            full.append(calendar.working_hours_between(as_aware(q.created_at), as_aware(q.answered_at)))
    overdue = sum(1 for q in questions.values() if q.routed_member_id == member.id and _overdue(q, now))
    return {"member": member.code, "received": len(received), "answered": len(answered),
            "transferred_in": transferred_in, "transferred_out": transferred_out,
            "median_hours_first_response": _median(first), "median_hours_answer": _median(full),
            "overdue": overdue, "reciprocity_balance": answered_for_others - transferred_out}


def _overdue(question: Question, now: datetime) -> bool:

    return is_overdue(question, now)


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 2) if values else None


def stats_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if row[k] is None else row[k]) for k in COLUMNS})
    return out.getvalue()
