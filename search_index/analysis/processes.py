"""Helper processes that analyse text (an indexer catching up: ``opensearch.helpers``),
started from one fork server that has loaded the analysis' dictionaries: each helper is forked from
it with jieba's and OpenCC's tables already in memory (shared until written), instead of
spawning a fresh interpreter that imports everything and loads its own — two to three seconds
of CPU a helper, paid again by every pass of a worker that catches up a backlog.

The fork server is single-threaded, so forking from it is safe where forking the indexer
(which has HTTP and reader threads) is not. A server already started without the preload
(by other code in the process) still works: the helpers' initializer loads the dictionaries.

A helper makes hundreds of thousands of short-lived objects a batch; with Python's collector
thresholds (700, 10, 10) the collector took an eighth of its time. ``ready_helper`` moves what
the helper inherited (the tables among it) out of the collector's sight and makes its full
passes rare, as ``consortium.server.tune_collector`` does for the indexer's own process.
"""
import gc
import multiprocessing

from search_index.analysis.terms import load_dictionaries

PRELOAD = ("search_index.analysis.preloaded",)
# Collector thresholds of a helper (young passes every 5,000 allocations, full ones rare).
HELPER_GC_THRESHOLD = (5000, 20, 20)


def helper_context(preload: tuple[str, ...] = ()):
    """The multiprocessing context helpers are started from; ``preload``: modules the fork
    server imports besides the dictionaries' (what the helpers will run; only the first call
    in a process, which starts the server, decides)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([*PRELOAD, *preload])
    return context


def ready_helper() -> None:
    """The initializer of a helper: the dictionaries loaded (already, when forked from the
    preloaded server), then the inherited heap frozen and the collector tuned."""
    load_dictionaries()
    gc.freeze()
    gc.set_threshold(*HELPER_GC_THRESHOLD)
