"""Librarians correct what matching got wrong: split a holding out of its work, merge two works,
answer a review ("the same work" → merge, "different works" → keep apart).

Every correction is one transaction, like a push (``locking``: the works locked in id order,
run again after a lost race), written to the change log (the index follows) and to the audit
trail (``CatalogueDecision``, with the reason). Later pushes keep it: a holding a librarian
placed stays on its work (``Holding.decision_id``), and works kept apart (``WorkApart``) are
never merged by a push. Librarians act on works their member holds; consortium admins on all.
"""
from dataclasses import dataclass

from sqlalchemy import exists, insert, select, update
from sqlalchemy.engine import Connection
from sqlmodel import Session

from consortium.catalogue import locking, matching, writes
from consortium.catalogue.errors import CorrectionRefused, NotYourWork, RaceLost, WorkNotLive
from consortium.catalogue.locking import DEFAULT_CONCURRENCY, Concurrency
from consortium.catalogue.models import CatalogueDecision, MatchReview
from consortium.catalogue.writes import H, W
from consortium.db.columns import utcnow
from consortium.db.uow import UnitOfWork
from consortium.errors import NotFound, PermissionDenied

D, REVIEW = CatalogueDecision.__table__, MatchReview.__table__
MAX_REASON = 2000
STAFF_ROLES = ("librarian", "consortium_admin")


@dataclass(frozen=True)
class Actor:
    """Who corrects: a staff account (``user_id``) acting for a member, an admin, or the
    ``catalogue check`` command (``user_id`` None, admin)."""

    user_id: int | None
    name: str
    role: str
    member_id: int | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "consortium_admin"


CHECK_COMMAND = Actor(None, "consortium catalogue check --repair", "consortium_admin")


def split_holding(session: Session, actor: Actor, holding_id: int, reason: str, *, on_commit=None,
                  concurrency: Concurrency = DEFAULT_CONCURRENCY) -> dict:
    """Move one holding out of its work into a new work of its own, kept apart from the old one.

    Returns ``{"work_id": <new work>, "from_work_id", "decision_id"}``."""
    reason = _reason(reason)

    def attempt() -> dict:
        with UnitOfWork(session) as uow:
            conn = session.connection()
            locking.lock_keys(conn, (), concurrency.lock_timeout)
            row = _holding(conn, holding_id)
            locking.lock_works(conn, [row.work_id])
            if _holding(conn, holding_id).work_id != row.work_id:  # moved by a push meanwhile
                raise RaceLost(f"Holding {holding_id} moved while it was being split.")
            _require_may_act(conn, actor, [row.work_id])
            if conn.execute(select(H.c.id).where(H.c.work_id == row.work_id, H.c.id != row.id)).first() is None:
                raise CorrectionRefused("This is the work's only holding: there is nothing to split it from.",
                                        {"holding": ["only holding"]})
            new_id = _insert_work(conn, row.record)
            decision = record_decision(conn, actor, "split", row.work_id, new_id, reason, holding=(row.member_id, row.local_id))
            conn.execute(update(H).where(H.c.id == row.id).values(work_id=new_id, matched_by="split",
                                                                  decision_id=decision, updated_at=utcnow()))
            writes.add_apart(conn, row.work_id, new_id, decision)
            _log(conn, writes.rederive_works(conn, {row.work_id, new_id}), {}, actor, decision)
            _after(uow, on_commit)
        session.expire_all()
        return {"work_id": new_id, "from_work_id": row.work_id, "decision_id": decision}

    return locking.with_retry(session, attempt, concurrency, "split")


def merge_works(session: Session, actor: Actor, target_id: int, absorbed_id: int, reason: str, *,
                review_id: int | None = None, pin: bool = True, on_commit=None,
                concurrency: Concurrency = DEFAULT_CONCURRENCY) -> dict:
    """Merge work ``absorbed_id`` into ``target_id``: every holding moves, the absorbed id
    redirects, and (``pin``: a librarian's merge) the moved holdings stay on the merged work
    whatever later pushes say."""
    reason = _reason(reason)
    if target_id == absorbed_id:
        raise CorrectionRefused("A work cannot be merged into itself.", {"work_id": ["same work"]})

    def attempt() -> dict:
        with UnitOfWork(session) as uow:
            conn = session.connection()
            locking.lock_keys(conn, (), concurrency.lock_timeout)
            decision = _merge(conn, actor, target_id, absorbed_id, reason, review_id, pin)
            _after(uow, on_commit)
        session.expire_all()
        return {"work_id": target_id, "merged_work_id": absorbed_id, "decision_id": decision}

    return locking.with_retry(session, attempt, concurrency, "merge")


def _merge(conn: Connection, actor: Actor, target_id: int, absorbed_id: int, reason: str,
           review_id: int | None, pin: bool = True) -> int:
    _lock_live(conn, [target_id, absorbed_id])
    _require_may_act(conn, actor, [target_id, absorbed_id])
    carriers = dict(conn.execute(select(W.c.id, W.c.carrier).where(W.c.id.in_([target_id, absorbed_id]))).all())
    if not matching.carriers_compatible(carriers[target_id], carriers[absorbed_id]):
        raise CorrectionRefused("Print, electronic and audio-visual editions stay separate works.",
                                {"work_id": ["other carrier"]})
    decision = record_decision(conn, actor, "merge", target_id, absorbed_id, reason, review=review_id)
    if pin:
        conn.execute(update(H).where(H.c.work_id == absorbed_id).values(decision_id=decision, matched_by="merge"))
    writes.move_work(conn, absorbed_id, target_id)
    _log(conn, writes.rederive_works(conn, {target_id}), {absorbed_id: ("merge", {"into": target_id})}, actor,
         decision)
    return decision


