"""The backend's options, its ``opensearch-py`` client, and the engine's errors as ours.

Options arrive as ``BackendSettings.options`` (the application's ``OPENSEARCH_*`` keys).
The client knows every node of ``OPENSEARCH_URL`` and moves to another when one does not
answer (the fault tests kill a node under load). What the engine raises becomes
``ClusterUnavailable`` (cannot serve now: unreachable, overloaded, a shard missing) or
``ClusterRejected`` (a request it will never accept), both ``SearchIndexError``.
"""
import random
import time
from collections.abc import Callable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from opensearchpy import OpenSearch
from opensearchpy import exceptions as engine

from search_index.errors import SearchIndexError

# HTTP statuses of a request worth repeating: rejected under load (429), no shard copy or
# node ready (502/503/504).
RETRY_STATUSES = (429, 502, 503, 504)
# How replicas follow their primary: ``document`` (each copy indexes every document: read
# after write on every copy once refreshed) or ``segment`` (replicas copy the primary's
# segments after each refresh: the cluster indexes once, and a replica serves what it copied).
REPLICATION_TYPES = ("document", "segment")
# Open connections kept to each node (at least the bulk requests in flight).
POOL_SIZE = 8


class ClusterUnavailable(SearchIndexError):
    """The cluster cannot serve now: unreachable, overloaded (429), or a shard unavailable."""


class ClusterRejected(SearchIndexError):
    """The cluster refused a request that repeating will not mend (its reason is kept)."""


@dataclass(frozen=True)
class Options:
    """The cluster's node URLs and how this consortium's index lives on it."""

    urls: tuple[str, ...] = ("http://127.0.0.1:9200",)
    prefix: str = "daodu-"
    shards: int = 3
    replicas: int = 1
    timeout: float = 30.0
    retry_seconds: float = 120.0
    ca_certs: str | None = None
    bulk_docs: int = 1000
    bulk_concurrency: int = 2
    result_window: int = 10_000
    replication: str = "segment"
    merge_segments: int = 1

    @property
    def alias(self) -> str:
        """The name readers and the indexer use; it points at the live versioned index."""
        return f"{self.prefix}works"

    @classmethod
    def from_settings(cls, options: Mapping) -> "Options":
        """From ``OPENSEARCH_*`` keys (absent ones keep the defaults above)."""
        raw_urls = options.get("OPENSEARCH_URL") or ",".join(cls.urls)
        urls = tuple(u.strip() for u in str(raw_urls).split(",") if u.strip())
        picked = {"urls": urls}
        for key, name, kind in (("OPENSEARCH_INDEX_PREFIX", "prefix", str), ("OPENSEARCH_SHARDS", "shards", int),
                                ("OPENSEARCH_REPLICAS", "replicas", int), ("OPENSEARCH_TIMEOUT", "timeout", float),
                                ("OPENSEARCH_RETRY_SECONDS", "retry_seconds", float),
                                ("OPENSEARCH_CA_CERTS", "ca_certs", str), ("OPENSEARCH_BULK_DOCS", "bulk_docs", int),
                                ("OPENSEARCH_BULK_CONCURRENCY", "bulk_concurrency", int),
                                ("OPENSEARCH_RESULT_WINDOW", "result_window", int),
                                ("OPENSEARCH_REPLICATION", "replication", str),
                                ("OPENSEARCH_MERGE_SEGMENTS", "merge_segments", int)):
            if options.get(key) not in (None, ""):
                picked[name] = kind(options[key])
        picked["replication"] = str(picked.get("replication", cls.replication)).strip().lower()
        if picked["replication"] not in REPLICATION_TYPES:
            raise ValueError(f"OPENSEARCH_REPLICATION must be one of {', '.join(REPLICATION_TYPES)}, "
                             f"not {options['OPENSEARCH_REPLICATION']!r}")
        return cls(**picked)

    @property
    def copies_segments(self) -> bool:
        """Whether replicas copy the primary's segments instead of indexing every document."""
        return self.replication == "segment" and self.replicas > 0

    def location(self) -> str:
        return f"{', '.join(self.urls)} (alias {self.alias})"


def make_client(options: Options) -> OpenSearch:
    """A client over every node; a node that fails is set aside and the request retried on
    another (``max_retries``), timeouts and 502–504 included. Each node keeps as many open
    connections as requests may be in flight to it (the indexer's concurrent bulk requests,
    a web process's threads): urllib3 keeps one by default, and closed the others after each
    request, so every bulk request but one opened a new connection."""
    extra = {"ca_certs": options.ca_certs} if options.ca_certs else {}
    return OpenSearch(list(options.urls), timeout=options.timeout, max_retries=len(options.urls) + 1,
                      retry_on_timeout=True, retry_on_status=(502, 503, 504),
                      pool_maxsize=max(POOL_SIZE, options.bulk_concurrency), **extra)


def is_retryable(exc: Exception) -> bool:
    """Whether repeating the request may succeed (the cluster unreachable or busy)."""
    if isinstance(exc, engine.ConnectionError):  # timeouts included
        return True
    return isinstance(exc, engine.TransportError) and exc.status_code in RETRY_STATUSES


@contextmanager
def cluster_errors(what: str):
    """The engine's errors as ``ClusterUnavailable``/``ClusterRejected`` naming ``what`` failed."""
    try:
        yield
    except engine.TransportError as exc:
        if is_retryable(exc) or isinstance(exc, (engine.AuthenticationException, engine.AuthorizationException)):
            raise ClusterUnavailable(f"The search cluster could not {what}: {_reason(exc)}") from exc
        raise ClusterRejected(f"The search cluster refused to {what}: {_reason(exc)}") from exc


def with_retries(call: Callable[[], object], what: str, seconds: float, sleep=time.sleep):
    """``call()`` repeated with exponential backoff (0.25 s doubling to 8 s, jittered) while
    the cluster is unreachable or busy, for up to ``seconds``; then ``ClusterUnavailable``."""
    deadline, delay = time.monotonic() + seconds, 0.25
    while True:
        try:
            return call()
        except engine.TransportError as exc:
            if not is_retryable(exc) or time.monotonic() + delay > deadline:
                with cluster_errors(what):
                    raise
        sleep(delay * random.uniform(0.8, 1.2))
        delay = min(delay * 2, 8.0)


def _reason(exc: engine.TransportError) -> str:
    info = exc.info if isinstance(exc.info, dict) else {}
    error = info.get("error")
    if isinstance(error, dict):
        return f"{error.get('type')}: {error.get('reason')}"
    return f"{exc.status_code} {exc.error}" if exc.status_code != "N/A" else str(exc.error or exc)
