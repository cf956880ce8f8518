"""The write port of ``whoosh_fast``: batches through the catalogue's segment writer, tiered
merges, and parallel rebuilds.

Before a batch is added, its works' old documents are found with one sorted-array lookup per
segment (``SegmentArrays.unique_terms``) instead of a term lookup per work; the batch is one
commit, merged by tiers (``merging``).
"""
import numpy as np
from whoosh.index import LockError

from search_index.errors import IndexBusy
from search_index.ports import BackendSettings, IndexStatus, ReadsBatchesHere
from search_index.whoosh_common import inspection, storage
from search_index.whoosh_common.fields import whoosh_fields
from search_index.whoosh_fast import rebuild as rebuilding
from search_index.whoosh_fast import store
from search_index.whoosh_fast.merging import merge_tiers
from search_index.whoosh_fast.segments import SegmentArrays

# Seconds a batch waits for Whoosh's own write lock (held only while a commit runs).
WRITE_LOCK_TIMEOUT = 5.0


class FastWriter(ReadsBatchesHere):
    """``search_index.ports.SearchWriter`` over the Whoosh index, written by ``whoosh_fast``."""

    def __init__(self, name: str, settings: BackendSettings, arrays: SegmentArrays):
        self.name = name
        self.settings = settings
        self.index_dir = settings.index_dir
        self.arrays = arrays  # the writer's cache of each committed segment's work ids
        self._lock = None

    def open(self) -> None:
        self._lock = storage.acquire_writer_lock(self.index_dir)

    def close(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def apply(self, changed, deleted, before_commit=None) -> None:
        self._require_lock()
        if not changed and not deleted:
            return
        ix = store.open_for_writing(self.index_dir)
        try:
            writer = store.new_writer(ix, timeout=WRITE_LOCK_TIMEOUT)
        except LockError:
            ix.close()
            raise IndexBusy("The search index writer lock is held elsewhere; try again later.") from None
        try:
            _delete_indexed(writer, self.arrays, [doc.id for doc in changed] + list(deleted))
            for doc in changed:
                writer.add_document(**whoosh_fields(doc))
            if before_commit:
                before_commit()
        except BaseException:
            writer.cancel()
            ix.close()
            raise
        writer.commit(mergetype=merge_tiers)
        ix.close()

    def rebuild(self, source, progress=None) -> int:
        self._require_lock()
        return rebuilding.rebuild(self.index_dir, source, procs=self.settings.rebuild_procs,
                                  limitmb=self.settings.rebuild_mb, progress=progress)

    def fingerprints(self) -> dict[int, str]:
        return inspection.fingerprints(self.index_dir)

    def status(self) -> IndexStatus:
        return inspection.index_status(self.name, self.index_dir)

    def _require_lock(self) -> None:
        if self._lock is None:
            raise RuntimeError("open() the search index writer before writing")


def _delete_indexed(writer, arrays: SegmentArrays, work_ids: list[int]) -> None:
    """Delete the live documents of these works from the committed segments: what
    ``update_document`` does one work at a time, here one array lookup per segment (each
    segment's sorted work ids are read once per process, ``SegmentArrays.unique_terms``)."""
    wanted = np.asarray(sorted(work_ids), dtype=np.int64)
    for reader, base in writer.searcher().reader().leaf_readers():
        values, docnums = arrays.unique_terms(reader, "id")
        if not len(values):
            continue
        low, high = np.searchsorted(values, wanted, "left"), np.searchsorted(values, wanted, "right")
        for start, end in zip(low[high > low], high[high > low]):
            for docnum in docnums[start:end].tolist():
                if not reader.is_deleted(docnum):
                    writer.delete_document(base + docnum)
