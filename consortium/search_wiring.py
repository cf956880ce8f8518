"""Wiring of the search feature: config defaults, the search port, the indexer job, the
search API and reader pages, and the menu entry. ``search_index`` is imported here, inside
``init_app`` only, never at module level of ``consortium``."""
from flask_babel import lazy_gettext as _l

DEFAULTS = {
    # Seconds between indexer passes when nothing wakes it (a push wakes it at once).
    "SEARCH_INDEX_INTERVAL": 5.0,
    # Change-log rows applied per Whoosh commit (at most; a quiet catalogue commits fewer).
    # A writer behind a busy push stream catches up in fewer, larger segments.
    "SEARCH_INDEX_BATCH": 4000,
    # Seconds a change-log id missing below the checkpoint (PostgreSQL commit order) is
    # waited for before it is taken as a rolled-back transaction.
    "SEARCH_INDEX_GAP_TTL": 600.0,
    # Largest page size, and the deep-paging cap (results beyond it cannot be paged to).
    "SEARCH_INDEX_MAX_PER_PAGE": 100,
    "SEARCH_INDEX_MAX_RESULTS": 1000,
    # Suggest a spelling when a query has fewer hits than this.
    "SEARCH_INDEX_SUGGEST_BELOW": 3,
    # Writer processes of `consortium index rebuild`, and the memory (MB) each may use to
    # sort postings before it spills sorted runs to temporary files (more runs, more merging).
    "SEARCH_INDEX_REBUILD_PROCS": 2,
    "SEARCH_INDEX_REBUILD_MB": 2048,
}


def init_app(app) -> None:
    """Register the search port, the "indexer" job, the API and pages, and the menu entry."""
    from consortium import ports
    from consortium.jobs import get_jobs
    from consortium.web import search_api, search_pages
    from consortium.web.api import get_api
    from consortium.web.nav import add_nav
    from search_index import service
    from search_index.searcher import WhooshSearch

    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    config = app.config
    app.extensions[ports.SEARCH] = WhooshSearch(
        config["SEARCH_INDEX_DIR"], max_per_page=config["SEARCH_INDEX_MAX_PER_PAGE"],
        max_results=config["SEARCH_INDEX_MAX_RESULTS"], suggest_below=config["SEARCH_INDEX_SUGGEST_BELOW"])
    get_jobs(app).register("indexer", lambda: service.indexer_job(app), config["SEARCH_INDEX_INTERVAL"])
    get_api(app).register_blueprint(search_api.blp)
    app.register_blueprint(search_pages.bp)
    add_nav(app, "search_pages.search", _l("Search"))
