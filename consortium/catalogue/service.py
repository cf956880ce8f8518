"""The catalogue service: validate, match into union works, upsert holdings, log changes.

Everything one call does is one transaction; the change-log rows that the indexer and the
feeds follow are written in it, so a rolled-back push never reaches them. Transactions take
their locks as ``locking`` describes and run again (bounded) when a concurrent one won.
"""
import hashlib
import json
from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlmodel import Session

from consortium.accounts.models import Member
from consortium.catalogue import locking, store, writes
from consortium.catalogue.locking import DEFAULT_CONCURRENCY, Concurrency
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
    reviews: int = 0

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
                 max_batch: int = 1000, on_commit=None, concurrency: Concurrency = DEFAULT_CONCURRENCY,
                 received_at=None) -> BatchResult:
    """Push a batch of records for one member; bad records are reported, good ones stored.

    ``received_at`` (default: now) is when the consortium first saw the new holdings: the demo's
    year of activity pushes batches as of past days, for the scorecards' "pushed on time"."""
    if len(raw_records) > max_batch:
        raise TooLarge(f"A batch may carry at most {max_batch} records; this one has {len(raw_records)}.")
    rejected: list = []
    good = _validate(raw_records, rejected)
    member_id, received = member.id, len(raw_records)

    def attempt() -> BatchResult:
        result = BatchResult(rejected=list(rejected))
        with UnitOfWork(session) as uow:
            _ingest(session, member_id, good, result, source, received, concurrency, received_at)
            if on_commit is not None:
                uow.after_commit(on_commit)
        session.expire_all()  # rows were written with Core: forget any stale ORM copies
        return result

    return locking.with_retry(session, attempt, concurrency, "push")


def _ingest(session: Session, member_id: int, good: list, result: BatchResult, source: str, received: int,
            concurrency: Concurrency, received_at=None) -> None:
    conn = session.connection()
    locking.lock_keys(conn, store.lock_keys_of(member_id, good), concurrency.lock_timeout)
    view = store.CatalogueView(conn, member_id)
    view.preload([record for record, _key in good], {key for _record, key in good})
    changes = _Changes()
    inserts, updates, doubts = _place_records(view, good, changes, result)
    locking.lock_works(conn, view.touched)
    view.flush()
    view.write_merges()
    store.update_holdings(conn, updates)
    fresh = store.fresh_works(view, list(inserts.values()), updates)
    # the new holdings' records are at hand: works are re-derived before they are written
    changes.derived(writes.rederive_works(conn, changes.rederive, fresh, unwritten=list(inserts.values())))
    store.insert_holdings(conn, member_id, list(inserts.values()), seen_at=received_at)
    result.reviews = writes.add_reviews(conn, [{**d, "work_id": view.final(d["work_id"]),
                                                "other_id": view.final(d["other_id"])} for d in doubts])
    batch = _record_batch(session, member_id, source, received, result)
    writes.write_change_log(conn, changes.actions, member_id, batch.id)
    result.batch_id = batch.id


def _validate(raw_records: list, rejected: list) -> list[tuple[dict, str | None]]:
    """Valid records with their title keys; the others go to ``rejected``."""
    good = []
    for index, raw in enumerate(raw_records):
        record, errors = load_record(raw)
        if errors:
            local_id = raw.get("local_id") if isinstance(raw, dict) else None
            rejected.append({"index": index, "local_id": local_id, "errors": errors})
            continue
        good.append((record, store.match_key_of(record)))
    return good


