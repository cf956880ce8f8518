"""The write port of ``whoosh_plain``: Whoosh's stock segment writer (``index.writer()``) and
its default merge policy; rebuilds in one process into a side directory, then a swap."""
import shutil

from whoosh.index import LockError

from search_index.errors import IndexBusy
from search_index.ports import BackendSettings, IndexStatus, ReadsBatchesHere
from search_index.whoosh_common import inspection, storage
from search_index.whoosh_common.fields import whoosh_fields

# Seconds a batch waits for Whoosh's own write lock (held only while a commit runs).
WRITE_LOCK_TIMEOUT = 5.0
# Work ids per source partition read by a rebuild, and works per segment it commits (a
# larger segment sorts more postings in memory; a smaller one leaves more segments).
RANGE = 5000
SEGMENT_DOCS = 250_000


class PlainWriter(ReadsBatchesHere):
    """``search_index.ports.SearchWriter`` over the Whoosh index, through Whoosh's writer."""

    def __init__(self, name: str, settings: BackendSettings):
        self.name = name
        self.settings = settings
        self.index_dir = settings.index_dir
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
        ix = storage.open_for_writing(self.index_dir)
        try:
            writer = ix.writer(timeout=WRITE_LOCK_TIMEOUT)
        except LockError:
            ix.close()
            raise IndexBusy("The search index writer lock is held elsewhere; try again later.") from None
        try:
            for work_id in deleted:
                writer.delete_by_term("id", str(work_id))
            for doc in changed:
                writer.update_document(**whoosh_fields(doc))
            if before_commit:
                before_commit()
        except BaseException:
            writer.cancel()
            ix.close()
            raise
        writer.commit()
        ix.close()

    def rebuild(self, source, progress=None) -> int:
        self._require_lock()
        side = storage.side_directory(self.index_dir)
        shutil.rmtree(side, ignore_errors=True)
        try:
            count = self._build(side, source, progress)
        except BaseException:
            shutil.rmtree(side, ignore_errors=True)
            raise
        storage.swap(self.index_dir, side)
        return count

    def _build(self, side: str, source, progress) -> int:
        total, count, in_segment = source.count(), 0, 0
        ix = storage.create_fresh(side)
        writer = ix.writer(limitmb=self.settings.rebuild_mb)
        try:
            for part in source.partitions(RANGE):
                for doc in part.documents():
                    writer.add_document(**whoosh_fields(doc))
                    count, in_segment = count + 1, in_segment + 1
                if in_segment >= SEGMENT_DOCS:
                    writer.commit(merge=False)
                    writer, in_segment = ix.writer(limitmb=self.settings.rebuild_mb), 0
                if progress:
                    progress(count, total)
        except BaseException:
            writer.cancel()
            ix.close()
            raise
        writer.commit(merge=False)
        ix.close()
        if progress:
            progress(count, total)
        return count

    def fingerprints(self) -> dict[int, str]:
        return inspection.fingerprints(self.index_dir)

    def status(self) -> IndexStatus:
        return inspection.index_status(self.name, self.index_dir)

    def _require_lock(self) -> None:
        if self._lock is None:
            raise RuntimeError("open() the search index writer before writing")
