"""Reading published guides: the public guide page, the guides feed and embeds.

A guide is public only while published. Picked works are listed in the librarian's order
with the guide member's call number; a saved-search guide is filled by the search port
(``None`` results when search is not wired in: callers say so instead of failing).
"""
import datetime as dt

from sqlmodel import Session, select

from consortium.accounts.models import Member
from consortium.catalogue.models import Holding, Work
from consortium.catalogue.works import WORK_FIELDS
from consortium.errors import NotFound
from consortium.guides.models import Guide, GuideItem
from consortium.guides.service import fits_id, get_guide, guide_dates, saved_search_params


def published_guides(session: Session, member: str | None = None, clc: str | None = None,
                     limit: int = 50, offset: int = 0) -> list[tuple[Guide, Member]]:
    """Published guides, most recently updated first."""
    stmt = (select(Guide, Member).join(Member, Member.id == Guide.member_id)
            .where(Guide.state == "published"))
    if member:
        stmt = stmt.where(Member.code == member)
    if clc:
        stmt = stmt.where(Guide.clc.startswith(clc, autoescape=True))
    stmt = stmt.order_by(Guide.updated_at.desc(), Guide.id.desc()).limit(limit).offset(offset)
    return list(session.exec(stmt).all())


def public_guide(session: Session, guide_id: int) -> tuple[Guide, Member]:
    guide = session.get(Guide, guide_id) if fits_id(guide_id) else None
    if guide is None or guide.state != "published":
        raise NotFound(f"There is no published guide {guide_id}.")
    return guide, session.get(Member, guide.member_id)


def picked_items(session: Session, guide: Guide) -> list[dict]:
    """Picked works in order: work fields, commentary, and the guide member's holding."""
    rows = session.exec(select(GuideItem, Work).join(Work, Work.id == GuideItem.work_id)
                        .where(GuideItem.guide_id == guide.id)
                        .order_by(GuideItem.position, GuideItem.id)).all()
    work_ids = [w.id for _i, w in rows]
    own = {}
    if work_ids:
        for h in session.exec(select(Holding).where(Holding.work_id.in_(work_ids),
                                                    Holding.member_id == guide.member_id)).all():
            own.setdefault(h.work_id, h)
    items = []
    for item, work in rows:
        holding = own.get(work.id)
        items.append({"item_id": item.id, "commentary": item.commentary,
                      "work": {name: getattr(work, name) for name in WORK_FIELDS},
                      "work_id": work.merged_into_id or work.id,
                      "call_number": holding.call_number if holding else None})
    return items


def search_items(search_port, guide: Guide, today: dt.date, limit: int = 20) -> list[dict] | None:
    """A saved-search guide's current results, or None when search is not available."""
    if search_port is None:
        return None
    answer = search_port.search(saved_search_params(guide, today, per_page=limit))
    items = []
    for result in answer.get("results", [])[:limit]:
        holdings = result.get("holdings") or []
        items.append({"item_id": None, "commentary": "", "work": result, "work_id": result["id"],
                      "call_number": holdings[0].get("call_number") if holdings else None})
    return items


def guide_view(session: Session, guide: Guide, member: Member, search_port, today: dt.date) -> dict:
    """Everything a page, feed entry or widget shows of one guide."""
    published, updated = guide_dates(guide)
    items = picked_items(session, guide) if guide.kind == "picked" else search_items(search_port, guide, today)
    return {"id": guide.id, "title": guide.title, "intro_html": guide.intro_html, "clc": guide.clc,
            "audience": guide.audience, "language": guide.language, "kind": guide.kind, "state": guide.state,
            "member": member.code, "member_name": member.name, "member_name_en": member.name_en,
            "published": published, "updated": updated, "items": items,
            "search_available": items is not None}


def draft_view(session: Session, actor, guide_id: int, search_port, today: dt.date) -> tuple[dict, Member]:
    """A guide the actor may edit, as its public page would show it whatever its state (the
    editor's preview: what readers will see once it is published)."""
    guide = get_guide(session, actor, guide_id)
    member = session.get(Member, guide.member_id)
    return guide_view(session, guide, member, search_port, today), member
