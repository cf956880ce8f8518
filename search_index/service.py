"""Entry points taking the Flask app: what the job, the CLI and the tests call.

Each reads its settings from ``app.config`` (``SEARCH_INDEX_*``, documented in
``consortium.search_wiring``) and the engine from the app; nothing else needs Flask here.
"""
import logging

from consortium.db import get_engine
from consortium.server import tune_collector
from search_index import analysis, indexer, maintenance, store
from search_index import rebuild as rebuilding
from search_index.errors import IndexBusy

log = logging.getLogger(__name__)
# Index directories this process has found written with the current fields (it only ever
# writes the current fields, so each is checked once).
_CURRENT: set[str] = set()


def prepare_writer_process() -> None:
    """Ready a process that will write the index for a long time (``consortium worker``):
    jieba's dictionary and OpenCC's tables loaded before its first batch, and the garbage
    collector tuned for batches (``consortium.server.tune_collector``)."""
    analysis.load_dictionaries()
    tune_collector()


def sync_index(app, hooks: indexer.Hooks | None = None) -> indexer.UpdateReport:
    """Bring the index up to date with the change log now, in this thread."""
    config = app.config
    return indexer.update_index(get_engine(app), config["SEARCH_INDEX_DIR"],
                                batch_size=config["SEARCH_INDEX_BATCH"],
                                gap_ttl=config["SEARCH_INDEX_GAP_TTL"], hooks=hooks)


def indexer_job(app) -> None:
    """The background job: one catch-up pass; another writer at work is not an error. An
    index written by an older version (other fields) is rebuilt first."""
    try:
        index_dir = app.config["SEARCH_INDEX_DIR"]
        if index_dir not in _CURRENT:
            if not store.schema_is_current(index_dir):
                log.warning("search index has the fields of an older version; rebuilding it")
                rebuilt = rebuild_index(app)
                log.info("search index rebuilt: %d works in %.1f s", rebuilt.works, rebuilt.seconds)
            _CURRENT.add(index_dir)
        report = sync_index(app)
    except IndexBusy:
        log.info("search index busy (rebuild or another worker); skipping this pass")
        return
    if report.changes:
        log.info("indexed %d changes: %d works updated, %d removed", report.changes, report.updated,
                 report.removed)


def rebuild_index(app, progress=None) -> rebuilding.RebuildReport:
    """Rebuild the whole index from the database (both cores), then move the checkpoint."""
    return rebuilding.rebuild_index(get_engine(app), app.config["SEARCH_INDEX_DIR"],
                                    procs=app.config["SEARCH_INDEX_REBUILD_PROCS"],
                                    limitmb=app.config["SEARCH_INDEX_REBUILD_MB"], progress=progress)


def check(app) -> maintenance.CheckReport:
    return maintenance.check_index(get_engine(app), app.config["SEARCH_INDEX_DIR"])


def status(app) -> dict:
    return maintenance.index_status(get_engine(app), app.config["SEARCH_INDEX_DIR"])
