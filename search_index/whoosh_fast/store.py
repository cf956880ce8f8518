"""The storage and segment writer of ``whoosh_fast`` (opening and stamping the directory is
shared with ``whoosh_plain``, ``whoosh_common.storage``)."""
import os

from whoosh.filedb.filestore import FileStorage
from whoosh.util import random_name

from search_index.whoosh_common import storage
from search_index.whoosh_fast.writer import CatalogueWriter


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


def open_for_writing(index_dir: str):
    """The index at ``index_dir`` (created and stamped if missing) on ``CatalogueStorage``."""
    return storage.open_for_writing(index_dir, CatalogueStorage)


def create_fresh(index_dir: str):
    """A new, empty, stamped index at ``index_dir`` on ``CatalogueStorage``."""
    return storage.create_fresh(index_dir, CatalogueStorage)


def new_writer(ix, **kwargs):
    """A segment writer with the catalogue's codec (see ``whoosh_fast.codec`` and
    ``whoosh_fast.writer``)."""
    return CatalogueWriter(ix, **kwargs)
