"""``consortium index rebuild|check|status`` and ``consortium worker --once``."""
import json

import pytest
from click.testing import CliRunner

from consortium import create_app
from consortium.accounts.service import add_member
from consortium.cli import main
from consortium.db import new_session
from search_index import analysis
from tests.search_index.conftest import push_books

pytestmark = pytest.mark.needs_search


@pytest.fixture
def cli(tmp_path, monkeypatch, search_backend):
    runner = CliRunner()
    instance = str(tmp_path / "instance")
    monkeypatch.setenv("CONSORTIUM_SEARCH_BACKEND", search_backend)
    monkeypatch.setenv("CONSORTIUM_SEARCH_INDEX_REBUILD_PROCS", "1")

    def invoke(*args):
        return runner.invoke(main, ["--instance", instance, *args], catch_exceptions=False)

    assert invoke("init").exit_code == 0
    app = create_app(instance_path=instance)
    with new_session(app) as session:
        members = {c: add_member(session, c, f"{c}馆") for c in ("A", "B", "C")}
        push_books(session, members)
    return invoke


def test_status_check_worker_once_and_rebuild(cli, search_backend):
    """Status names the backend and shows the lag, check fails before indexing, the worker
    catches up, rebuild stays clean."""
    status = json.loads(cli("index", "status", "--json").output)
    assert status["lag"] == status["head"] > 0 and status["exists"] is False
    assert status["backend"] == search_backend
    before = cli("index", "check")
    assert before.exit_code == 1 and "5 missing" in before.output
    once = cli("worker", "--once")
    assert once.exit_code == 0 and "works updated" in once.output
    text = cli("index", "status").output
    assert "lag 0 changes" in text and f"(backend {search_backend})" in text and "(current)" in text
    cluster = json.loads(cli("index", "status", "--json").output)["cluster"]
    if search_backend == "opensearch":  # two shards with a replica each (the tests' cluster options)
        assert cluster["health"] in ("green", "yellow") and cluster["shards"] == 2 and cluster["copies"] >= 2
        assert cluster["replication"] == "segment" and "replicas copy the primaries' segments" in text
    else:
        assert cluster is None and "Cluster:" not in text
    assert cli("index", "check").output.strip().endswith("clean.")
    rebuilt = cli("index", "rebuild", "--quiet")
    assert rebuilt.exit_code == 0 and "Rebuilt the index: 5 works" in rebuilt.output
    after = cli("index", "check")
    assert after.exit_code == 0 and "Checked 5 works: clean." in after.output


def test_status_says_when_the_index_must_be_rebuilt_and_worker_once_rebuilds_it(cli, monkeypatch):
    """After a change of the analysis the status says the index differs; ``worker --once``
    rebuilds it before catching up."""
    cli("worker", "--once")
    monkeypatch.setattr(analysis, "ANALYSIS_VERSION", analysis.ANALYSIS_VERSION + 1)
    stale = cli("index", "status").output
    assert "differs from this version's" in stale and "rebuilds the index" in stale
    assert cli("worker", "--once").exit_code == 0
    assert "(current)" in cli("index", "status").output
