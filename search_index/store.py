"""Opening the index directory: created by the writer side, opened read-only by readers."""
import os

from whoosh import index
from whoosh.filedb.filestore import FileStorage

from search_index.schema import build_schema
from search_index.writer import CatalogueWriter

INDEX_NAME = "works"


def index_exists(index_dir: str) -> bool:
    return os.path.isdir(index_dir) and index.exists_in(index_dir, indexname=INDEX_NAME)


def open_for_writing(index_dir: str):
    """The index at ``index_dir``, created empty first if there is none (writer side only)."""
    if not index_exists(index_dir):
        os.makedirs(index_dir, exist_ok=True)
        return FileStorage(index_dir).create_index(build_schema(), indexname=INDEX_NAME)
    return index.open_dir(index_dir, indexname=INDEX_NAME)


def schema_is_current(index_dir: str) -> bool:
    """Whether the index was written with this version's fields (a missing index counts as
    current: the writer creates it with them)."""
    if not index_exists(index_dir):
        return True
    ix = index.open_dir(index_dir, indexname=INDEX_NAME, readonly=True)
    try:
        return sorted(ix.schema.names()) == sorted(build_schema().names())
    finally:
        ix.close()


def open_for_reading(index_dir: str):
    """The index at ``index_dir`` or None when the writer has not created it yet."""
    if not index_exists(index_dir):
        return None
    return index.open_dir(index_dir, indexname=INDEX_NAME, readonly=True)


def create_fresh(index_dir: str):
    """A new, empty index at ``index_dir`` (used by rebuild in a side directory)."""
    os.makedirs(index_dir, exist_ok=True)
    return FileStorage(index_dir).create_index(build_schema(), indexname=INDEX_NAME)


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
