"""Reading the union catalogue for OAI-PMH: works by id order, their holders, their state.

A work's OAI status is derived, never stored: it is *deleted* when it was merged into another
(``merged_into_id``) or no member holds it any more; its datestamp is ``Work.updated_at``,
which every push, withdrawal and merge touching it moves forward.

Set ``member:<CODE>`` holds the works that member holds now, plus the works it held once
(the change log keeps one row per work a member's push or withdrawal touched): those appear
in that set as deleted, while the work may live on in other members' sets.
"""
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exists, func, or_
from sqlmodel import Session, select

from consortium.accounts.models import Member
from consortium.catalogue.models import ChangeLog, Holding, Work
from consortium.catalogue.works import WORK_FIELDS
from consortium.db.columns import as_aware


@dataclass(frozen=True)
class Selection:
    """Which works a list request covers: a datestamp window and optionally one member."""

    start: datetime | None = None
    end: datetime | None = None
    member_id: int | None = None
    member_code: str | None = None


@dataclass
class Entry:
    """One work as OAI-PMH sees it; ``work`` (fields + holdings) only when asked for."""

    work_id: int
    datestamp: datetime
    deleted: bool
    member_codes: list = field(default_factory=list)
    work: dict | None = None


def _where(query, selection: Selection):
    if selection.start is not None:
        query = query.where(Work.updated_at >= selection.start)
    if selection.end is not None:
        query = query.where(Work.updated_at < selection.end)
    if selection.member_id is not None:
        holds = exists().where(Holding.work_id == Work.id, Holding.member_id == selection.member_id)
        held = exists().where(ChangeLog.entity == "work", ChangeLog.entity_id == Work.id,
                              ChangeLog.member_id == selection.member_id)
        query = query.where(or_(holds, held))
    return query


def count_works(session: Session, selection: Selection) -> int:
    return session.exec(_where(select(func.count()).select_from(Work), selection)).one()


def list_entries(session: Session, selection: Selection, after_id: int, limit: int,
                 with_metadata: bool) -> list[Entry]:
    """Up to ``limit`` entries with ids above ``after_id``, in id order (stable keyset paging)."""
    columns = (Work,) if with_metadata else (Work.id, Work.updated_at, Work.merged_into_id)
    query = _where(select(*columns).where(Work.id > after_id), selection).order_by(Work.id).limit(limit)
    rows = session.exec(query).all()
    works = rows if with_metadata else [_Bare(*row) for row in rows]
    return _entries(session, works, selection.member_code, with_metadata)


def get_entry(session: Session, work_id: int, with_metadata: bool) -> Entry | None:
    work = session.get(Work, work_id)
    return None if work is None else _entries(session, [work], None, with_metadata)[0]


class _Bare:
    """The three columns a header needs, shaped like a Work."""

    def __init__(self, id, updated_at, merged_into_id):
        self.id, self.updated_at, self.merged_into_id = id, updated_at, merged_into_id


def _entries(session, works, member_code: str | None, with_metadata: bool) -> list[Entry]:
    holdings = _holdings(session, [w.id for w in works])
    entries = []
    for work in works:
        held = holdings.get(work.id, [])
        codes = sorted({h["member"] for h in held})
        deleted = work.merged_into_id is not None or not held or (member_code is not None and member_code not in codes)
        # a deleted header names only the set asked for: the work left it, whoever holds it now
        entry = Entry(work.id, as_aware(work.updated_at), deleted,
                      ([member_code] if member_code else []) if deleted else codes)
        if with_metadata and not deleted:
            entry.work = _work_dict(work, held)
        entries.append(entry)
    return entries


def _holdings(session, work_ids: list[int]) -> dict[int, list[dict]]:
    if not work_ids:
        return {}
    rows = session.exec(
        select(Holding.work_id, Member.code, Holding.call_number, Holding.location, Holding.url, Holding.access)
        .join(Member, Member.id == Holding.member_id)
        .where(Holding.work_id.in_(work_ids))
        .order_by(Holding.work_id, Member.code, Holding.local_id)
    ).all()
    found: dict[int, list[dict]] = {}
    for work_id, code, call_number, location, url, access in rows:
        found.setdefault(work_id, []).append(
            {"member": code, "call_number": call_number, "location": location, "url": url, "access": access})
    return found


def _work_dict(work: Work, holdings: list[dict]) -> dict:
    data = {name: getattr(work, name) for name in WORK_FIELDS}
    data["created_at"] = as_aware(work.created_at)
    data["updated_at"] = as_aware(work.updated_at)
    data["holdings"] = holdings
    return data


def member_sets(session: Session) -> list[Member]:
    return list(session.exec(select(Member).order_by(Member.code)).all())


def find_member_id(session: Session, code: str) -> int | None:
    return session.exec(select(Member.id).where(Member.code == code)).first()


def earliest_datestamp(session: Session) -> datetime | None:
    return as_aware(session.exec(select(func.min(Work.updated_at))).one())