def _place_records(view: store.CatalogueView, good, changes: _Changes, result: BatchResult):
    """Decide each record's work in file order; a later record sees the works earlier ones made."""
    inserts: dict[str, dict] = {}
    updates: list[dict] = []
    doubts: list[dict] = []
    for record, key in good:
        digest = _record_hash(record)
        existing = view.holdings.get(record["local_id"])
        if existing is not None and existing["record_hash"] == digest:
            result.unchanged += 1
            result.accepted += 1
            result.works.append(_work_ref(record, view.final(existing["work_id"]), existing["matched_by"]))
            continue
        target, matched_by = _place(view, record, key, existing, changes, inserts, doubts)
        values = store.holding_values(record, digest, target, matched_by)
        if existing is None:
            inserts[record["local_id"]] = {"local_id": record["local_id"], **values}
            view.holdings[record["local_id"]] = {"id": None, "work_id": target, "record_hash": digest,
                                                 "matched_by": matched_by, "decision_id": None}
        elif existing["id"] is None:  # the same local_id twice in one batch: the later one wins
            inserts[record["local_id"]].update(values)
        else:
            updates.append({"hid": existing["id"], **values})
            view.touch(existing["work_id"])
            changes.rederive.add(existing["work_id"])
        changes.rederive.add(target)
        result.accepted += 1
        result.works.append(_work_ref(record, target, matched_by))
    return inserts, updates, doubts


def _place(view: store.CatalogueView, record: dict, key: str | None, existing: dict | None, changes: _Changes,
           inserts: dict, doubts: list) -> tuple[int, str]:
    """The work a record goes to and why; a holding a librarian placed stays where it is."""
    if existing is not None and existing.get("decision_id") is not None:
        target = view.final(existing["work_id"])
        view.attach(target, record, key)
        return target, existing["matched_by"]
    decision, probe = view.decide(record, key)
    target = decision.target_id or view.new_work(record, key, probe)
    for absorbed in decision.absorb_ids:
        view.merge(absorbed, target)
        changes.merged(absorbed, target)
        for pending in inserts.values():
            pending["work_id"] = target if pending["work_id"] == absorbed else pending["work_id"]
    view.attach(target, record, key)
    for other, reason in decision.doubtful[:1]:  # the oldest doubted work: one question per record
        doubts.append({"work_id": target, "other_id": other, "reason": reason, "member_id": view.member_id,
                       "local_id": record["local_id"], "identifier": _shared_identifier(record, view.works.get(other))})
    return target, decision.matched_by


def _shared_identifier(record: dict, candidate) -> str | None:
    if candidate is None:
        return None
    for value in record.get("isbns") or []:
        if value in candidate.isbns:
            return f"isbn:{value}"
    for value in record.get("issns") or []:
        if value in candidate.issns:
            return f"issn:{value}"
    return None


def _work_ref(record: dict, work_id: int, matched_by: str) -> dict:
    return {"local_id": record["local_id"], "work_id": work_id, "matched_by": matched_by}


def withdraw_holding(session: Session, member: Member, local_id: str, *, on_commit=None,
                     concurrency: Concurrency = DEFAULT_CONCURRENCY) -> int:
    """Remove a member's holding; returns the work id it belonged to."""
    member_id, code = member.id, member.code

    def attempt() -> int:
        with UnitOfWork(session) as uow:
            conn = session.connection()
            locking.lock_keys(conn, [("holding", member_id, local_id)], concurrency.lock_timeout)
            row = conn.execute(select(writes.H.c.id, writes.H.c.work_id).where(
                writes.H.c.member_id == member_id, writes.H.c.local_id == local_id)).first()
            if row is None:
                raise NotFound(f"Member {code} has no record {local_id!r}.")
            locking.lock_works(conn, [row.work_id])
            conn.execute(delete(writes.H).where(writes.H.c.id == row.id))
            changes = _Changes()
            changes.derived(writes.rederive_works(conn, {row.work_id}))
            writes.write_change_log(conn, changes.actions, member_id, None)
            if on_commit is not None:
                uow.after_commit(on_commit)
        session.expire_all()
        return row.work_id

    return locking.with_retry(session, attempt, concurrency, "withdrawal")


def _record_batch(session, member_id, source, received, result) -> PushBatch:
    batch = PushBatch(member_id=member_id, source=source, received=received, accepted=result.accepted,
                      unchanged=result.unchanged, rejected=len(result.rejected), rejections=result.rejected)
    session.add(batch)
    session.flush()
    return batch


def _record_hash(record: dict) -> str:
    return hashlib.sha256(json.dumps(record, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
