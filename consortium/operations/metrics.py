"""Prometheus metrics of one process, in a registry of its own per app (tests build many apps;
``prometheus_client``'s global registry would refuse the second).

Requests: ``daodu_http_requests_total{method,route,status}`` and the latency histogram
``daodu_http_request_duration_seconds{method,route}``; ``route`` is the URL rule
(``/works/<int:work_id>``), never the raw path, so the label set stays small. At scrape time
the database and the index are read (``CatalogueCollector``): index checkpoint, head, lag and
documents, mail outbox rows by status, questions by state, import jobs by status. With a
database replica configured, this process's view of it (``ReplicaCollector``): whether
read-only pages read it, its last measured lag, and the reads the primary served instead, by
reason (``unreachable``, ``lagging``). Plus the process's own CPU, memory and file
descriptors (``ProcessCollector``).
"""
import logging
import time

from flask import request
from prometheus_client import CollectorRegistry, Counter, Histogram, ProcessCollector
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from consortium.db.replica import router_of
from consortium.operations.probes import catalogue_counts

EXTENSION = "consortium.operations.metrics"
# Seconds: pages and API answers are tens of milliseconds; a cold feed or a large push seconds.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_START = "daodu.request_start"
log = logging.getLogger(__name__)
access_log = logging.getLogger("consortium.access")


class Metrics:
    def __init__(self, app):
        self.registry = CollectorRegistry()
        self.requests = Counter("daodu_http_requests", "HTTP requests answered, by route and status",
                                ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram("daodu_http_request_duration_seconds", "Time to answer a request, by route",
                                 ["method", "route"], buckets=BUCKETS, registry=self.registry)
        ProcessCollector(registry=self.registry)
        self.registry.register(CatalogueCollector(app))
        if router_of(app) is not None:
            self.registry.register(ReplicaCollector(router_of(app)))


class CatalogueCollector:
    """Reads the counts when Prometheus scrapes (nothing is kept between scrapes)."""

    def __init__(self, app):
        self.app = app

    def describe(self):
        return []  # read only at scrape time; registering must not touch the database

    def collect(self):
        try:
            counts = catalogue_counts(self.app)
        except Exception:  # a scrape during an outage reports what it can: the process metrics
            log.warning("metrics: cannot read the database or the index", exc_info=True)
            return
        index = counts["index"]
        for name, key, doc in (("daodu_search_index_lag", "lag", "Change-log rows the index has not applied yet"),
                               ("daodu_search_index_checkpoint", "checkpoint", "Last change-log id applied"),
                               ("daodu_search_index_head", "head", "Newest change-log id"),
                               ("daodu_search_index_documents", "documents", "Documents in the index"),
                               ("daodu_search_index_open_gaps", "open_gaps", "Change-log ids waited for")):
            yield GaugeMetricFamily(name, doc, value=float(index.get(key) or 0))
        for name, key, label, doc in (("daodu_mail_outbox", "mail", "status", "Mail outbox rows by status"),
                                      ("daodu_questions", "questions", "state", "Reference questions by state"),
                                      ("daodu_import_jobs", "imports", "status", "File import jobs by status")):
            family = GaugeMetricFamily(name, doc, labels=[label])
            for value, n in sorted(counts[key].items()):
                family.add_metric([value], float(n))
            yield family


class ReplicaCollector:
    """The replica router's state and counts, as this process saw them (nothing is read)."""

    REASONS = ("unreachable", "lagging")

    def __init__(self, router):
        self.router = router

    def describe(self):
        return []

    def collect(self):
        router = self.router
        yield GaugeMetricFamily("daodu_db_replica_serving", "1 while read-only pages read the database replica",
                                value=1.0 if router.state == "ok" else 0.0)
        if router.lag is not None:
            yield GaugeMetricFamily("daodu_db_replica_lag_seconds", "The replica's lag when last measured",
                                    value=float(router.lag))
        for name, counts, doc in (
                ("daodu_db_replica_fallback_reads", router.fallbacks,
                 "Replica-served requests the primary answered instead, by reason"),
                ("daodu_db_replica_outages", router.outages, "Times the replica stopped serving reads, by reason")):
            family = CounterMetricFamily(name, doc, labels=["reason"])
            for reason in self.REASONS:
                family.add_metric([reason], float(counts[reason]))
            yield family


def init_app(app) -> None:
    metrics = app.extensions[EXTENSION] = Metrics(app)
    # first of the before-request functions, so the time includes the others (auth, limits)
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    app.after_request(lambda response: _observe(app, metrics, response))


def get_metrics(app) -> Metrics:
    return app.extensions[EXTENSION]


def _start() -> None:
    request.environ[_START] = time.perf_counter()


def _observe(app, metrics: Metrics, response):
    started = request.environ.get(_START)
    seconds = time.perf_counter() - started if started is not None else 0.0
    route = request.url_rule.rule if request.url_rule is not None else "(no route)"
    metrics.requests.labels(request.method, route, str(response.status_code)).inc()
    metrics.latency.labels(request.method, route).observe(seconds)
    if app.config["LOG_REQUESTS"]:
        access_log.info("%s %s %s %.1f ms", request.method, route, response.status_code, seconds * 1000,
                        # the route, not the path: a reader's status page path is their private token
                        extra={"method": request.method, "route": route, "status": response.status_code,
                               "ms": round(seconds * 1000, 1)})
    return response