def answer_review(session: Session, actor: Actor, review_id: int, answer: str, reason: str, *, on_commit=None,
                  concurrency: Concurrency = DEFAULT_CONCURRENCY) -> dict:
    """``answer`` "merge" (one work: the younger merges into the older) or "apart" (two works:
    kept apart from now on). Returns ``{"status", "work_id", "decision_id"}``."""
    reason = _reason(reason)
    if answer not in ("merge", "apart"):
        raise CorrectionRefused("Answer a review with merge or apart.", {"answer": ["merge", "apart"]})

    def attempt() -> dict:
        with UnitOfWork(session) as uow:
            conn = session.connection()
            locking.lock_keys(conn, (), concurrency.lock_timeout)
            review = conn.execute(select(REVIEW).where(REVIEW.c.id == review_id)).mappings().first()
            if review is None:
                raise NotFound("There is no such review.", {"review_id": [str(review_id)]})
            if review["status"] != "open":
                raise WorkNotLive("This review was answered already.", {"review": [review["status"]]})
            low, high = review["work_low"], review["work_high"]
            if answer == "merge":
                decision = _merge(conn, actor, low, high, reason, review_id)
            else:
                _lock_live(conn, [low, high])
                _require_may_act(conn, actor, [low, high])
                decision = record_decision(conn, actor, "apart", low, high, reason, review=review_id)
                writes.add_apart(conn, low, high, decision)
            conn.execute(update(REVIEW).where(REVIEW.c.id == review_id)
                         .values(status="merged" if answer == "merge" else "apart", resolved_at=utcnow()))
            _after(uow, on_commit)
        session.expire_all()
        return {"status": "merged" if answer == "merge" else "apart", "work_id": low, "decision_id": decision}

    return locking.with_retry(session, attempt, concurrency, "review answer")


def may_act_on(conn: Connection, actor: Actor, work_ids: list[int]) -> bool:
    """Admins act on every work; librarians on works their member holds (one of them, for a pair)."""
    if actor.role not in STAFF_ROLES:
        return False
    if actor.is_admin:
        return True
    if actor.member_id is None:
        return False
    held = select(H.c.id).where(H.c.member_id == actor.member_id, H.c.work_id.in_(work_ids))
    return bool(conn.execute(select(exists(held))).scalar())


def _require_may_act(conn: Connection, actor: Actor, work_ids: list[int]) -> None:
    if actor.role not in STAFF_ROLES:
        raise PermissionDenied("Only librarians and consortium administrators correct the catalogue.")
    if not may_act_on(conn, actor, work_ids):
        raise NotYourWork("Librarians correct works their own library holds.")


def _holding(conn: Connection, holding_id: int):
    row = conn.execute(select(H.c.id, H.c.work_id, H.c.member_id, H.c.local_id, H.c.record)
                       .where(H.c.id == holding_id)).first()
    if row is None:
        raise NotFound("There is no such holding.", {"holding_id": [str(holding_id)]})
    return row


def _lock_live(conn: Connection, work_ids: list[int]) -> None:
    """Lock the works; one merged away or gone since it was shown is refused (not retried)."""
    found = dict(conn.execute(select(W.c.id, W.c.merged_into_id).where(W.c.id.in_(work_ids))).all())
    for work_id in work_ids:
        if work_id not in found:
            raise NotFound("There is no such work.", {"work_id": [str(work_id)]})
        if found[work_id] is not None:
            raise WorkNotLive("The work was merged into another since the page was shown; reload the page.",
                              {"work_id": [str(work_id)], "merged_into": [str(found[work_id])]})
    locking.lock_works(conn, work_ids)


def _insert_work(conn: Connection, record: dict) -> int:
    derived = matching.derive_work([record])
    now = utcnow()
    values = {**derived, **writes.keys_of(derived), "created_at": now, "updated_at": now}
    return conn.execute(insert(W).returning(W.c.id), values).scalar_one()


def record_decision(conn: Connection, actor: Actor, action: str, work_id: int, other_id: int | None, reason: str,
            holding: tuple | None = None, review: int | None = None) -> int:
    values = {"action": action, "work_id": work_id, "other_work_id": other_id, "reason": reason,
              "user_id": actor.user_id, "actor": actor.name[:254], "member_id": actor.member_id,
              "review_id": review, "created_at": utcnow(),
              "holding_member_id": holding[0] if holding else None, "holding_local_id": holding[1] if holding else None}
    return conn.execute(insert(D).returning(D.c.id), values).scalar_one()


def _log(conn: Connection, derived: dict[int, str], merged: dict, actor: Actor, decision: int) -> None:
    actions = {work_id: (action, {"decision": decision}) for work_id, action in derived.items()}
    actions.update({work_id: (action, {**payload, "decision": decision}) for work_id, (action, payload) in merged.items()})
    writes.write_change_log(conn, actions, actor.member_id, None)


def _reason(reason) -> str:
    text = " ".join(str(reason or "").split())
    if not text:
        raise CorrectionRefused("Say why: the reason is kept in the catalogue's audit trail.",
                                {"reason": ["required"]})
    if len(text) > MAX_REASON:
        raise CorrectionRefused(f"A reason may have at most {MAX_REASON} characters.", {"reason": ["too long"]})
    return text


def _after(uow: UnitOfWork, on_commit) -> None:
    if on_commit is not None:
        uow.after_commit(on_commit)
