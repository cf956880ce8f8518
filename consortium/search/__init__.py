"""The search feature: reader search, record pages and the indexer that feeds the engine.

Modules: ``params`` (pure: the public parameters → ``SearchParams``), ``render`` (pure: an
answer → the API body), ``service`` (the ``SEARCH`` port over the backend's read port),
``source`` (the database: change log, documents, the rebuild's ``CatalogueSource``),
``checkpoint`` (pure) and ``indexer`` (the change-log follower driving the write port),
``maintenance`` (check, status), ``operations`` (entry points taking the app), ``views``
(``GET /api/v1/search``), ``pages`` (the reader pages), ``cli`` (``consortium index …``,
``consortium worker``), ``models`` (the checkpoint row), ``errors``. The engines themselves
are the ``search_index`` library; ``init_app`` opens the configured one. Importing this
package builds nothing.
"""
from flask_babel import lazy_gettext as _l

from search_index.ports import BackendSettings

DEFAULTS = {
    # The search engine: "whoosh" (the accelerated Whoosh backend) or "whoosh-plain" (Whoosh's
    # public API only), which read and write the same index directory, so switching between
    # them needs no rebuild; or "opensearch" (an OpenSearch 2.x cluster, OPENSEARCH_* below:
    # the consortium beyond one machine; `consortium index rebuild` fills it).
    "SEARCH_BACKEND": "whoosh",
    # Seconds between indexer passes when nothing wakes it (a push wakes it at once).
    "SEARCH_INDEX_INTERVAL": 5.0,
    # Change-log rows applied per index commit (at most; a quiet catalogue commits fewer).
    # A writer behind a busy push stream catches up in fewer, larger segments, and stops
    # less often to wait for the backend's last acknowledgements (measured on a 100k catch-up
    # against 4,000: opensearch 10-13% faster, whoosh 15%).
    "SEARCH_INDEX_BATCH": 10000,
    # Seconds a change-log id missing below the checkpoint (PostgreSQL commit order) is
    # waited for before it is taken as a rolled-back transaction, when the database cannot
    # tell sooner (a gap closes at once when every transaction that could hold it has ended).
    "SEARCH_INDEX_GAP_TTL": 600.0,
    # Largest page size, and the deep-paging cap (results beyond it cannot be paged to).
    "SEARCH_INDEX_MAX_PER_PAGE": 100,
    "SEARCH_INDEX_MAX_RESULTS": 1000,
    # Suggest a spelling when a query has fewer hits than this (a query with none is answered
    # with its suggestion's results when those exist, unless the reader asks for exact=true).
    "SEARCH_INDEX_SUGGEST_BELOW": 3,
    # Writer processes of `consortium index rebuild` (the whoosh and opensearch backends;
    # whoosh-plain uses one; opensearch also analyses an indexer's large batches with them),
    # and the memory (MB) each may use to sort postings (whoosh) before it spills sorted runs
    # to temporary files (more runs, more merging).
    "SEARCH_INDEX_REBUILD_PROCS": 2,
    "SEARCH_INDEX_REBUILD_MB": 2048,
    # The opensearch backend. Node URLs, comma-separated (the client moves to another node
    # when one fails; credentials may be given in the URL, https://user:pass@host:9200).
    "OPENSEARCH_URL": "http://127.0.0.1:9200",
    # Names on the cluster: the alias <prefix>works points at the live <prefix>works-<version>-<time>.
    "OPENSEARCH_INDEX_PREFIX": "daodu-",
    # Primary shards of a new index, and replicas of each (1: losing a node loses no search).
    # One shard answers a search in one pass (measured at 1M works: less than half the
    # cluster's CPU of three); more for a catalogue of many millions (docs/scale.md).
    # A change takes effect at the next `consortium index rebuild`.
    "OPENSEARCH_SHARDS": 1,
    "OPENSEARCH_REPLICAS": 1,
    # How replicas follow: "segment" (replicas copy the primary's segments: the cluster
    # indexes each work once; a writer closing waits for the copies) or "document" (every
    # copy indexes every work). Measured: with one replica a catch-up costs the cluster about
    # 35% less CPU and runs about 15% faster copying segments (docs/scale.md). Takes effect
    # at the next `consortium index rebuild`.
    "OPENSEARCH_REPLICATION": "segment",
    # Segments a shard of a rebuilt index is merged to before it gets replicas and readers
    # (0: not merged). Measured at 1M works: a search costs the cluster about 15% less CPU,
    # and readers of a fresh index no longer compete with its background merges.
    "OPENSEARCH_MERGE_SEGMENTS": 1,
    # Seconds one request may take, and how long the indexer keeps retrying (with backoff)
    # while the cluster is unreachable or rejects work (429) before it gives up the pass.
    "OPENSEARCH_TIMEOUT": 30,
    "OPENSEARCH_RETRY_SECONDS": 120,
    # Works per bulk request and bulk requests in flight at once (while the next is analysed:
    # a batch of 2,000 works or more is analysed by SEARCH_INDEX_REBUILD_PROCS processes);
    # results a page may reach with from/size (deeper pages walk with
    # search_after); a CA bundle for a cluster whose certificate is from a private CA.
    "OPENSEARCH_BULK_DOCS": 1000,
    "OPENSEARCH_BULK_CONCURRENCY": 2,
    "OPENSEARCH_RESULT_WINDOW": 10000,
    "OPENSEARCH_CA_CERTS": None,
}
# Config keys a backend reads as its own options (the opensearch backend's cluster and index).
BACKEND_OPTION_PREFIXES = ("OPENSEARCH_",)


def init_app(app) -> None:
    """Fill the ``SEARCH_*`` defaults, open the configured backend (an unknown name stops the
    start with ``search_index.errors.UnknownBackend``), and register the search port, the
    "indexer" job, the API, the pages, the 503 answer and the menu entry."""
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    from consortium import ports
    from consortium.jobs import get_jobs
    from consortium.search import operations, pages, views
    from consortium.search.errors import SearchUnavailable
    from consortium.search.service import SearchService
    from consortium.web.api import get_api
    from consortium.web.errors import error_response
    from consortium.web.nav import add_nav
    from search_index.backends import open_backend

    config = app.config
    backend = open_backend(config["SEARCH_BACKEND"], backend_settings(config))
    app.extensions[operations.BACKEND] = backend
    app.extensions[ports.SEARCH] = SearchService(backend.reader(), max_per_page=config["SEARCH_INDEX_MAX_PER_PAGE"],
                                                 max_results=config["SEARCH_INDEX_MAX_RESULTS"])
    get_jobs(app).register("indexer", lambda: operations.indexer_job(app), config["SEARCH_INDEX_INTERVAL"])
    get_api(app).register_blueprint(views.blp)
    app.register_blueprint(pages.bp)
    app.register_error_handler(SearchUnavailable, lambda exc: error_response(503, exc.message, exc.errors,
                                                                             {"Retry-After": "60"}))
    add_nav(app, "search_pages.search", _l("Search"))


def backend_settings(config) -> BackendSettings:
    """The backend's settings from the app's config."""
    options = {key: value for key, value in config.items() if key.startswith(BACKEND_OPTION_PREFIXES)}
    return BackendSettings(index_dir=config["SEARCH_INDEX_DIR"], suggest_below=config["SEARCH_INDEX_SUGGEST_BELOW"],
                           rebuild_procs=config["SEARCH_INDEX_REBUILD_PROCS"],
                           rebuild_mb=config["SEARCH_INDEX_REBUILD_MB"], options=options)
