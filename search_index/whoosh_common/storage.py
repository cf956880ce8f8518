"""The index directory both Whoosh backends share: opening it, creating it with its content
version stamp, the single-writer lock, and putting a rebuilt directory in place.

Readers open the index read-only and never touch a lock. The writer lock (``INDEXER``) is
taken on the directory itself, before the index is opened, so a rebuild can replace an index
this version cannot open.
"""
import json
import os
import re
import shutil

from whoosh.filedb.filestore import FileStorage

from search_index.errors import IndexBusy, IndexUnreadable
from search_index.whoosh_common.schema import build_schema
from search_index.whoosh_common.version import content_version

INDEX_NAME = "works"
WRITER_LOCK = "INDEXER"
# Beside the segments; Whoosh's clean-up removes only names starting with the index name.
STAMP_FILE = "content-version.json"
# A generation's table of contents, as Whoosh names it (``_works_3.toc``).
_TOC_FILE = re.compile(rf"^_{INDEX_NAME}_\d+\.toc$")


def index_exists(index_dir: str) -> bool:
    """Whether a writer has created the index (without opening it: Whoosh's ``exists_in``
    unpickles its schema, which fails for an index naming classes gone since)."""
    return os.path.isdir(index_dir) and any(_TOC_FILE.match(name) for name in os.listdir(index_dir))


def open_for_reading(index_dir: str):
    """The index at ``index_dir`` or None when no writer has created it yet;
    ``IndexUnreadable`` when it was written with classes this version does not have."""
    if not index_exists(index_dir):
        return None
    storage = _OpeningStorage(index_dir)
    try:
        ix = storage.open_index(INDEX_NAME)
    except (ImportError, AttributeError) as exc:  # its pickled schema names a class gone since
        storage.close_opened()
        raise IndexUnreadable(f"The search index at {index_dir} was written by an older version "
                              f"and is being rebuilt ({exc}).") from exc
    storage.opened = None
    return ix


class _OpeningStorage(FileStorage):
    """Read-only file storage that remembers the files opened while the index is opened, so a
    failed open closes them (Whoosh's table-of-contents reader leaves its file open when the
    pickled schema cannot be loaded)."""

    def __init__(self, path: str):
        super().__init__(path, readonly=True)
        self.opened = []

    def open_file(self, name, **kwargs):
        handle = super().open_file(name, **kwargs)
        if self.opened is not None:
            self.opened.append(handle)
        return handle

    def close_opened(self) -> None:
        for handle in self.opened or ():
            handle.close()
        self.opened = None


def open_for_writing(index_dir: str, storage_class=FileStorage):
    """The index at ``index_dir``, created empty (and stamped) first if there is none."""
    if not index_exists(index_dir):
        return create_fresh(index_dir, storage_class)
    return storage_class(index_dir).open_index(INDEX_NAME)


def create_fresh(index_dir: str, storage_class=FileStorage):
    """A new, empty index at ``index_dir`` stamped with this code's content version."""
    os.makedirs(index_dir, exist_ok=True)
    ix = storage_class(index_dir).create_index(build_schema(), indexname=INDEX_NAME)
    write_stamp(index_dir)
    return ix


def write_stamp(index_dir: str) -> None:
    """Record the content version the index is written with (atomically)."""
    path = os.path.join(index_dir, STAMP_FILE)
    with open(path + ".tmp", "w", encoding="utf-8") as handle:
        json.dump({"content_version": content_version()}, handle)
    os.replace(path + ".tmp", path)


def stored_version(index_dir: str) -> str | None:
    """The content version the index was written with (None: unknown, an older version's)."""
    try:
        with open(os.path.join(index_dir, STAMP_FILE), encoding="utf-8") as handle:
            return json.load(handle).get("content_version")
    except (FileNotFoundError, ValueError, AttributeError):
        return None


def acquire_writer_lock(index_dir: str, blocking: bool = False):
    """The single-writer lock of the index directory; ``IndexBusy`` when another holds it."""
    os.makedirs(index_dir, exist_ok=True)
    lock = FileStorage(index_dir).lock(WRITER_LOCK)
    if not lock.acquire(blocking=blocking):
        raise IndexBusy("Another process is writing the search index; try again later.")
    return lock


def directory_identity(index_dir: str) -> int | None:
    """Changes when a rebuild swaps in a new directory (its generation may repeat)."""
    try:
        return os.stat(index_dir).st_ino
    except OSError:
        return None


def side_directory(index_dir: str) -> str:
    """Where a rebuild writes the index that will replace the live one."""
    return index_dir.rstrip("/") + ".rebuild"


def swap(index_dir: str, side: str) -> None:
    """Put the rebuilt directory in place; readers notice by the directory's identity."""
    old = index_dir.rstrip("/") + ".old"
    shutil.rmtree(old, ignore_errors=True)
    if os.path.isdir(index_dir):
        os.rename(index_dir, old)
    os.rename(side, index_dir)
    shutil.rmtree(old, ignore_errors=True)
