"""The single writer: follows the change log into the search index through the write port,
advancing its checkpoint only after the backend acknowledged a batch.

Each pass opens the write port (its lock keeps one writer across processes), reads a batch of
change-log rows after the checkpoint (plus any late rows filling earlier gaps, see
``checkpoint``), reloads the touched works from the database, hands them to the backend,
which makes them durable, and only then commits the new checkpoint. A crash anywhere replays
the batch: documents are rebuilt from the current database state, so replay is idempotent.
A rebuild reads every live work from a ``source.CatalogueSource`` and moves the checkpoint
to the change-log head it saw before reading.
"""
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session

from consortium.db.columns import utcnow
from consortium.search import checkpoint as cp
from consortium.search import source
from consortium.search.models import SearchCheckpoint
from search_index.ports import SearchWriter

CHECKPOINT = "works"
# Ids this far below the change-log head are checked for late (uncommitted) transactions.
LATE_WINDOW = 1000


@dataclass
class UpdateReport:
    changes: int = 0
    updated: int = 0
    removed: int = 0
    batches: int = 0


@dataclass
class RebuildReport:
    works: int
    seconds: float
    checkpoint: int


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


def update_index(engine: Engine, writer: SearchWriter, *, batch_size: int = 10_000, gap_ttl: float = 600.0,
                 hooks: Hooks | None = None) -> UpdateReport:
    """Apply the change log to the index until caught up; ``IndexBusy`` if another writer runs.

    While the backend takes a full batch, the next one is read in a thread: its change rows,
    and its works' documents unless the backend reads them in helper processes itself (a
    backlog is worked through without the backend waiting for the reads). A batch's
    checkpoint is committed only once the backend acknowledged it, and a batch that fails
    drops the one read ahead."""
    writer.open()
    report, hooks = UpdateReport(), hooks or Hooks()
    try:
        with ThreadPoolExecutor(1, thread_name_prefix="daodu-index-read") as reader:
            batch = _read_batch(engine, writer, None, batch_size, gap_ttl)
            while batch is not None:
                ahead = (reader.submit(_read_batch, engine, writer, batch.progress, batch_size, gap_ttl)
                         if batch.more else None)
                _apply_batch(engine, writer, batch, hooks, report)
                batch = ahead.result() if ahead else None
    finally:
        writer.close()
    return report


@dataclass
class _Batch:
    """What one batch read: the touched works (``source.ChangedWorks``), the change rows
    seen, the checkpoint once they are applied, and whether more rows may follow."""

    works: source.ChangedWorks
    seen: list[int]
    progress: cp.Progress
    more: bool


def _read_batch(engine, writer: SearchWriter, progress: cp.Progress | None, batch_size: int,
                gap_ttl: float) -> _Batch | None:
    """The batch after ``progress`` (None: the committed checkpoint); None when caught up.
    Its documents are read now unless ``writer`` reads them in helper processes."""
    with Session(engine, expire_on_commit=False) as session:
        progress = load_progress(session) if progress is None else progress
        before = source.transaction_horizon(session)
        new, late = source.changes_after(session, progress.last_id, sorted(progress.gaps), batch_size)
        if not new and not late and not progress.gaps:
            return None
        after = source.transaction_horizon(session)
    horizon = cp.Horizon(before.finished_below, after.running_below, before.concurrent)
    work_ids = sorted({row.entity_id for row in new + late if row.entity == "work"})
    works = source.ChangedWorks(engine.url.render_as_string(hide_password=False), work_ids, engine)
    if work_ids and not writer.reads_in_helpers(len(work_ids)):
        works.documents()
    seen = [row.id for row in new + late]
    return _Batch(works, seen, cp.advance(progress, seen, time.time(), gap_ttl, horizon), len(new) == batch_size)


def _apply_batch(engine, writer, batch: _Batch, hooks: Hooks, report: UpdateReport) -> None:
    """Hand a batch to the backend, then commit its checkpoint."""
    if batch.works.work_ids:
        updated, removed = writer.apply_batch(batch.works, before_commit=hooks.before_index_commit)
        if hooks.after_index_commit:
            hooks.after_index_commit()
        report.updated += updated
        report.removed += removed
    with Session(engine, expire_on_commit=False) as session:
        save_progress(session, batch.progress)
    report.changes += len(batch.seen)
    report.batches += 1


def rebuild_index(engine: Engine, writer: SearchWriter, progress=None) -> RebuildReport:
    """Rebuild the whole index from the database, then move the checkpoint to the change-log
    head seen before reading (ids just below it not yet visible stay open gaps);
    ``progress(done, total)`` is called as works are added."""
    started = time.perf_counter()
    writer.open()
    try:
        with Session(engine) as session:
            head = source.max_change_id(session)
            present = source.change_ids_between(session, max(0, head - LATE_WINDOW), head)
            horizon = source.transaction_horizon(session)
        count = writer.rebuild(source.CatalogueSource(engine.url.render_as_string(hide_password=False)), progress)
        late = [i for i in range(max(0, head - LATE_WINDOW) + 1, head + 1) if i not in present]
        with Session(engine, expire_on_commit=False) as session:
            save_progress(session, cp.late_ids(head, late, time.time(), horizon))
    finally:
        writer.close()
    return RebuildReport(count, time.perf_counter() - started, head)
