"""The catalogue service: validate, match into union works, upsert holdings, log changes.

Everything one call does is one transaction; the change-log rows that the indexer and the
feeds follow are written in it, so a rolled-back push never reaches them.
"""
import hashlib
import json
from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlmodel import Session

from consortium.accounts.models import Member
from consortium.catalogue import normalise, store
from consortium.catalogue.models import PushBatch
from consortium.catalogue.schema import load_record
from consortium.db.uow import UnitOfWork
from consortium.errors import NotFound, TooLarge


@dataclass
class BatchResult:
    batch_id: int | None = None
    accepted: int = 0
    unchanged: int = 0
    rejected: list = field(default_factory=list)
    works: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"batch_id": self.batch_id, "accepted": self.accepted, "unchanged": self.unchanged,
                "rejected": self.rejected, "works": self.works}


class _Changes:
    """Works changed in this transaction, logged once each at the end (a merge wins)."""

    def __init__(self):
        self.actions: dict[int, tuple[str, dict]] = {}
        self.rederive: set[int] = set()

    def merged(self, absorbed: int, target: int) -> None:
        self.actions[absorbed] = ("merge", {"into": target})
        self.rederive.discard(absorbed)
        self.rederive.add(target)

    def derived(self, outcome: dict[int, str]) -> None:
        for work_id, action in outcome.items():
            if self.actions.get(work_id, ("",))[0] != "merge":
                self.actions[work_id] = (action, {})


def ingest_batch(session: Session, member: Member, raw_records: list, *, source: str = "api",
                 max_batch: int = 1000, on_commit=None, received_at=None) -> BatchResult:
    """Push a batch of records for one member; bad records are reported, good ones stored.

    ``received_at`` (default: now) is when the consortium first saw the new holdings: the demo's
    year of activity pushes batches as of past days, for the scorecards' "pushed on time"."""
    if len(raw_records) > max_batch:
        raise TooLarge(f"A batch may carry at most {max_batch} records; this one has {len(raw_records)}.")
    result = BatchResult()
    good = _validate(raw_records, result)
    with UnitOfWork(session) as uow:
        conn = session.connection()
        view = store.CatalogueView(conn, member.id)
        view.preload([record for record, _key in good], {key for _record, key in good})
        changes = _Changes()
        inserts, updates = _place_records(view, good, changes, result)
        view.flush()
        store.update_holdings(conn, updates)
        fresh = store.fresh_works(view, list(inserts.values()), updates)
        # the new holdings' records are at hand: works are re-derived before they are written
        changes.derived(store.rederive_works(conn, changes.rederive, fresh, unwritten=list(inserts.values())))
        store.insert_holdings(conn, member.id, list(inserts.values()), seen_at=received_at)
        batch = _record_batch(session, member, source, len(raw_records), result)
        store.write_change_log(conn, changes.actions, member.id, batch.id)
        result.batch_id = batch.id
        if on_commit is not None:
            uow.after_commit(on_commit)
    session.expire_all()  # rows were written with Core: forget any stale ORM copies
    return result


def _validate(raw_records: list, result: BatchResult) -> list[tuple[dict, str]]:
    """Valid records with their title keys; the others go to ``result.rejected``."""
    good = []
    for index, raw in enumerate(raw_records):
        record, errors = load_record(raw)
        if errors:
            local_id = raw.get("local_id") if isinstance(raw, dict) else None
            result.rejected.append({"index": index, "local_id": local_id, "errors": errors})
            continue
        good.append((record, normalise.match_key(record["title"], record["authors"], record.get("year"))))
    return good


def _place_records(view: store.CatalogueView, good, changes: _Changes, result: BatchResult):
    """Decide each record's work in file order; a later record sees the works earlier ones made."""
    inserts: dict[str, dict] = {}
    updates: list[dict] = []
    for record, key in good:
        digest = _record_hash(record)
        existing = view.holdings.get(record["local_id"])
        if existing is not None and existing["record_hash"] == digest:
            result.unchanged += 1
            result.accepted += 1
            result.works.append(_work_ref(record, existing["work_id"], existing["matched_by"]))
            continue
        decision = view.decide(record, key)
        target = decision.target_id or view.new_work(record, key)
        for absorbed in decision.absorb_ids:
            view.merge(absorbed, target)
            changes.merged(absorbed, target)
            for pending in inserts.values():
                pending["work_id"] = target if pending["work_id"] == absorbed else pending["work_id"]
        view.attach(target, record, key)
        values = store.holding_values(record, digest, target, decision.matched_by)
        if existing is None:
            inserts[record["local_id"]] = {"local_id": record["local_id"], **values}
            view.holdings[record["local_id"]] = {"id": None, "work_id": target, "record_hash": digest,
                                                 "matched_by": decision.matched_by}
        elif existing["id"] is None:  # the same local_id twice in one batch: the later one wins
            inserts[record["local_id"]].update(values)
        else:
            updates.append({"hid": existing["id"], **values})
            changes.rederive.add(existing["work_id"])
        changes.rederive.add(target)
        result.accepted += 1
        result.works.append(_work_ref(record, target, decision.matched_by))
    return inserts, updates


def _work_ref(record: dict, work_id: int, matched_by: str) -> dict:
    return {"local_id": record["local_id"], "work_id": work_id, "matched_by": matched_by}


def withdraw_holding(session: Session, member: Member, local_id: str, *, on_commit=None) -> int:
    """Remove a member's holding; returns the work id it belonged to."""
    with UnitOfWork(session) as uow:
        conn = session.connection()
        row = conn.execute(select(store.H.c.id, store.H.c.work_id).where(
            store.H.c.member_id == member.id, store.H.c.local_id == local_id)).first()
        if row is None:
            raise NotFound(f"Member {member.code} has no record {local_id!r}.")
        conn.execute(delete(store.H).where(store.H.c.id == row.id))
        changes = _Changes()
        changes.derived(store.rederive_works(conn, {row.work_id}))
        store.write_change_log(conn, changes.actions, member.id, None)
        if on_commit is not None:
            uow.after_commit(on_commit)
    session.expire_all()
    return row.work_id


def _record_batch(session, member, source, received, result) -> PushBatch:
    batch = PushBatch(member_id=member.id, source=source, received=received, accepted=result.accepted,
                      unchanged=result.unchanged, rejected=len(result.rejected), rejections=result.rejected)
    session.add(batch)
    session.flush()
    return batch


def _record_hash(record: dict) -> str:
    return hashlib.sha256(json.dumps(record, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
