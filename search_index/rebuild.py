"""Full rebuild: every live work into a fresh index beside the live one, then a swap.

Analysis runs in ``procs`` writer subprocesses (Whoosh's ``MpWriter``, one segment each, no
final merge) while this process reads the database and builds documents, so a rebuild uses
both cores. Readers keep the old index until the swap; the checkpoint moves only after it.
"""
import os
import shutil
import time
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session

from search_index import checkpoint as cp
from search_index import indexer, source, store

# Ids this far below the change-log head are checked for late (uncommitted) transactions.
LATE_WINDOW = 1000


@dataclass
class RebuildReport:
    works: int
    seconds: float
    checkpoint: int


def rebuild_index(engine: Engine, index_dir: str, *, procs: int = 2, limitmb: int = 128,
                  progress=None) -> RebuildReport:
    """Rebuild from the database; ``progress(done, total)`` is called as works are added."""
    started = time.perf_counter()
    live = store.open_for_writing(index_dir)
    lock = indexer.acquire_writer_lock(live)
    try:
        with Session(engine) as session:
            head = source.max_change_id(session)
            present = source.change_ids_between(session, max(0, head - LATE_WINDOW), head)
            total = source.count_live_works(session)
            side = index_dir.rstrip("/") + ".rebuild"
            shutil.rmtree(side, ignore_errors=True)
            count = _fill(session, store.create_fresh(side), procs, limitmb, total, progress)
        _swap(index_dir, side)
        late = {i: time.time() for i in range(max(0, head - LATE_WINDOW) + 1, head + 1) if i not in present}
        with Session(engine, expire_on_commit=False) as session:
            indexer.save_progress(session, cp.Progress(head, late))
    finally:
        lock.release()
        live.close()
    return RebuildReport(count, time.perf_counter() - started, head)


def _fill(session, ix, procs, limitmb, total, progress) -> int:
    if procs > 1:
        writer = ix.writer(procs=procs, multisegment=True, limitmb=limitmb, batchsize=200)
    else:
        writer = ix.writer(limitmb=limitmb)
    count = 0
    try:
        for _work_id, doc in source.iter_live_documents(session):
            if doc is None:
                continue
            writer.add_document(**doc)
            count += 1
            if progress and count % 1000 == 0:
                progress(count, total)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    if progress:
        progress(count, total)
    ix.close()
    return count


def _swap(index_dir: str, side: str) -> None:
    """Put the rebuilt directory in place; readers notice by the directory's identity."""
    old = index_dir.rstrip("/") + ".old"
    shutil.rmtree(old, ignore_errors=True)
    if os.path.isdir(index_dir):
        os.rename(index_dir, old)
    os.rename(side, index_dir)
    shutil.rmtree(old, ignore_errors=True)
