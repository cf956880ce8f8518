"""Killing ``member-sync push`` mid-way and running it again leaves exactly the file's records."""
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from sqlmodel import func, select

from consortium.catalogue.models import Holding, Work


def start_push(path, live_server, key, batch_size):
    env = {**os.environ, "DAODU_URL": live_server.url, "DAODU_MEMBER": "A", "DAODU_KEY": key}
    return subprocess.Popen(
        [sys.executable, "-m", "member_sites.sync_cli", "--quiet", "push", str(path), "--format", "csv",
         "--batch-size", str(batch_size)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def acknowledged(state_file) -> int:
    try:
        return json.loads(state_file.read_text())["next_index"]
    except (OSError, ValueError):
        return 0  # not written yet


def kill_after(proc, state_file, records: int, timeout: float = 600) -> int:
    """SIGKILL the push once ``records`` were acknowledged; returns the checkpointed index."""
    deadline = time.monotonic() + timeout
    while acknowledged(state_file) < records:
        assert proc.poll() is None, f"push ended before it could be killed: {proc.communicate()}"
        assert time.monotonic() < deadline, "push made no progress"
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    return acknowledged(state_file)


def assert_catalogue_holds_exactly(session, member, ids):
    session.expire_all()
    stored = session.exec(select(Holding.local_id).where(Holding.member_id == member.id)).all()
    assert len(stored) == len(ids), "records lost or stored twice"
    assert sorted(stored) == sorted(ids)
    live_works = session.exec(select(func.count()).select_from(Work).where(Work.merged_into_id.is_(None))).one()
    assert live_works == len(ids), "every book of the file is one work, none doubled"


def kill_and_resume(live_server, keys, members, session, export_file, count, batch_size, kill_at):
    path, ids = export_file(count)
    state_file = path.with_name(path.name + ".member-sync.json")
    proc = start_push(path, live_server, keys["A"], batch_size)
    checkpointed = kill_after(proc, state_file, kill_at)
    session.expire_all()
    partial = session.exec(select(func.count()).select_from(Holding)).one()
    assert checkpointed <= partial < count, "killed mid-way: some but not all records are in"
    rerun = start_push(path, live_server, keys["A"], batch_size)
    out, err = rerun.communicate(timeout=900)
    assert rerun.returncode == 0, (out, err)
    assert f"resumed at record {checkpointed + 1}" in out
    assert f"read {count} · pushed " in out and "rejected 0" in out
    assert_catalogue_holds_exactly(session, members["A"], ids)
    return checkpointed


def test_killed_push_of_1000_records_resumes_without_loss_or_duplicates(live_server, keys, members, session,
                                                                         export_file):
    """Batches of 100, killed after 300 acknowledged records: the rerun completes the file exactly."""
    checkpointed = kill_and_resume(live_server, keys, members, session, export_file, 1000, 100, 300)
    assert 300 <= checkpointed < 1000, "the kill came mid-file, after at least 300 acknowledged records"


@pytest.mark.slow
def test_killed_push_of_20000_records_resumes_without_loss_or_duplicates(live_server, keys, members, session,
                                                                          export_file):
    """The issue's case: 20,000 records in batches of 1,000, SIGKILLed after 3 batches, then run again."""
    checkpointed = kill_and_resume(live_server, keys, members, session, export_file, 20000, 1000, 3000)
    assert 3000 <= checkpointed < 20000, "the kill came mid-file, after at least 3 acknowledged batches"
