"""What librarians read to correct matching: the review queue, a work with its holdings as
staff see them (how each was matched, the holding ids to split), and the audit trail.

Librarians see the reviews and corrections of works their member holds; admins see all.
"""
from sqlalchemy import exists, func, or_
from sqlmodel import Session, select

from consortium.accounts.models import Member, User
from consortium.catalogue.corrections import Actor, may_act_on
from consortium.catalogue.models import CatalogueDecision, Holding, MatchReview, Work
from consortium.catalogue.works import WORK_FIELDS, other_editions, resolve_work
from consortium.db.columns import as_aware

SUMMARY_FIELDS = ("id", "title", "subtitle", "edition", "authors", "publisher", "year", "format", "isbns", "issns")
STATUSES = ("open", "merged", "apart")
PAGE = 50


def list_reviews(session: Session, actor: Actor, status: str = "open", page: int = 1) -> dict:
    """``{"status", "page", "total", "reviews": [...]}``: each review with both works summed up."""
    status = status if status in STATUSES else "open"
    query = select(MatchReview).where(MatchReview.status == status)
    if not actor.is_admin:
        query = query.where(exists().where(Holding.member_id == actor.member_id,
                                           or_(Holding.work_id == MatchReview.work_low,
                                               Holding.work_id == MatchReview.work_high)))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    page = max(1, page)
    rows = session.exec(query.order_by(MatchReview.id.desc()).offset((page - 1) * PAGE).limit(PAGE)).all()
    works = _summaries(session, {i for r in rows for i in (r.work_low, r.work_high)})
    codes = _member_codes(session)
    return {"status": status, "page": page, "per_page": PAGE, "total": total,
            "reviews": [_review(r, works, codes) for r in rows]}


def _review(review: MatchReview, works: dict, codes: dict) -> dict:
    return {"id": review.id, "reason": review.reason, "identifier": review.identifier, "status": review.status,
            "member": codes.get(review.member_id), "local_id": review.local_id,
            "created_at": as_aware(review.created_at).isoformat(),
            "resolved_at": as_aware(review.resolved_at).isoformat() if review.resolved_at else None,
            "works": [works.get(review.work_low), works.get(review.work_high)]}


def staff_work(session: Session, actor: Actor, work_id: int) -> dict:
    """One work as staff correct it: its description, every holding (id, member, local id, how
    matched, the decision that placed it), its other editions, the decisions about it, and
    whether the caller may correct it. A merged-away id raises ``WorkMerged``."""
    work = resolve_work(session, work_id)
    codes = _member_codes(session)
    holdings = session.exec(select(Holding).where(Holding.work_id == work.id).order_by(Holding.id)).all()
    data = {name: getattr(work, name) for name in WORK_FIELDS}
    data["holdings"] = [{"id": h.id, "member": codes.get(h.member_id), "local_id": h.local_id,
                         "matched_by": h.matched_by, "decision_id": h.decision_id,
                         "title": h.record.get("title"), "edition": h.record.get("edition"),
                         "year": h.record.get("year"), "format": h.format,
                         "isbns": h.record.get("isbns") or [], "issns": h.record.get("issns") or []}
                        for h in holdings]
    data["other_editions"] = other_editions(session, work)
    data["decisions"] = decisions(session, work.id)
    data["may_correct"] = may_act_on(session.connection(), actor, [work.id])
    return data


def decisions(session: Session, work_id: int, limit: int = 100) -> list[dict]:
    """The audit trail of one work: every decision naming it, newest first."""
    rows = session.exec(select(CatalogueDecision, User.email).join(User, User.id == CatalogueDecision.user_id,
                                                                   isouter=True)
                        .where(or_(CatalogueDecision.work_id == work_id, CatalogueDecision.other_work_id == work_id))
                        .order_by(CatalogueDecision.id.desc()).limit(limit)).all()
    codes = _member_codes(session)
    return [{"id": d.id, "action": d.action, "work_id": d.work_id, "other_work_id": d.other_work_id,
             "holding": ({"member": codes.get(d.holding_member_id), "local_id": d.holding_local_id}
                         if d.holding_local_id else None),
             "reason": d.reason, "actor": email or d.actor, "member": codes.get(d.member_id),
             "review_id": d.review_id, "created_at": as_aware(d.created_at).isoformat()} for d, email in rows]


def _summaries(session: Session, ids: set[int]) -> dict[int, dict]:
    if not ids:
        return {}
    works = session.exec(select(Work).where(Work.id.in_(sorted(ids)))).all()
    counts = dict(session.exec(select(Holding.work_id, func.count()).where(Holding.work_id.in_(sorted(ids)))
                               .group_by(Holding.work_id)).all())
    members = {}
    for work_id, code in session.exec(select(Holding.work_id, Member.code).join(Member, Member.id == Holding.member_id)
                                      .where(Holding.work_id.in_(sorted(ids))).distinct()).all():
        members.setdefault(work_id, []).append(code)
    return {w.id: {**{name: getattr(w, name) for name in SUMMARY_FIELDS}, "merged_into_id": w.merged_into_id,
                   "holdings": counts.get(w.id, 0), "members": sorted(members.get(w.id, []))} for w in works}


def _member_codes(session: Session) -> dict[int, str]:
    return dict(session.exec(select(Member.id, Member.code)).all())
