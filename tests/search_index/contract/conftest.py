"""The contract suite: every test under this folder runs against every search backend.

The app of each test is configured with one backend (``SEARCH_BACKEND``); tests reach the
engine only through the ports (``consortium.ports.SEARCH``, the backend's writer) and the
public surfaces, so adding a backend is one line of ``CONTRACT_BACKENDS``
(e.g. ``pytest.param("opensearch", marks=pytest.mark.opensearch)``).
"""
import pytest

from search_index.whoosh_common import storage

CONTRACT_BACKENDS = [
    "whoosh",
    "whoosh-plain",
]
# Backends that write the Whoosh index directory (tests of its files apply to these only).
WHOOSH_FAMILY = ("whoosh", "whoosh-plain")


@pytest.fixture(params=CONTRACT_BACKENDS)
def search_backend(request) -> str:
    return request.param


@pytest.fixture
def app_config(app_config, search_backend) -> dict:
    return dict(app_config, SEARCH_BACKEND=search_backend)


@pytest.fixture
def whoosh_index(app, search_backend):
    """``open()`` → the Whoosh index of the app, read-only (Whoosh-family backends only)."""
    if search_backend not in WHOOSH_FAMILY:
        pytest.skip(f"{search_backend} keeps no Whoosh index")
    return lambda: storage.open_for_reading(app.config["SEARCH_INDEX_DIR"])
