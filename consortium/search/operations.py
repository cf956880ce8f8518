"""Entry points taking the Flask app: what the indexer job, the CLI and the tests call.

Each reads its settings from ``app.config`` (``SEARCH_*``, documented in
``consortium.search.DEFAULTS``), the engine and the configured search backend from the app,
and maps the search engines' errors to the consortium's (``errors.index_errors``).
"""
import logging

from consortium.db import get_engine
from consortium.search import indexer, leader, maintenance
from consortium.search.errors import IndexBusy, SearchUnavailable, index_errors
from consortium.server import tune_collector
from search_index.analysis.terms import load_dictionaries
from search_index.ports import SearchBackend

BACKEND = "consortium.search.backend"
log = logging.getLogger(__name__)


def get_backend(app) -> SearchBackend:
    """The search backend ``init_app`` opened (``SEARCH_BACKEND``)."""
    return app.extensions[BACKEND]


def prepare_writer_process() -> None:
    """Ready a process that will write the index for a long time (``consortium worker``):
    jieba's dictionary and OpenCC's tables loaded before its first batch, and the garbage
    collector tuned for batches (``consortium.server.tune_collector``)."""
    load_dictionaries()
    tune_collector()


def sync_index(app, hooks: indexer.Hooks | None = None) -> indexer.UpdateReport:
    """Bring the index up to date with the change log now, in this thread."""
    config, engine = app.config, get_engine(app)
    with index_errors(), leader.leadership(engine):
        return indexer.update_index(engine, get_backend(app).writer(), batch_size=config["SEARCH_INDEX_BATCH"],
                                    gap_ttl=config["SEARCH_INDEX_GAP_TTL"], hooks=hooks)


def catch_up(app) -> indexer.UpdateReport:
    """Rebuild first when the index is of another content version (or gone), then sync."""
    with index_errors():
        if maintenance.needs_rebuild(get_engine(app), get_backend(app).writer()):
            log.warning("search index written with another content version (or missing); rebuilding it")
            rebuilt = rebuild_index(app)
            log.info("search index rebuilt: %d works in %.1f s", rebuilt.works, rebuilt.seconds)
    return sync_index(app)


def indexer_job(app) -> None:
    """The background job: one catch-up pass; another writer at work is not an error."""
    try:
        report = catch_up(app)
    except IndexBusy:
        log.info("search index busy (rebuild or another worker); skipping this pass")
        return
    except SearchUnavailable as exc:  # the cluster is down or busy: the next pass tries again
        log.warning("search index not updated this pass: %s", exc.message)
        return
    if report.changes:
        log.info("indexed %d changes: %d works updated, %d removed", report.changes, report.updated,
                 report.removed)


def rebuild_index(app, progress=None) -> indexer.RebuildReport:
    """Rebuild the whole index from the database, then move the checkpoint."""
    engine = get_engine(app)
    with index_errors(), leader.leadership(engine):
        return indexer.rebuild_index(engine, get_backend(app).writer(), progress=progress)


def check(app) -> maintenance.CheckReport:
    with index_errors():
        return maintenance.check_index(get_engine(app), get_backend(app).writer())


def status(app) -> dict:
    with index_errors():
        return maintenance.index_status(get_engine(app), get_backend(app).writer())
