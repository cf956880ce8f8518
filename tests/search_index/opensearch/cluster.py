"""The OpenSearch test cluster as the tests reach it: its URL from the environment
(``eval "$(bash .ci/opensearch.sh)"``, which .ci/run does), a unique index prefix per test,
and the clean-up of that prefix's indices."""
import os
import shutil
import subprocess
import uuid
from pathlib import Path

from opensearchpy import OpenSearch

from tests.conftest import skip_or_fail

URL_ENV = "CONSORTIUM_OPENSEARCH_URL"
SCRIPT = Path(__file__).resolve().parents[3] / ".ci" / "opensearch.sh"


def require_launcher() -> None:
    """The tools .ci/opensearch.sh needs to start a cluster of a test's own."""
    missing = [tool for tool in ("java", "javac", "mvn", "curl") if shutil.which(tool) is None]
    if missing:
        skip_or_fail(f"a test cluster needs {', '.join(missing)} (apt-get install openjdk-17-jdk-headless maven)")


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


class PrivateCluster:
    """A 3-node cluster of a test's own (.ci/opensearch.sh with its own ports and folder), for
    tests that kill or stop nodes without disturbing the shared one."""

    def __init__(self, data_dir: str, http_port: int, transport_port: int, name: str):
        self.env = dict(os.environ, OPENSEARCH_DATA_DIR=data_dir, OPENSEARCH_HTTP_PORT=str(http_port),
                        OPENSEARCH_TRANSPORT_PORT=str(transport_port), OPENSEARCH_CLUSTER_NAME=name,
                        OPENSEARCH_HEAP="320m")
        self.url = ",".join(f"http://127.0.0.1:{http_port + i}" for i in range(3))

    def run(self, *args: str, timeout: float = 600) -> None:
        proc = subprocess.run(["bash", str(SCRIPT), *args], env=self.env, capture_output=True, text=True,
                              timeout=timeout)
        if proc.returncode != 0:
            raise RuntimeError(f".ci/opensearch.sh {' '.join(args)} failed: {proc.stdout}{proc.stderr}")

    def up(self) -> None:
        self.run("up")

    def start(self) -> None:
        """Start the stopped nodes and wait until every shard copy is back (green)."""
        self.run("start")

    def kill(self, node: int) -> None:
        self.run("kill", str(node))

    def stop(self) -> None:
        self.run("stop")
