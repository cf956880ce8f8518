"""New arrivals, read from the database (DESIGN.md "Feeds").

"New" is the date the member acquired the item (``holding.acquired_on``), else the day the
consortium first saw the holding (``holding.first_seen_at``, set once and never moved by a
re-push). ``scope="member"`` lists holdings new at a member; ``scope="consortium"`` lists
works new to the consortium, dated by their earliest holding. Merged-away works and works
nobody holds are never listed.
"""
import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import Date, func
from sqlmodel import Session, select

from consortium.models import Holding, Member, Work
from consortium.models.base import as_aware
from consortium.services.works import WORK_FIELDS, holding_dict


@dataclass(frozen=True)
class ArrivalQuery:
    member: str | None = None
    clc: str | None = None
    format: str | None = None
    language: str | None = None
    since: dt.date | None = None
    scope: str = "member"


@dataclass
class Arrival:
    """One new arrival: ``key`` is stable (``holding/<id>`` or ``work/<id>``)."""

    key: str
    work: dict
    holding: dict
    published: dt.datetime
    updated: dt.datetime


def _new_on():
    """The "new" day of a holding as SQL: acquisition date, else the day first seen (UTC)."""
    return func.coalesce(Holding.acquired_on, func.date(Holding.first_seen_at), type_=Date)


def new_arrivals(session: Session, query: ArrivalQuery, limit: int, offset: int = 0) -> list[Arrival]:
    """Newest first; ``limit``/``offset`` page through them (ask for one extra to see a next page)."""
    if query.scope == "consortium":
        return _new_to_consortium(session, query, limit, offset)
    return _new_at_members(session, query, limit, offset)


def _work_filters(stmt, query: ArrivalQuery):
    stmt = stmt.where(Work.merged_into_id.is_(None))
    if query.clc:
        stmt = stmt.where(Work.clc.startswith(query.clc, autoescape=True))
    if query.language:
        stmt = stmt.where(Work.language == query.language)
    return stmt


def _new_at_members(session, query, limit, offset) -> list[Arrival]:
    new_on = _new_on()
    stmt = (select(Holding, Work, Member).join(Work, Work.id == Holding.work_id)
            .join(Member, Member.id == Holding.member_id))
    stmt = _work_filters(stmt, query)
    if query.member:
        stmt = stmt.where(Member.code == query.member)
    if query.format:
        stmt = stmt.where(Holding.format == query.format)
    if query.since:
        stmt = stmt.where(new_on >= query.since)
    stmt = stmt.order_by(new_on.desc(), Holding.first_seen_at.desc(), Holding.id.desc()).limit(limit).offset(offset)
    return [_arrival(f"holding/{h.id}", w, h, m) for h, w, m in session.exec(stmt).all()]


def _new_to_consortium(session, query, limit, offset) -> list[Arrival]:
    first_on = func.min(_new_on()).label("first_on")
    firsts = select(Holding.work_id, first_on).group_by(Holding.work_id).subquery()
    stmt = select(Work).join(firsts, firsts.c.work_id == Work.id)
    stmt = _work_filters(stmt, query)
    if query.member:
        held = select(Holding.work_id).join(Member, Member.id == Holding.member_id).where(Member.code == query.member)
        stmt = stmt.where(Work.id.in_(held))
    if query.format:
        stmt = stmt.where(Work.format == query.format)
    if query.since:
        stmt = stmt.where(firsts.c.first_on >= query.since)
    stmt = stmt.order_by(firsts.c.first_on.desc(), Work.id.desc()).limit(limit).offset(offset)
    works = list(session.exec(stmt).all())
    earliest = _earliest_holdings(session, [w.id for w in works])
    return [_arrival(f"work/{w.id}", w, *earliest[w.id]) for w in works]


def _earliest_holdings(session, work_ids: list[int]) -> dict[int, tuple[Holding, Member]]:
    rows = session.exec(select(Holding, Member).join(Member, Member.id == Holding.member_id)
                        .where(Holding.work_id.in_(work_ids))).all() if work_ids else []
    best: dict[int, tuple[Holding, Member]] = {}
    for holding, member in rows:
        key = (new_day(holding), as_aware(holding.first_seen_at), holding.id)
        current = best.get(holding.work_id)
        if current is None or key < (new_day(current[0]), as_aware(current[0].first_seen_at), current[0].id):
            best[holding.work_id] = (holding, member)
    return best


def new_day(holding: Holding) -> dt.date:
    return holding.acquired_on or as_aware(holding.first_seen_at).date()


def arrival_dates(holding: Holding, member_timezone: str) -> tuple[dt.datetime, dt.datetime]:
    """(published, updated): the acquisition day at midnight where the member is (else the
    moment first seen), and the later of that and the moment the consortium first saw it."""
    first_seen = as_aware(holding.first_seen_at)
    if holding.acquired_on is None:
        return first_seen, first_seen
    try:
        zone = ZoneInfo(member_timezone)
    except (KeyError, ValueError):
        zone = ZoneInfo("Asia/Shanghai")
    published = dt.datetime.combine(holding.acquired_on, dt.time(0), zone).astimezone(dt.timezone.utc)
    return published, max(published, first_seen)


def _arrival(key: str, work: Work, holding: Holding, member: Member) -> Arrival:
    published, updated = arrival_dates(holding, member.timezone)
    return Arrival(key=key, work={name: getattr(work, name) for name in WORK_FIELDS},
                   holding=holding_dict(holding, member), published=published, updated=updated)
