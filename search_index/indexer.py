"""The single writer: follows the change log into the index, checkpoint after the commit.

Each pass takes the indexer lock of the index directory (one writer across processes), reads
a batch of change-log rows after the checkpoint (plus any late rows filling earlier gaps, see
``search_index.checkpoint``), reloads the touched works from the database, writes them,
commits Whoosh, and only then commits the new checkpoint. A crash anywhere replays the batch:
documents are rebuilt from the current database state, so replay is idempotent.
"""
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sqlalchemy.engine import Engine
from sqlmodel import Session
from whoosh.index import LockError

from consortium.db.columns import utcnow
from consortium.models.search import SearchCheckpoint
from search_index import checkpoint as cp
from search_index import source, store
from search_index.errors import IndexBusy
from search_index.merging import merge_tiers
from search_index.segments import SegmentArrays

log = logging.getLogger(__name__)
CHECKPOINT = "works"
LOCK = "INDEXER"
# the writer's own cache of segment arrays (the work ids of each committed segment)
_SEGMENTS = SegmentArrays()


@dataclass
class UpdateReport:
    changes: int = 0
    updated: int = 0
    removed: int = 0
    batches: int = 0


@dataclass
class Hooks:
    """Observation points of a batch (tests use them to crash the writer for real)."""

    before_index_commit: Callable[[], None] | None = None
    after_index_commit: Callable[[], None] | None = None


def load_progress(session: Session) -> cp.Progress:
    row = session.get(SearchCheckpoint, CHECKPOINT)
    return cp.from_row(row.last_id, row.gaps) if row else cp.Progress()


def save_progress(session: Session, progress: cp.Progress) -> None:
    row = session.get(SearchCheckpoint, CHECKPOINT) or SearchCheckpoint(name=CHECKPOINT)
    row.last_id, row.gaps = cp.to_row(progress)
    row.updated_at = utcnow()
    session.add(row)
    session.commit()


def acquire_writer_lock(ix, blocking: bool = False):
    lock = ix.storage.lock(LOCK)
    if not lock.acquire(blocking=blocking):
        raise IndexBusy("Another process is writing the search index; try again later.")
    return lock


def update_index(engine: Engine, index_dir: str, *, batch_size: int = 4000, gap_ttl: float = 600.0,
                 hooks: Hooks | None = None) -> UpdateReport:
    """Apply the change log to the index until caught up; ``IndexBusy`` if another writer runs."""
    ix = store.open_for_writing(index_dir)
    lock = acquire_writer_lock(ix)
    report = UpdateReport()
    try:
        while _apply_batch(engine, ix, batch_size, gap_ttl, hooks or Hooks(), report):
            pass
    finally:
        lock.release()
        ix.close()
    return report


def _apply_batch(engine, ix, batch_size, gap_ttl, hooks, report) -> bool:
    """One batch; True when there may be more to do."""
    with Session(engine, expire_on_commit=False) as session:
        progress = load_progress(session)
        new, late = source.changes_after(session, progress.last_id, sorted(progress.gaps), batch_size)
        if not new and not late and not progress.gaps:
            return False
        work_ids = sorted({row.entity_id for row in new + late if row.entity == "work"})
        docs = source.load_documents(session, work_ids)
    _write(ix, docs, hooks, report)
    seen = [row.id for row in new + late]
    with Session(engine, expire_on_commit=False) as session:
        save_progress(session, cp.advance(progress, seen, time.time(), gap_ttl))
    report.changes += len(seen)
    report.batches += 1
    return len(new) == batch_size


def _write(ix, docs: dict, hooks: Hooks, report: UpdateReport) -> None:
    if not docs:
        return
    try:
        writer = store.new_writer(ix, timeout=5.0)
    except LockError:
        raise IndexBusy("The search index writer lock is held elsewhere; try again later.") from None
    try:
        _delete_indexed(writer, list(docs))
        for doc in docs.values():
            if doc is None:
                report.removed += 1
            else:
                writer.add_document(**doc)
                report.updated += 1
        if hooks.before_index_commit:
            hooks.before_index_commit()
    except BaseException:
        writer.cancel()
        raise
    writer.commit(mergetype=merge_tiers)
    if hooks.after_index_commit:
        hooks.after_index_commit()


def _delete_indexed(writer, work_ids: list[int]) -> None:
    """Delete the live documents of these works from the committed segments: what
    ``update_document`` does one work at a time, here one array lookup per segment (each
    segment's sorted work ids are read once per process, ``SegmentArrays.unique_terms``)."""
    wanted = np.asarray(sorted(work_ids), dtype=np.int64)
    for reader, base in writer.searcher().reader().leaf_readers():
        values, docnums = _SEGMENTS.unique_terms(reader, "id")
        if not len(values):
            continue
        low, high = np.searchsorted(values, wanted, "left"), np.searchsorted(values, wanted, "right")
        for start, end in zip(low[high > low], high[high > low]):
            for docnum in docnums[start:end].tolist():
                if not reader.is_deleted(docnum):
                    writer.delete_document(base + docnum)
