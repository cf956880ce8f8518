"""New arrivals, read from the database (DESIGN.md "Feeds").

"New" is the date the member acquired the item (``holding.acquired_on``), else the day the
consortium first saw the holding (``holding.first_seen_at``, set once and never moved by a
re-push). ``scope="member"`` lists holdings new at a member; ``scope="consortium"`` lists
works new to the consortium, dated by their earliest holding. Merged-away works and works
nobody holds are never listed.
"""
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import Date, and_, func, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Session, select

from consortium.accounts.models import Member
from consortium.catalogue.models import Holding, Work
from consortium.db.columns import as_aware

# Only what a feed entry shows: never the holdings' stored records (large JSON documents).
WORK_COLUMNS = ("id", "title", "subtitle", "authors", "publisher", "year", "language", "format", "clc", "summary")
HOLDING_COLUMNS = ("id", "work_id", "member_id", "format", "call_number", "location", "acquired_on",
                   "first_seen_at")


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


class utc_day(FunctionElement):
    """The UTC calendar day of a timestamp, written so that an index may hold it: PostgreSQL
    accepts only immutable expressions in an index, and ``date(timestamptz)`` is not one."""

    type = Date()
    inherit_cache = True
    name = "utc_day"


@compiles(utc_day)
def _utc_day(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)})"


@compiles(utc_day, "postgresql")
def _utc_day_postgresql(element, compiler, **kw):
    return f"CAST(({compiler.process(element.clauses, **kw)} AT TIME ZONE 'UTC') AS DATE)"


@lru_cache(maxsize=1)
def _new_on():
    """The "new" day of a holding as SQL: acquisition date, else the day first seen (UTC).

    Migration 0004 indexes exactly this expression (``ix_holding_new_on``): keep them equal.
    """
    return _new_on_of(Holding)


def new_arrivals(session: Session, query: ArrivalQuery, limit: int, offset: int = 0) -> list[Arrival]:
    """Newest first; ``limit``/``offset`` page through them (ask for one extra to see a next page)."""
    if query.scope == "consortium":
        return _new_to_consortium(session, query, limit, offset)
    return _new_at_members(session, query, limit, offset)


def _work_filters(stmt, query: ArrivalQuery):
    # "merged_into_id IS NULL" written as an expression: SQLite would otherwise drive the
    # query from ix_work_merged_into_id and sort every holding instead of walking
    # ix_holding_new_on newest first (ids start at 1, so 0 means "not merged").
    stmt = stmt.where(func.coalesce(Work.merged_into_id, 0) == 0)
    if query.clc:
        stmt = stmt.where(Work.clc.startswith(query.clc, autoescape=True))
    if query.language:
        stmt = stmt.where(Work.language == query.language)
    return stmt


def _columns():
    return ([getattr(Work, n) for n in WORK_COLUMNS] + [getattr(Holding, n) for n in HOLDING_COLUMNS])


def _split(row) -> tuple[dict, dict]:
    values = list(row)
    work = dict(zip(WORK_COLUMNS, values[:len(WORK_COLUMNS)]))
    holding = dict(zip(HOLDING_COLUMNS, values[len(WORK_COLUMNS):]))
    return work, holding


def _new_at_members(session, query, limit, offset) -> list[Arrival]:
    new_on = _new_on()
    stmt = select(*_columns()).join(Work, Work.id == Holding.work_id)
    stmt = _work_filters(stmt, query)
    members = _members(session)
    if query.member:
        stmt = stmt.where(Holding.member_id == _member_id(members, query.member))
    if query.format:
        stmt = stmt.where(Holding.format == query.format)
    if query.since:
        stmt = stmt.where(new_on >= query.since)
    stmt = stmt.order_by(new_on.desc(), Holding.first_seen_at.desc(), Holding.id.desc()).limit(limit).offset(offset)
    rows = [_split(row) for row in session.exec(stmt).all()]
    return [_arrival(f"holding/{h['id']}", w, h, members[h["member_id"]]) for w, h in rows]


def _members(session) -> dict[int, Member]:
    return {m.id: m for m in session.exec(select(Member)).all()}


def _member_id(members: dict, code: str) -> int:
    return next((m.id for m in members.values() if m.code == code), -1)


def _new_on_of(holding):
    return func.coalesce(holding.acquired_on, utc_day(holding.first_seen_at), type_=Date)


def _new_to_consortium(session, query, limit, offset) -> list[Arrival]:
    """Walk holdings newest first keeping only each work's earliest holding (no earlier one
    exists), so one page is read through ix_holding_new_on instead of grouping every holding."""
    new_on, other = _new_on(), aliased(Holding)
    other_on = _new_on_of(other)
    earlier = select(other.id).where(other.work_id == Holding.work_id, or_(
        other_on < new_on, and_(other_on == new_on, or_(
            other.first_seen_at < Holding.first_seen_at,
            and_(other.first_seen_at == Holding.first_seen_at, other.id < Holding.id)))))
    stmt = select(*_columns()).join(Work, Work.id == Holding.work_id).where(~earlier.exists())
    stmt = _work_filters(stmt, query)
    members = _members(session)
    if query.member:
        held = aliased(Holding)
        stmt = stmt.where(Holding.work_id.in_(select(held.work_id).where(
            held.member_id == _member_id(members, query.member))))
    if query.format:
        stmt = stmt.where(Work.format == query.format)
    if query.since:
        stmt = stmt.where(new_on >= query.since)
    stmt = stmt.order_by(new_on.desc(), Holding.first_seen_at.desc(), Holding.id.desc()).limit(limit).offset(offset)
    rows = [_split(row) for row in session.exec(stmt).all()]
    return [_arrival(f"work/{w['id']}", w, h, members[h["member_id"]]) for w, h in rows]


