"""Full rebuild: every live work into a fresh index beside the live one, then a swap.

The id space is cut into ranges that the processes take from a shared queue as they finish
the previous one (so a process given the costlier works does not finish last); each range is
read from the database, mapped and analysed by its process into its own side index (so a
rebuild uses every core for all of the work). The segments are then moved into one fresh
directory and listed in a single table of contents — no merge pass. Readers keep the old
index until the directory swap; the checkpoint moves only after it.
"""
import gc
import multiprocessing
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
# Work ids per range handed to a rebuild process, and works per segment it writes.
RANGE = 5000
SEGMENT_DOCS = 250_000


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
            low, high = source.work_id_span(session)
        side = index_dir.rstrip("/") + ".rebuild"
        url = engine.url.render_as_string(hide_password=False)
        spans = [(start, min(start + RANGE, high + 1)) for start in range(low, high + 1, RANGE)] if high else []
        count = _build_parts(url, side, max(1, procs), limitmb, spans, total, progress)
        _swap(index_dir, side)
        late = {i: time.time() for i in range(max(0, head - LATE_WINDOW) + 1, head + 1) if i not in present}
        with Session(engine, expire_on_commit=False) as session:
            indexer.save_progress(session, cp.Progress(head, late))
    finally:
        lock.release()
        live.close()
    return RebuildReport(count, time.perf_counter() - started, head)


def build_part(url: str, part_dir: str, spans, limitmb: int, counter=None,
               segment_docs: int | None = None) -> int:
    """One process's share: the works of each id range taken from ``spans`` (a queue ending
    with None, or a list) into a fresh index at ``part_dir``; returns the count.

    A segment is committed every ``segment_docs`` works: Whoosh sorts a segment's postings in
    memory up to ``limitmb`` and beyond that spills them to files one posting per call, which
    at a million works costs more than writing a few more segments.
    """
    from consortium.db.engine import make_engine

    segment_docs = segment_docs or SEGMENT_DOCS
    engine = make_engine(url)
    ix = store.create_fresh(part_dir)
    writer = store.new_writer(ix, limitmb=limitmb)
    count = in_segment = 0
    try:
        with Session(engine) as session:
            for span in (iter(spans.get, None) if hasattr(spans, "get") else spans):
                added = 0
                for _work_id, doc in source.iter_live_documents(session, span=span):
                    if doc is not None:
                        writer.add_document(**doc)
                        added += 1
                count += added
                in_segment += added
                if counter is not None:
                    with counter.get_lock():
                        counter.value += added
                if in_segment >= segment_docs:
                    writer.commit(merge=False)
                    writer, in_segment = store.new_writer(ix, limitmb=limitmb), 0
    except BaseException:
        writer.cancel()
        raise
    writer.commit(merge=False)
    ix.close()
    engine.dispose()
    return count


def _build_in_child(*args) -> None:
    """``build_part`` in a rebuild process: the collector is off (the process holds millions
    of posting tuples, none in reference cycles, and exits when done)."""
    gc.disable()
    build_part(*args)


def _build_parts(url, side, procs, limitmb, spans, total, progress) -> int:
    shutil.rmtree(side, ignore_errors=True)
    parts = [f"{side}.part{k}" for k in range(procs)]
    try:
        if procs == 1:
            count = build_part(url, parts[0], spans, limitmb)
        else:
            count = _run_processes(url, parts, limitmb, spans, total, progress)
        _combine(parts, side)
    except BaseException:
        for path in parts + [side]:
            shutil.rmtree(path, ignore_errors=True)
        raise
    if progress:
        progress(count, total)
    return count


def _run_processes(url, parts, limitmb, spans, total, progress) -> int:
    context = multiprocessing.get_context("spawn")
    counter = context.Value("q", 0)
    queue = context.Queue()
    for span in spans:
        queue.put(span)
    for _part in parts:
        queue.put(None)
    procs = [context.Process(target=_build_in_child, args=(url, part, queue, limitmb, counter),
                             name=f"rebuild-{k}") for k, part in enumerate(parts)]
    for proc in procs:
        proc.start()
    while any(proc.is_alive() for proc in procs):
        for proc in procs:
            proc.join(0.5)
        if progress:
            progress(counter.value, total)
    failed = [proc.name for proc in procs if proc.exitcode != 0]
    if failed:
        raise RuntimeError(f"rebuild processes failed: {', '.join(failed)}")
    return counter.value


def _combine(parts: list[str], side: str) -> None:
    """Move the parts' segments into one fresh index and list them all in its TOC."""
    from whoosh.index import TOC

    target = store.create_fresh(side)
    segments = []
    for part in parts:
        ix = store.open_for_writing(part)
        for segment in ix._segments():
            for name in segment.list_files(ix.storage):
                os.rename(os.path.join(part, name), os.path.join(side, name))
            segments.append(segment)
        ix.close()
        shutil.rmtree(part)
    TOC(target.schema, segments, target.latest_generation() + 1).write(target.storage, store.INDEX_NAME)
    target.close()


def _swap(index_dir: str, side: str) -> None:
    """Put the rebuilt directory in place; readers notice by the directory's identity."""
    old = index_dir.rstrip("/") + ".old"
    shutil.rmtree(old, ignore_errors=True)
    if os.path.isdir(index_dir):
        os.rename(index_dir, old)
    os.rename(side, index_dir)
    shutil.rmtree(old, ignore_errors=True)
