"""Opening the index directory: created by the writer side, opened read-only by readers."""
import os

from whoosh import index
from whoosh.filedb.filestore import FileStorage
from whoosh.util import random_name

from search_index.schema import build_schema
from search_index.writer import CatalogueWriter

INDEX_NAME = "works"


class CatalogueStorage(FileStorage):
    """Whoosh's file storage, creating and removing its directories without an exception
    for one that exists or is gone. Whoosh catches those and keeps them in a local variable
    (``e = sys.exc_info()[1]``), which ties the exception, its traceback and every calling
    frame into a reference cycle: each writer did so twice (its temporary directory is made
    by two parts of the writer), and a whole batch's postings and rows then waited for the
    cyclic garbage collector, whose passes over them took a fifth of the writer's time."""

    def create(self):
        path = os.path.abspath(self.folder)
        os.makedirs(path, exist_ok=True)  # FileExistsError still when the path is a file
        return self

    def destroy(self):
        self.clean()
        try:
            os.rmdir(self.folder)
        except FileNotFoundError:
            pass

    def temp_storage(self, name=None):
        return CatalogueStorage(os.path.join(self.folder, name or f"{random_name()}.tmp")).create()


def index_exists(index_dir: str) -> bool:
    return os.path.isdir(index_dir) and index.exists_in(index_dir, indexname=INDEX_NAME)


def open_for_writing(index_dir: str):
    """The index at ``index_dir``, created empty first if there is none (writer side only)."""
    if not index_exists(index_dir):
        os.makedirs(index_dir, exist_ok=True)
        return CatalogueStorage(index_dir).create_index(build_schema(), indexname=INDEX_NAME)
    return CatalogueStorage(index_dir).open_index(INDEX_NAME)


def schema_is_current(index_dir: str) -> bool:
    """Whether the index was written with this version's fields (a missing index counts as
    current: the writer creates it with them)."""
    if not index_exists(index_dir):
        return True
    ix = CatalogueStorage(index_dir, readonly=True).open_index(INDEX_NAME)
    try:
        return sorted(ix.schema.names()) == sorted(build_schema().names())
    finally:
        ix.close()


def open_for_reading(index_dir: str):
    """The index at ``index_dir`` or None when the writer has not created it yet."""
    if not index_exists(index_dir):
        return None
    return CatalogueStorage(index_dir, readonly=True).open_index(INDEX_NAME)


def create_fresh(index_dir: str):
    """A new, empty index at ``index_dir`` (used by rebuild in a side directory)."""
    os.makedirs(index_dir, exist_ok=True)
    return CatalogueStorage(index_dir).create_index(build_schema(), indexname=INDEX_NAME)


def directory_identity(index_dir: str) -> int | None:
    """Changes when a rebuild swaps in a new directory (its generation may repeat)."""
    try:
        return os.stat(index_dir).st_ino
    except OSError:
        return None


def new_writer(ix, **kwargs):
    """A segment writer with the catalogue's codec (see ``search_index.codec`` and
    ``search_index.writer``)."""
    return CatalogueWriter(ix, **kwargs)
