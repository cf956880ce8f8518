"""Reading the union catalogue: one work with all its holdings, how each holding was matched
(a librarian's decision with its reason), and the other editions of its family."""
from sqlalchemy import exists
from sqlmodel import Session, select

from consortium.accounts.models import Member
from consortium.catalogue.models import CatalogueDecision, Holding, Work
from consortium.catalogue.normalise import title_tokens
from consortium.db.columns import as_aware
from consortium.errors import UnknownWork, WorkMerged

WORK_FIELDS = ("id", "title", "subtitle", "edition", "authors", "publisher", "year", "language", "format",
               "isbns", "issns", "clc", "subjects", "summary")
EDITION_FIELDS = ("id", "title", "subtitle", "edition", "publisher", "year", "format")
MAX_OTHER_EDITIONS = 20
MAX_FAMILY = 500  # works of one family weighed for the list


def resolve_work(session: Session, work_id: int) -> Work:
    """The live work with this id; a merged id raises ``WorkMerged`` naming its final target."""
    # ids are 32-bit integers in the database; a larger number cannot name a work
    work = session.get(Work, work_id) if 0 < work_id < 2**31 else None
    if work is None:
        raise UnknownWork(f"There is no work {work_id}.")
    seen = {work_id}
    target = work
    while target.merged_into_id is not None and target.merged_into_id not in seen:
        seen.add(target.merged_into_id)
        target = session.get(Work, target.merged_into_id)
    if target.id != work_id:
        raise WorkMerged(work_id, target.id)
    return work


def work_holdings(session: Session, work_id: int, home_member: str | None = None) -> list[dict]:
    """Holdings of a work as plain dicts, the reader's home member first, then by member code."""
    rows = session.exec(
        select(Holding, Member).join(Member, Member.id == Holding.member_id).where(Holding.work_id == work_id)
    ).all()
    decisions = _decisions(session, {h.decision_id for h, _m in rows if h.decision_id is not None})
    holdings = [{**holding_dict(h, m), "decision": decisions.get(h.decision_id)} for h, m in rows]
    holdings.sort(key=lambda h: (h["member"] != home_member, h["member"], h["local_id"]))
    return holdings


def holding_dict(holding: Holding, member: Member) -> dict:
    first_seen = as_aware(holding.first_seen_at)
    return {
        "member": member.code,
        "member_name": member.name,
        "member_name_en": member.name_en,
        "local_id": holding.local_id,
        "format": holding.format,
        "call_number": holding.call_number,
        "location": holding.location,
        "copies": holding.copies,
        "available": holding.available,
        "url": holding.url,
        "access": holding.access,
        "coverage": holding.coverage,
        "acquired_on": holding.acquired_on.isoformat() if holding.acquired_on else None,
        "first_seen_at": first_seen.isoformat() if first_seen else None,
        "matched_by": holding.matched_by,
    }


def get_work(session: Session, work_id: int, home_member: str | None = None) -> dict:
    """One work with all its holdings; ``UnknownWork`` also for a work no member holds any more."""
    work = resolve_work(session, work_id)
    holdings = work_holdings(session, work.id, home_member)
    if not holdings:
        raise UnknownWork(f"Work {work_id} is no longer held by any member.")
    data = {name: getattr(work, name) for name in WORK_FIELDS}
    data["holdings"] = holdings
    data["other_editions"] = other_editions(session, work)
    return data


def other_editions(session: Session, work: Work) -> list[dict]:
    """Live, held works of the same title and first author (``Work.family_key``): its other
    editions, kept apart by matching. A classic has hundreds, so the closest come first: the
    same publisher's, then those stating an edition, then the same language's, newest first."""
    if not work.family_key:
        return []
    held = exists().where(Holding.work_id == Work.id)
    rows = session.exec(select(Work).where(Work.family_key == work.family_key, Work.id != work.id,
                                           Work.merged_into_id.is_(None), held)
                        .order_by(Work.id).limit(MAX_FAMILY)).all()
    publisher = title_tokens(work.publisher)

    def closeness(other: Work):
        return (not publisher.isdisjoint(title_tokens(other.publisher)), bool(other.edition),
                other.language == work.language, other.year or 0, -other.id)

    rows = sorted(rows, key=closeness, reverse=True)[:MAX_OTHER_EDITIONS]
    return [{name: getattr(row, name) for name in EDITION_FIELDS} for row in rows]


def _decisions(session: Session, ids: set[int]) -> dict[int, dict]:
    """What the public sees of librarians' decisions: the action, the reason and when."""
    if not ids:
        return {}
    rows = session.exec(select(CatalogueDecision).where(CatalogueDecision.id.in_(sorted(ids)))).all()
    return {d.id: {"action": d.action, "reason": d.reason, "created_at": as_aware(d.created_at).isoformat()}
            for d in rows}