def new_day(holding: Holding) -> dt.date:
    return holding.acquired_on or as_aware(holding.first_seen_at).date()


def arrival_dates(holding, member_timezone: str) -> tuple[dt.datetime, dt.datetime]:
    """(published, updated) of a holding (object or column dict): the acquisition day at
    midnight where the member is (else the moment first seen), and the later of that and the
    moment the consortium first saw it."""
    get = holding.get if isinstance(holding, dict) else lambda name: getattr(holding, name)
    first_seen = as_aware(get("first_seen_at"))
    if get("acquired_on") is None:
        return first_seen, first_seen
    try:
        zone = ZoneInfo(member_timezone)
    except (KeyError, ValueError):
        zone = ZoneInfo("Asia/Shanghai")
    published = dt.datetime.combine(get("acquired_on"), dt.time(0), zone).astimezone(dt.timezone.utc)
    return published, max(published, first_seen)


def _arrival(key: str, work: dict, holding: dict, member: Member) -> Arrival:
    published, updated = arrival_dates(holding, member.timezone)
    # A batch's holdings share one first-seen moment; a feed reader needs each entry's
    # ``updated`` distinct and in the feed's order (id descending): the holding id's last three
    # digits in microseconds do that, and stay the same on every request.
    updated += dt.timedelta(microseconds=holding["id"] % 1000)
    shown = {"member": member.code, "member_name": member.name, "member_name_en": member.name_en,
             "call_number": holding["call_number"], "location": holding["location"], "format": holding["format"],
             "acquired_on": holding["acquired_on"].isoformat() if holding["acquired_on"] else None}
    return Arrival(key=key, work=work, holding=shown, published=published, updated=updated)


@dataclass
class WorkArrival:
    """One work new in the window with every member that newly holds it (newest first)."""

    work: dict
    holders: list[dict]
    newest: dt.date


def grouped_arrivals(session: Session, query: ArrivalQuery, limit: int, offset: int = 0) -> list[WorkArrival]:
    """New arrivals grouped by work, newest first, paged by work (``limit + 1`` shows a next page).

    ``member`` keeps works new at that member, ``format`` and ``clc`` filter as the feeds do;
    each work lists all its holders new in the window, the chosen member first.
    """
    members = _members(session)
    new_on = _new_on()
    newest = func.max(new_on).label("newest")
    stmt = select(Holding.work_id, newest).join(Work, Work.id == Holding.work_id)
    stmt = _work_filters(stmt, query)
    stmt = _holding_filters(stmt, query, members, new_on)
    stmt = stmt.group_by(Holding.work_id).order_by(newest.desc(), Holding.work_id.desc()).limit(limit).offset(offset)
    page = session.exec(stmt).all()
    if not page:
        return []
    ids = [work_id for work_id, _newest in page]
    rows = session.exec(select(*_columns()).join(Work, Work.id == Holding.work_id)
                        .where(Holding.work_id.in_(ids), new_on >= (query.since or dt.date.min))).all()
    works, holders = {}, {}
    for work, holding in (_split(row) for row in rows):
        works[work["id"]] = work
        holders.setdefault(work["id"], []).append(_arrival("", work, holding, members[holding["member_id"]]).holding)
    chosen = query.member
    return [WorkArrival(works[w], sorted(holders[w], key=lambda h: (h["member"] != chosen, h["member"])), _day(day))
            for w, day in page if w in works]


def _holding_filters(stmt, query: ArrivalQuery, members: dict, new_on):
    if query.scope == "consortium" and query.since:
        older = aliased(Holding)
        stmt = stmt.where(~select(older.id).where(older.work_id == Holding.work_id,
                                                  _new_on_of(older) < query.since).exists())
    if query.member:
        stmt = stmt.where(Holding.member_id == _member_id(members, query.member))
    if query.format:
        stmt = stmt.where(Holding.format == query.format)
    if query.since:
        stmt = stmt.where(new_on >= query.since)
    return stmt


def _day(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def subject_counts(session: Session, since: dt.date | None, member: str | None = None) -> list[tuple[str, int]]:
    """New works per CLC main class in the window (most first): the portal's subject shortcuts."""
    members = _members(session)
    main = func.substr(Work.clc, 1, 1)
    stmt = select(main, func.count(func.distinct(Holding.work_id))).join(Work, Work.id == Holding.work_id)
    stmt = _work_filters(stmt, ArrivalQuery()).where(Work.clc.is_not(None))
    stmt = _holding_filters(stmt, ArrivalQuery(member=member, since=since), members, _new_on())
    rows = session.exec(stmt.group_by(main).order_by(func.count(func.distinct(Holding.work_id)).desc(), main)).all()
    return [(cls, n) for cls, n in rows if cls]
