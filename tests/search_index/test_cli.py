"""``consortium index rebuild|check|status`` and ``consortium worker --once``."""
import json

import pytest
from click.testing import CliRunner

from consortium import create_app
from consortium.cli import main
from consortium.db import new_session
from consortium.accounts.service import add_member
from tests.search_index.conftest import push_books


@pytest.fixture
def cli(tmp_path):
    runner = CliRunner()
    instance = str(tmp_path / "instance")

    def invoke(*args):
        return runner.invoke(main, ["--instance", instance, *args], catch_exceptions=False)

    assert invoke("init").exit_code == 0
    app = create_app(instance_path=instance)
    with new_session(app) as session:
        members = {c: add_member(session, c, f"{c}馆") for c in ("A", "B", "C")}
        push_books(session, members)
    return invoke


def test_status_check_worker_once_and_rebuild(cli):
    """Status shows the lag, check fails before indexing, the worker catches up, rebuild stays clean."""
    status = json.loads(cli("index", "status", "--json").output)
    assert status["lag"] == status["head"] > 0 and status["exists"] is False
    before = cli("index", "check")
    assert before.exit_code == 1 and "5 missing" in before.output
    once = cli("worker", "--once")
    assert once.exit_code == 0 and "works updated" in once.output
    assert "lag 0 changes" in cli("index", "status").output
    assert cli("index", "check").output.strip().endswith("clean.")
    rebuilt = cli("index", "rebuild", "--quiet")
    assert rebuilt.exit_code == 0 and "Rebuilt the index: 5 works" in rebuilt.output
    after = cli("index", "check")
    assert after.exit_code == 0 and "Checked 5 works: clean." in after.output
