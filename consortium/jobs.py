"""Background jobs of the embedded default: small loops in daemon threads of the web process.

In production the same loops run in the `consortium worker` process instead
(``CONSORTIUM_BACKGROUND_JOBS`` false in the web tier). Jobs are registered by ``init_app``
functions and started only by ``serve``/``demo``/``worker``, never by ``create_app``.
"""
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import current_app

EXTENSION = "consortium.jobs"
log = logging.getLogger(__name__)


@dataclass
class Job:
    name: str
    run_once: Callable[[], object]
    interval: float
    wake: threading.Event = field(default_factory=threading.Event)


class JobRunner:
    """Runs each registered job every ``interval`` seconds, or sooner when woken."""

    def __init__(self, app):
        self.app = app
        self.jobs: dict[str, Job] = {}
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def register(self, name: str, run_once: Callable[[], object], interval: float) -> None:
        self.jobs[name] = Job(name, run_once, interval)

    def wake(self, name: str) -> None:
        """Ask a job to run now (e.g. the indexer after a commit); harmless if not started."""
        job = self.jobs.get(name)
        if job is not None:
            job.wake.set()

    def start(self) -> None:
        for job in self.jobs.values():
            thread = threading.Thread(target=self._loop, args=(job,), name=f"job-{job.name}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        for job in self.jobs.values():
            job.wake.set()
        for thread in self._threads:
            thread.join(timeout)

    def _loop(self, job: Job) -> None:
        while not self._stop.is_set():
            try:
                with self.app.app_context():
                    job.run_once()
            except Exception:  # a failing job must not kill its thread; it is logged and retried
                log.exception("background job %s failed; retrying in %.0fs", job.name, job.interval)
            job.wake.wait(job.interval)
            job.wake.clear()


def init_app(app) -> None:
    app.extensions[EXTENSION] = JobRunner(app)


def get_jobs(app=None) -> JobRunner:

    return (app or current_app).extensions[EXTENSION]
