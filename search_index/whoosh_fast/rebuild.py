"""Full rebuild (``whoosh_fast``): every document of a source into a fresh index beside the
live one, then a swap.

The source's partitions (id ranges) are taken by the processes from a shared queue as they
finish the previous one (so a process given the costlier works does not finish last); each
partition is read, mapped and analysed by its process into its own side index (so a rebuild
uses every core for all of the work). The segments are then moved into one fresh directory
and listed in a single table of contents — no merge pass. Readers keep the old index until
the directory swap.
"""
import gc
import multiprocessing
import os
import shutil

from whoosh.index import TOC

from search_index.errors import RebuildFailed
from search_index.whoosh_common import storage
from search_index.whoosh_common.fields import whoosh_fields
from search_index.whoosh_fast import store

# Work ids per partition handed to a rebuild process, and works per segment it writes.
RANGE = 5000
SEGMENT_DOCS = 250_000


def rebuild(index_dir: str, source, *, procs: int = 2, limitmb: int = 128, progress=None) -> int:
    """Index every document of ``source`` and swap the result in; returns the count.
    ``progress(done, total)`` is called as works are added."""
    side = storage.side_directory(index_dir)
    count = _build_parts(side, max(1, procs), limitmb, source.partitions(RANGE), source.count(), progress)
    storage.swap(index_dir, side)
    return count


def build_part(part_dir: str, parts, limitmb: int, counter=None, segment_docs: int | None = None) -> int:
    """One process's share: the documents of each source partition taken from ``parts`` (a
    queue ending with None, or a list) into a fresh index at ``part_dir``; returns the count.

    A segment is committed every ``segment_docs`` works: Whoosh sorts a segment's postings in
    memory up to ``limitmb`` and beyond that spills them to files one posting per call, which
    at a million works costs more than writing a few more segments.
    """
    segment_docs = segment_docs or SEGMENT_DOCS
    ix = store.create_fresh(part_dir)
    writer = store.new_writer(ix, limitmb=limitmb)
    count = in_segment = 0
    try:
        for part in (iter(parts.get, None) if hasattr(parts, "get") else parts):
            added = 0
            for doc in part.documents():
                writer.add_document(**whoosh_fields(doc))
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
    return count


def _build_in_child(*args) -> None:
    """``build_part`` in a rebuild process: the collector is off (the process holds millions
    of posting tuples, none in reference cycles, and exits when done)."""
    gc.disable()
    build_part(*args)


def _build_parts(side, procs, limitmb, sources, total, progress) -> int:
    shutil.rmtree(side, ignore_errors=True)
    parts = [f"{side}.part{k}" for k in range(procs)]
    try:
        if procs == 1:
            count = build_part(parts[0], sources, limitmb)
        else:
            count = _run_processes(parts, limitmb, sources, total, progress)
        _combine(parts, side)
    except BaseException:
        for path in parts + [side]:
            shutil.rmtree(path, ignore_errors=True)
        raise
    if progress:
        progress(count, total)
    return count


def _run_processes(parts, limitmb, sources, total, progress) -> int:
    context = multiprocessing.get_context("spawn")
    counter = context.Value("q", 0)
    queue = context.Queue()
    for source in sources:
        queue.put(source)
    for _part in parts:
        queue.put(None)
    procs = [context.Process(target=_build_in_child, args=(part, queue, limitmb, counter),
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
        raise RebuildFailed(f"Rebuild processes failed: {', '.join(failed)}; the live index is unchanged.")
    return counter.value


def _combine(parts: list[str], side: str) -> None:
    """Move the parts' segments into one fresh index and list them all in its TOC."""
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
    TOC(target.schema, segments, target.latest_generation() + 1).write(target.storage, storage.INDEX_NAME)
    target.close()
