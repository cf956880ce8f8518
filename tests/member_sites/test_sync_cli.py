"""``member-sync`` against the real app over HTTP on loopback: push, dry run, withdraw, exit codes."""
import json

import pytest
from click.testing import CliRunner
from sqlmodel import func, select

from consortium.catalogue.models import Holding, PushBatch
from member_sites.sync_cli import main, resolve_settings


def cli(live_server, key, *args, member="A"):
    result = CliRunner().invoke(main, ["--url", live_server.url, "--member", member, "--key", key, "--quiet", *args])
    return result


def holdings_of(session, member) -> list[str]:
    session.expire_all()
    rows = session.exec(select(Holding.local_id).where(Holding.member_id == member.id)).all()
    return sorted(rows)


def test_push_stores_every_record_of_the_file_and_ends_with_a_summary(live_server, keys, members, session, export_file):
    """A 1,200-record CSV goes in as two batches; the summary counts it and the exit status is 0."""
    path, ids = export_file(1200)
    result = cli(live_server, keys["A"], "push", str(path), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert "read 1200 · pushed 1200 · unchanged 0 · rejected 0" in result.output
    assert holdings_of(session, members["A"]) == ids
    sizes = session.exec(select(PushBatch.received).where(PushBatch.member_id == members["A"].id)).all()
    assert sorted(sizes) == [200, 1000]


def test_reader_rejections_are_listed_by_line_and_exit_non_zero(live_server, keys, members, session, export_file):
    """Rows the reader cannot use are listed by line with their reasons, the good ones go in; exit 1."""
    bad = [["no-title", "", "", "", "", "", "", ""], ["bad-year", "年份不对的书", "", "", "1899x", "", "", ""]]
    path, ids = export_file(3, extra_rows=bad)
    result = cli(live_server, keys["A"], "push", str(path), "--format", "csv")
    assert result.exit_code == 1, result.output
    assert "read 5 · pushed 3 · unchanged 0 · rejected 2" in result.output
    assert "line 5 (reader): title is empty; (local_id no-title)" in result.output
    assert "line 6 (reader): year: '1899x' is not a whole number" in result.output
    assert holdings_of(session, members["A"]) == ids


def test_consortium_rejection_is_reported_with_line_and_local_id(live_server, keys, tmp_path):
    """A record the consortium refuses is named by its line in the file and its local id."""
    path = tmp_path / "isbn.csv"
    path.write_text("local_id,title,isbns\nok,好书,9787020002207\nbad,坏书号,9787020002201\n", encoding="utf-8")
    result = cli(live_server, keys["A"], "push", str(path), "--format", "csv")
    assert result.exit_code == 1
    assert "line 3 [bad] (consortium): isbns: ISBN '9787020002201' has a bad check digit." in result.output


def test_rerun_of_a_completed_file_sends_nothing(live_server, keys, members, session, export_file):
    """A second run of the same file reports the finished checkpoint; --restart sends all as unchanged."""
    path, ids = export_file(50)
    assert cli(live_server, keys["A"], "push", str(path), "--format", "csv").exit_code == 0
    again = cli(live_server, keys["A"], "push", str(path), "--format", "csv")
    assert again.exit_code == 0 and "already pushed completely" in again.output
    restart = cli(live_server, keys["A"], "push", str(path), "--format", "csv", "--restart")
    assert "pushed 0 · unchanged 50" in restart.output
    assert session.exec(select(func.count()).select_from(PushBatch)).one() == 2


def test_dry_run_parses_and_reports_without_sending(live_server, keys, members, session, export_file, monkeypatch):
    """--dry-run needs no consortium at all and stores nothing."""
    path, _ids = export_file(20, extra_rows=[["x", "", "", "", "", "", "", ""]])
    result = CliRunner().invoke(main, ["--quiet", "push", str(path), "--format", "csv", "--dry-run"], env={})
    assert "read 21 · would push 20 · unchanged 0 · rejected 1" in result.output
    assert result.exit_code == 1
    assert holdings_of(session, members["A"]) == []
    assert not path.with_name(path.name + ".member-sync.json").exists()


def test_withdraw_removes_holdings_and_accepts_ones_already_gone(live_server, keys, members, session, export_file):
    """Withdrawing a present and an absent local id both succeed; the summary tells them apart."""
    path, ids = export_file(3)
    cli(live_server, keys["A"], "push", str(path), "--format", "csv")
    result = cli(live_server, keys["A"], "withdraw", ids[0], "never-pushed")
    assert result.exit_code == 0, result.output
    assert "withdrawn 1 (already gone 1)" in result.output
    assert holdings_of(session, members["A"]) == ids[1:]


def test_a_wrong_key_fails_at_once_with_exit_2(live_server, keys, export_file):
    """401/403 are final: no retry, a one-line message and exit status 2."""
    path, _ids = export_file(3)
    result = cli(live_server, keys["B"], "push", str(path), "--format", "csv")
    assert result.exit_code == 2
    assert "HTTP 403" in result.output and "acts for member B only" in result.output
    result = cli(live_server, "dk_nonsense", "withdraw", "x")
    assert result.exit_code == 2 and "HTTP 401" in result.output


def test_unknown_member_is_not_mistaken_for_an_already_withdrawn_record(live_server, keys):
    """A 404 for the member code itself is a configuration error (exit 2)."""
    result = cli(live_server, keys["A"], "withdraw", "x", member="NOPE")
    assert result.exit_code == 2


def test_settings_come_from_options_then_environment_then_config_file(tmp_path):
    """Each of url, member and key is taken from the first place that has it."""
    config = tmp_path / "sync.ini"
    config.write_text("[member-sync]\nurl = http://file\nmember = F\nkey = kf\n", encoding="utf-8")
    assert resolve_settings({"url": "http://opt"}, {"DAODU_MEMBER": "E"}, str(config)) == {
        "url": "http://opt", "member": "E", "key": "kf"}


def test_missing_settings_name_what_to_set(tmp_path, export_file):
    """Without a key anywhere the command says which option or variable to give (exit 2)."""
    path, _ids = export_file(1)
    result = CliRunner().invoke(main, ["--config", str(tmp_path / "none.ini"), "--url", "http://x", "--member", "A",
                                       "push", str(path), "--format", "csv"], env={"DAODU_KEY": ""})
    assert result.exit_code == 2 and "missing key" in result.output and "DAODU_KEY" in result.output


def test_unreadable_file_fails_cleanly(live_server, keys, tmp_path):
    """A CSV without the required columns stops with the reader's message, not a traceback."""
    path = tmp_path / "bad.csv"
    path.write_text("isbn,price\n1,2\n", encoding="utf-8")
    result = cli(live_server, keys["A"], "push", str(path), "--format", "csv")
    assert result.exit_code == 2 and "lacks the required column(s) local_id, title" in result.output


@pytest.mark.parametrize("fmt", ["csv"])
def test_checkpoint_lies_beside_the_file_or_in_state_dir(live_server, keys, export_file, tmp_path, fmt):
    """The checkpoint goes where --state-dir says, and records the next index after the last batch."""
    path, _ids = export_file(10)
    result = cli(live_server, keys["A"], "push", str(path), "--format", fmt, "--state-dir", str(tmp_path / "st"))
    assert result.exit_code == 0
    (state,) = (tmp_path / "st").glob("*.member-sync.json")
    data = json.loads(state.read_text())
    assert data["next_index"] == 10 and data["complete"] is True and data["target"]["member"] == "A"


def test_progress_bar_goes_to_stderr_with_the_files_total(export_file):
    """Without --quiet a tqdm bar counting to the file's total is drawn on stderr, not stdout."""
    path, _ids = export_file(20)
    result = CliRunner().invoke(main, ["push", str(path), "--format", "csv", "--dry-run"])
    assert "20/20" in result.stderr and "20/20" not in result.stdout
    assert result.exit_code == 0 and "read 20 · would push 20" in result.stdout
