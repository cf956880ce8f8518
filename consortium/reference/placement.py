"""Gathering routing facts from the database and the search port, then asking ``routing.route``.

The pure decision lives in ``consortium.routing``; this module only collects, per member:
its profile, open load, reciprocity counts, holdings of works named in the question (the
``work_identifier`` table, and the search port's ``count_matching`` when one is registered)
and whether it is open now or soon.
"""
import logging
from collections import Counter
from datetime import datetime

from sqlalchemy import func, or_
from sqlmodel import Session, select

from consortium.accounts.models import Member
from consortium.catalogue.models import Holding, Work, WorkIdentifier
from consortium.reference.common import ReferenceSettings, calendar_for
from consortium.reference.models import Question, QuestionEvent, ReferenceProfile
from consortium.reference.question_text import Identifiers, find_identifiers, infer_clc
from consortium.reference.routing import Candidate, Decision, QuestionFacts, route
from consortium.reference.states import OPEN_STATES

log = logging.getLogger(__name__)
# An answer given by a member other than the reader's home counts as "for others";
# a transfer away from a member counts as "referred out".
_REFERRAL_KINDS = ("transferred", "returned")


def identifier_holdings(session: Session, identifiers: Identifiers) -> Counter:
    """Per member id: how many works carrying one of the ISBNs/ISSNs it holds."""
    values = [("isbn", v) for v in identifiers.isbns] + [("issn", v) for v in identifiers.issns]
    if not values:
        return Counter()
    kinds_values = [WorkIdentifier.value.in_([v for k, v in values if k == kind]) & (WorkIdentifier.kind == kind)
                    for kind in {k for k, _v in values}]

    rows = session.exec(
        select(Holding.member_id, func.count(func.distinct(Holding.work_id)))
        .join(WorkIdentifier, WorkIdentifier.work_id == Holding.work_id)
        .where(or_(*kinds_values)).group_by(Holding.member_id)
    ).all()
    return Counter({member_id: n for member_id, n in rows})


def search_holdings(search, text: str, identifiers: Identifiers) -> dict[str, int]:
    """The search port's counts per member code; an absent or failing port counts nothing."""
    if search is None:
        return {}
    try:
        return dict(search.count_matching(text, identifiers.as_list()))
    except Exception:  # the index is derived data: routing must work without it
        log.warning("search port failed during routing; routing without the holdings-by-words signal",
                    exc_info=True)
        return {}


def open_counts(session: Session) -> Counter:
    rows = session.exec(select(Question.routed_member_id, func.count()).where(
        Question.status.in_(sorted(OPEN_STATES)), Question.routed_member_id.is_not(None))
        .group_by(Question.routed_member_id)).all()
    return Counter({m: n for m, n in rows})


def reciprocity_counts(session: Session) -> tuple[Counter, Counter]:
    """(answered for others, referred out) per member id, from the history."""
    answered = session.exec(
        select(QuestionEvent.member_id, func.count()).join(Question, Question.id == QuestionEvent.question_id)
        .where(QuestionEvent.kind == "answered", QuestionEvent.member_id != Question.home_member_id)
        .group_by(QuestionEvent.member_id)).all()
    referred = session.exec(
        select(QuestionEvent.from_member_id, func.count())
        .where(QuestionEvent.kind.in_(_REFERRAL_KINDS), QuestionEvent.from_member_id.is_not(None))
        .group_by(QuestionEvent.from_member_id)).all()
    return Counter({m: n for m, n in answered}), Counter({m: n for m, n in referred})


def declined_members(session: Session, question_id: int) -> set[int]:
    """Members that transferred, returned or let this question escalate away."""
    rows = session.exec(select(QuestionEvent.from_member_id).where(
        QuestionEvent.question_id == question_id,
        QuestionEvent.kind.in_(("transferred", "returned", "escalated")),
        QuestionEvent.from_member_id.is_not(None))).all()
    return set(rows)


def work_holders(session: Session, work_id: int | None) -> set[int]:
    """Member ids holding the work a question was asked about (none when no work was chosen)."""
    if work_id is None:
        return set()
    return set(session.exec(select(Holding.member_id).where(Holding.work_id == work_id).distinct()).all())


def question_clc(session: Session, text: str, work_id: int | None) -> str | None:
    """The chosen work's CLC class, else one inferred from the question's words."""
    if work_id is not None:
        work = session.get(Work, work_id)
        if work is not None and work.clc:
            return work.clc
    return infer_clc(text)


def build_candidates(session: Session, text: str, identifiers: Identifiers, now: datetime,
                     settings: ReferenceSettings, search=None, members=None,
                     holders: set[int] = frozenset()) -> list[Candidate]:
    members = members if members is not None else session.exec(select(Member)).all()
    profiles = {p.member_id: p for p in session.exec(select(ReferenceProfile)).all()}
    exact = identifier_holdings(session, identifiers)
    related = search_holdings(search, text, identifiers)
    load = open_counts(session)
    answered, referred = reciprocity_counts(session)
    return [_candidate(m, profiles.get(m.id), exact[m.id], related.get(m.code, 0), load[m.id],
                       answered[m.id], referred[m.id], now, settings, m.id in holders) for m in members]


def _candidate(member, profile, exact, related, load, answered, referred, now, settings, holds=False) -> Candidate:
    calendar = calendar_for(profile, settings)
    open_now = calendar.is_open(now)
    try:
        wait = 0.0 if open_now else (calendar.next_open(now) - now).total_seconds() / 3600
    except ValueError:  # a calendar that never opens
        wait = None
    return Candidate(
        code=member.code,
        strengths=dict(profile.strengths) if profile else {},
        languages=frozenset(profile.languages) if profile else frozenset({"zh"}),
        capacity=profile.capacity if profile else 10,
        open_count=load, open_now=open_now, hours_until_open=wait,
        exact_holdings=exact, related_holdings=related, holds_chosen_work=holds,
        answered_for_others=answered, referred_out=referred,
        accepts=profile.accepts_questions if profile else True,
    )


def decide(session: Session, question: Question, now: datetime, settings: ReferenceSettings,
           search=None, also_exclude: set[int] = frozenset()) -> Decision:
    """Route a question: its facts, every member's candidate, the pure decision."""
    identifiers = find_identifiers(question.text)
    excluded_ids = (declined_members(session, question.id) if question.id else set()) | set(also_exclude)
    members = session.exec(select(Member)).all()
    codes = {m.id: m.code for m in members}
    home = codes.get(question.home_member_id)
    holders = work_holders(session, question.work_id)
    facts = QuestionFacts(home_member=home, clc=question.clc, language=question.language,
                          has_identifiers=bool(identifiers.isbns or identifiers.issns),
                          has_chosen_work=bool(holders),
                          excluded=frozenset(codes[i] for i in excluded_ids if i in codes))
    candidates = build_candidates(session, question.text, identifiers, now, settings, search, members, holders)
    return route(facts, candidates, settings.weights)


def member_id_for(session: Session, code: str | None) -> int | None:
    if code is None:
        return None
    return session.exec(select(Member.id).where(Member.code == code)).first()
