"""What the write ports of both Whoosh backends tell without the writer lock: the indexed
works' fingerprints (``index check``) and the index's status with its content version."""
from search_index.documents import fingerprint_text
from search_index.errors import IndexUnreadable
from search_index.ports import IndexStatus
from search_index.whoosh_common import storage
from search_index.whoosh_common.version import content_version


def fingerprints(index_dir: str) -> dict[int, str]:
    """The fingerprint of every live document's stored result body, by work id."""
    ix = storage.open_for_reading(index_dir)
    if ix is None:
        return {}
    try:
        with ix.searcher() as searcher:
            return {int(f["id"]): fingerprint_text(f["payload"]) for f in searcher.all_stored_fields()}
    finally:
        ix.close()


def index_status(backend: str, index_dir: str) -> IndexStatus:
    """Documents and generation of the index, and its stored content version."""
    exists = storage.index_exists(index_dir)
    documents, details = None, {}
    if exists:
        try:
            ix = storage.open_for_reading(index_dir)
        except IndexUnreadable as exc:
            details = {"unreadable": exc.message}
        else:
            documents = ix.doc_count()
            details = {"generation": ix.latest_generation()}
            ix.close()
    return IndexStatus(backend=backend, location=index_dir, exists=exists, documents=documents,
                       content_version=storage.stored_version(index_dir) if exists else None,
                       expected_version=content_version(), details=details)
