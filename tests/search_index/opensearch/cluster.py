"""The OpenSearch test cluster as the tests reach it: its URL from the environment
(``eval "$(bash .ci/opensearch.sh)"``, which .ci/run does), a unique index prefix per test,
and the clean-up of that prefix's indices."""
import os
import uuid

from opensearchpy import OpenSearch

from tests.conftest import skip_or_fail

URL_ENV = "CONSORTIUM_OPENSEARCH_URL"


def cluster_url() -> str:
    """The cluster's node URLs; skipped (failed in CI) when none is configured."""
    url = os.environ.get(URL_ENV)
    if not url:
        skip_or_fail(f"OpenSearch tests need {URL_ENV} (eval \"$(bash .ci/opensearch.sh)\"; CI sets it)")
    return url


def unique_prefix() -> str:
    """An index prefix of one test: tests never see each other's indices."""
    return f"t{uuid.uuid4().hex[:10]}-"


def client(url: str) -> OpenSearch:
    return OpenSearch([u.strip() for u in url.split(",")], timeout=60)


def drop_prefix(url: str, prefix: str) -> None:
    """Delete every index of ``prefix`` (the test's)."""
    es = client(url)
    try:
        es.indices.delete(index=f"{prefix}*", params={"expand_wildcards": "all", "ignore_unavailable": "true"})
    finally:
        es.close()


def app_options(url: str, prefix: str) -> dict:
    """The app config of a test on the cluster: two shards with a replica each, so answers
    are merged from shards on different nodes, as in production."""
    return {"OPENSEARCH_URL": url, "OPENSEARCH_INDEX_PREFIX": prefix, "OPENSEARCH_SHARDS": 2,
            "OPENSEARCH_REPLICAS": 1, "OPENSEARCH_RETRY_SECONDS": 30}
