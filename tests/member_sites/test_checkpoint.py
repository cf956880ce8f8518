"""Checkpoints: which file and target they belong to, and atomic saving."""
import json

from member_sites import checkpoint as cp
from member_sites.summary import Summary

TARGET = {"url": "http://x", "member": "A", "format": "csv"}


def test_a_saved_checkpoint_is_resumed_for_the_same_file_and_target(tmp_path):
    """Saving then loading gives back the next index and the summary so far."""
    data = tmp_path / "f.csv"
    data.write_text("local_id,title\n1,a\n")
    identity = cp.file_identity(data)
    path = cp.state_path(identity, None)
    summary = Summary(read=5, pushed=4)
    summary.reject("line 3", None, "reader", ["title is empty"])
    cp.save(path, cp.Checkpoint(identity, TARGET, next_index=5, summary=summary))
    loaded, note = cp.load(path, identity, TARGET)
    assert note is None and loaded.next_index == 5 and loaded.summary == summary
    assert path == tmp_path / "f.csv.member-sync.json"
    assert not list(tmp_path.glob("*.tmp*"))


def test_a_changed_file_or_other_target_starts_from_the_first_record(tmp_path):
    """A checkpoint of other bytes, another member or a broken state file is not used, with a note why."""
    data = tmp_path / "f.csv"
    data.write_text("local_id,title\n1,a\n")
    identity = cp.file_identity(data)
    path = cp.state_path(identity, tmp_path / "state")
    cp.save(path, cp.Checkpoint(identity, TARGET, next_index=1))
    assert cp.load(path, identity, {**TARGET, "member": "B"})[0].next_index == 0
    data.write_text("local_id,title\n1,b\n")
    fresh, note = cp.load(path, cp.file_identity(data), TARGET)
    assert fresh.next_index == 0 and "changed" in note
    path.write_text("{broken")
    fresh, note = cp.load(path, identity, TARGET)
    assert fresh.next_index == 0 and "unreadable" in note


def test_state_dir_names_differ_for_files_of_the_same_name(tmp_path):
    """Two exports called records.csv in different folders get different state files."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for d in ("a", "b"):
        (tmp_path / d / "records.csv").write_text(d)
    paths = {cp.state_path(cp.file_identity(tmp_path / d / "records.csv"), tmp_path / "s") for d in ("a", "b")}
    assert len(paths) == 2


def test_checkpoint_file_is_plain_json_naming_the_file(tmp_path):
    """The state file records path, size and SHA-256 of the input (operators can read it)."""
    data = tmp_path / "f.csv"
    data.write_bytes(b"abc")
    identity = cp.file_identity(data)
    path = cp.state_path(identity, None)
    cp.save(path, cp.Checkpoint(identity, TARGET, next_index=0))
    stored = json.loads(path.read_text())
    assert stored["file"] == {"path": str(data), "size": 3,
                              "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}
