"""Serving: waitress in front of the app, background jobs beside it in the embedded default."""
import gc
import logging

from waitress import serve

from consortium.jobs import get_jobs

# Garbage-collector thresholds of a long-running server or worker process (Python's are
# 700, 10, 10). A push of a thousand records, or an index batch, makes hundreds of thousands
# of short-lived objects; with Python's thresholds the collector ran so often, and its full
# passes over the whole heap (jieba's and OpenCC's tables, the analysis caches) so long,
# that it took a quarter of a push's time and a sixth of the index writer's. These keep the
# young passes and make the full ones rare.
GC_THRESHOLD = (5000, 20, 20)


def tune_collector() -> None:
    """Set ``GC_THRESHOLD`` for this process (servers and workers call it when they start)."""
    gc.set_threshold(*GC_THRESHOLD)


def serve_app(app, host: str, port: int, threads: int = 8) -> None:

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    tune_collector()
    runner = get_jobs(app)
    if app.config["CONSORTIUM_BACKGROUND_JOBS"]:
        runner.start()
    try:
        # poll(), not select(): select() fails outright once any descriptor passes 1024
        # waitress accepts at most 100 connections by default; a process run for long-lived
        # streams (live chat: --threads 400) must accept one per thread and then some
        serve(app, host=host, port=port, threads=threads, asyncore_use_poll=True,
              connection_limit=max(100, 2 * threads))
    finally:
        runner.stop()
