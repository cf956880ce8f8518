"""``member-sync push DIR``: a folder of many small files in one process, batched across files,
checkpointed per file, one summary for the run (real app over loopback HTTP)."""
import json
import os
import signal
import subprocess
import sys
import time

from click.testing import CliRunner
from sqlmodel import func, select

from consortium.catalogue.models import Holding, PushBatch
from member_sites.sync_cli import main
from tests.member_sites.conftest import export_csv


def folder_of_exports(folder, files: int, per_file: int) -> list[str]:
    folder.mkdir()
    ids = []
    for n in range(files):
        ids += export_csv(folder / f"day-{n:03d}.csv", per_file, start=n * per_file)
    return ids


def push(live_server, key, *args):
    return CliRunner().invoke(main, ["--url", live_server.url, "--member", "A", "--key", key, "--quiet", "push", *args])


def counts(session) -> tuple[int, int]:
    session.expire_all()
    return (session.exec(select(func.count()).select_from(Holding)).one(),
            session.exec(select(func.count()).select_from(PushBatch)).one())


def test_a_folder_of_40_small_files_goes_in_as_one_batch(live_server, keys, members, session, tmp_path):
    """40 files of 10 records: one run, one push batch of 400, a checkpoint per file, one summary."""
    folder = tmp_path / "exports"
    folder_of_exports(folder, 40, 10)
    result = push(live_server, keys["A"], str(folder), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert "read 400 · pushed 400 · unchanged 0 · rejected 0" in result.output
    assert "40 file(s) in" in result.output
    assert counts(session) == (400, 1)
    checkpoints = sorted(folder.glob("*.member-sync.json"))
    assert len(checkpoints) == 40
    assert all(json.loads(p.read_text())["complete"] for p in checkpoints)
    again = push(live_server, keys["A"], str(folder), "--format", "csv")
    assert again.output.count("already pushed completely") == 40  # the run's summary is the files' own
    assert counts(session) == (400, 1)


def test_batches_span_files_and_a_changed_file_alone_is_pushed_again(live_server, keys, members, session, tmp_path):
    """Batches of 25 over files of 10 cross file boundaries; editing one file re-sends only it."""
    folder = tmp_path / "exports"
    folder_of_exports(folder, 6, 10)
    assert push(live_server, keys["A"], str(folder), "--format", "csv", "--batch-size", "25").exit_code == 0
    assert counts(session) == (60, 3)
    export_csv(folder / "day-002.csv", 10, start=20, extra_rows=[["new-1", "新到的书", "", "", 2024, "", "", 1]])
    result = push(live_server, keys["A"], str(folder), "--format", "csv", "--batch-size", "25")
    assert "read 61 · pushed 51 · unchanged 10" in result.output  # five files from their checkpoints
    assert result.output.count("already pushed completely") == 5
    assert counts(session) == (61, 4)


def test_files_of_another_format_are_skipped_and_an_unreadable_file_is_reported(live_server, keys, members,
                                                                                session, tmp_path):
    """A MARCXML file among CSVs is skipped with a note; a CSV without the required columns is a
    rejection naming its file; the other files go in; exit 1."""
    folder = tmp_path / "exports"
    ids = folder_of_exports(folder, 3, 5)
    (folder / "stray.xml").write_bytes(b'<collection xmlns="http://www.loc.gov/MARC21/slim"><record/></collection>')
    (folder / "broken.csv").write_text("isbn,price\n1,2\n", encoding="utf-8")
    result = push(live_server, keys["A"], str(folder), "--format", "csv")
    assert result.exit_code == 1, result.output
    assert "skipped stray.xml: it looks like MARCXML, not CSV" in result.output
    assert "broken.csv: file (reader): unusable: the file cannot be read: The CSV header lacks" in result.output
    assert counts(session)[0] == len(ids) == 15


def test_a_folder_push_killed_mid_way_resumes_without_loss_or_doubles(live_server, keys, members, session, tmp_path):
    """SIGKILL after some acknowledged batches; the rerun completes the folder: every record once."""
    folder = tmp_path / "exports"
    ids = folder_of_exports(folder, 30, 40)
    env = {**os.environ, "DAODU_URL": live_server.url, "DAODU_MEMBER": "A", "DAODU_KEY": keys["A"]}
    command = [sys.executable, "-m", "member_sites.sync_cli", "--quiet", "push", str(folder), "--format", "csv",
               "--batch-size", "50"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while counts(session)[1] < 5:
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.communicate()
    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    session.expire_all()
    stored = session.exec(select(Holding.local_id)).all()
    assert sorted(stored) == sorted(ids)
