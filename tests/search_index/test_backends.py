"""The backend registry: a name loads its backend lazily; an unknown name stops the start with
a clear error; ``CONSORTIUM_SEARCH_BACKEND`` chooses it like any config key."""
import pytest

from consortium import create_app
from consortium.search.operations import get_backend
from search_index.backends import BACKENDS, open_backend
from search_index.errors import UnknownBackend
from search_index.ports import BackendSettings
from tests.search_index.opensearch import cluster


def test_every_registered_backend_opens_with_both_ports(tmp_path):
    for name in BACKENDS:
        options = {}
        if name == "opensearch":  # a cluster it can ask (nothing is created on it here)
            options = {"OPENSEARCH_URL": cluster.cluster_url(), "OPENSEARCH_INDEX_PREFIX": cluster.unique_prefix()}
        backend = open_backend(name, BackendSettings(index_dir=str(tmp_path / name), options=options))
        assert backend.name == name
        reader, writer = backend.reader(), backend.writer()
        assert callable(reader.search) and callable(reader.count_matching) and callable(writer.apply)
        status = writer.status()
        assert status.backend == name and not status.exists and status.current


def test_an_unknown_backend_is_a_clear_error_at_start(tmp_path):
    with pytest.raises(UnknownBackend) as caught:
        create_app({"SECRET_KEY": "x", "SEARCH_BACKEND": "solr"}, instance_path=str(tmp_path))
    assert "'solr'" in caught.value.message and "whoosh, whoosh-plain" in caught.value.message


@pytest.mark.parametrize("name", ["whoosh", "whoosh-plain"])
def test_the_environment_chooses_the_backend(tmp_path, monkeypatch, name):
    monkeypatch.setenv("CONSORTIUM_SEARCH_BACKEND", name)
    app = create_app(instance_path=str(tmp_path))
    assert app.config["SEARCH_BACKEND"] == name and get_backend(app).name == name


def test_the_default_backend_is_the_fast_one(app):
    assert app.config["SEARCH_BACKEND"] == "whoosh" and get_backend(app).name == "whoosh"
