"""Helper processes that analyse text (an indexer catching up: ``opensearch.encoding``),
started from one fork server that has loaded the analysis' dictionaries: each helper is forked from
it with jieba's and OpenCC's tables already in memory (shared until written), instead of
spawning a fresh interpreter that imports everything and loads its own — two to three seconds
of CPU a helper, paid again by every pass of a worker that catches up a backlog.

The fork server is single-threaded, so forking from it is safe where forking the indexer
(which has HTTP and reader threads) is not. A server already started without the preload
(by other code in the process) still works: the helpers' initializer loads the dictionaries.
"""
import multiprocessing

PRELOAD = ("search_index.analysis.preloaded",)


def helper_context():
    """The multiprocessing context helpers are started from."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(PRELOAD))
    return context
