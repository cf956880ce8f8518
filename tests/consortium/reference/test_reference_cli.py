"""The reference commands: profiles from the command line and a sweep at a given time."""
from datetime import timedelta

import pytest
from click.testing import CliRunner

from consortium.cli import main
from consortium.db import get_engine, new_session
from consortium.reference.common import ReferenceSettings
from consortium.reference.models import Question
from consortium.reference.questions import submit_question
from tests.consortium.reference.conftest import WEDNESDAY, ask_data


@pytest.fixture
def cli(tmp_path):
    runner = CliRunner()
    instance = str(tmp_path / "instance")

    def invoke(*args):
        return runner.invoke(main, ["--instance", instance, *args])

    assert invoke("init").exit_code == 0
    for code in ("A", "B"):
        assert invoke("members", "add", code, "--name", f"{code}馆").exit_code == 0
    invoke.instance = instance
    return invoke


def test_profile_command_sets_strengths_and_hours(cli):
    """`consortium reference profile` writes the profile; bad hours exit 1 with a message."""
    result = cli("reference", "profile", "B", "--strengths", "TP=0.8,TU=0.6", "--hours", "mon-fri 08:00-17:30",
                 "--capacity", "12", "--languages", "zh,en")
    assert result.exit_code == 0, result.output
    assert "strengths {'TP': 0.8, 'TU': 0.6}" in result.output and "capacity 12" in result.output
    assert "B\t{'TP': 0.8, 'TU': 0.6}\ten,zh\t12" in cli("reference", "profiles").output
    bad = cli("reference", "profile", "B", "--hours", "someday 25:00")
    assert bad.exit_code == 1 and "Opening hours" in bad.output


def test_sweep_command_escalates_at_the_given_time(cli):
    """`consortium sweep --now` replays the sweep at that instant."""
    from consortium import create_app

    app = create_app(instance_path=cli.instance)
    with new_session(app) as session:
        result = submit_question(session, ask_data(question="红楼梦"), now=WEDNESDAY,
                                 settings=ReferenceSettings.from_config(app.config))
    out = cli("sweep", "--now", (WEDNESDAY + timedelta(days=3)).isoformat())
    assert out.exit_code == 0, out.output
    assert "1 escalated" in out.output
    with new_session(app) as session:
        assert session.get(Question, result["id"]).routed_member_id == 2  # B, the only other member
    get_engine(app).dispose()
    assert cli("sweep", "--now", "yesterday").exit_code == 2
