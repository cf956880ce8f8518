"""The contract suite: every test under this folder runs against every search backend.

The app of each test is configured with one backend (``SEARCH_BACKEND``); tests reach the
engine only through the ports (``consortium.ports.SEARCH``, the backend's writer) and the
public surfaces. ``opensearch`` runs when a test cluster is configured
(``CONSORTIUM_OPENSEARCH_URL``, see .ci/opensearch.sh) and in CI, where a missing cluster
fails; each of its tests gets an index prefix of its own (also in the environment, for the
CLI and the subprocesses a test starts), removed afterwards.
"""
import os

import pytest

from search_index.whoosh_common import storage
from tests.conftest import STRICT
from tests.search_index.opensearch import cluster

CONTRACT_BACKENDS = [
    "whoosh",
    "whoosh-plain",
]
if os.environ.get(cluster.URL_ENV) or STRICT:
    CONTRACT_BACKENDS.append(pytest.param("opensearch", marks=pytest.mark.opensearch))
# Backends that write the Whoosh index directory (tests of its files apply to these only).
WHOOSH_FAMILY = ("whoosh", "whoosh-plain")


@pytest.fixture(params=CONTRACT_BACKENDS)
def search_backend(request) -> str:
    if request.param == "opensearch":
        request.getfixturevalue("opensearch_options")
    return request.param


@pytest.fixture
def opensearch_options(monkeypatch) -> dict:
    """The test's cluster options, set in the environment too; its indices dropped after."""
    url = cluster.cluster_url()
    options = cluster.app_options(url, cluster.unique_prefix())
    for key, value in options.items():
        monkeypatch.setenv(f"CONSORTIUM_{key}", str(value))
    yield options
    cluster.drop_prefix(url, options["OPENSEARCH_INDEX_PREFIX"])


@pytest.fixture
def app_config(app_config, search_backend, request) -> dict:
    config = dict(app_config, SEARCH_BACKEND=search_backend)
    if search_backend == "opensearch":
        config.update(request.getfixturevalue("opensearch_options"))
    return config


@pytest.fixture
def whoosh_index(app, search_backend):
    """``open()`` → the Whoosh index of the app, read-only (Whoosh-family backends only)."""
    if search_backend not in WHOOSH_FAMILY:
        pytest.skip(f"{search_backend} keeps no Whoosh index")
    return lambda: storage.open_for_reading(app.config["SEARCH_INDEX_DIR"])
