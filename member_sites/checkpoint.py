"""Checkpoints of ``member-sync push``: where to resume after a crash or a kill.

A checkpoint names the file it belongs to (absolute path, size, SHA-256), the consortium and
member it was pushed to, the index of the next record to send, and the summary so far. It is
written atomically (temporary file, fsync, rename) only after the consortium acknowledged a
batch, so a rerun resends at most the one batch whose answer was lost — harmless, because the
push is an idempotent upsert by ``(member, local_id)``.
"""
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from member_sites.errors import CheckpointError
from member_sites.summary import Summary

VERSION = 1


@dataclass(frozen=True)
class FileIdentity:
    path: str
    size: int
    sha256: str


def file_identity(path: str | os.PathLike) -> FileIdentity:
    """What makes a checkpoint apply: the same path with the same bytes."""
    real = os.path.abspath(path)
    digest = hashlib.sha256()
    size = 0
    with open(real, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return FileIdentity(real, size, digest.hexdigest())


@dataclass
class Checkpoint:
    identity: FileIdentity
    target: dict  # {"url", "member", "format"}
    next_index: int = 0
    complete: bool = False
    summary: Summary = field(default_factory=Summary)

    def as_dict(self) -> dict:
        return {"version": VERSION, "file": vars(self.identity), "target": self.target,
                "next_index": self.next_index, "complete": self.complete, "summary": self.summary.as_dict()}


def state_path(identity: FileIdentity, state_dir: str | os.PathLike | None) -> Path:
    """``<file>.member-sync.json`` beside the input, or a name derived from its path in ``state_dir``."""
    if state_dir is None:
        return Path(identity.path + ".member-sync.json")
    tag = hashlib.sha256(identity.path.encode()).hexdigest()[:16]
    return Path(state_dir) / f"{Path(identity.path).name}.{tag}.member-sync.json"


def load(path: Path, identity: FileIdentity, target: dict) -> tuple[Checkpoint, str | None]:
    """The checkpoint to resume from (fresh when none applies) and a note on why it was not used."""
    fresh = Checkpoint(identity, target)
    if not path.exists():
        return fresh, None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        stored = FileIdentity(**data["file"])
        checkpoint = Checkpoint(stored, data["target"], int(data["next_index"]), bool(data["complete"]),
                                Summary.from_dict(data["summary"]))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return fresh, f"ignored an unreadable checkpoint {path} ({exc}); starting from the first record"
    if data.get("version") != VERSION or stored != identity:
        return fresh, f"the file changed since checkpoint {path} was written; starting from the first record"
    if checkpoint.target != target:
        return fresh, (f"checkpoint {path} belongs to another consortium, member or format "
                       f"({checkpoint.target}); starting from the first record")
    return checkpoint, None


def save(path: Path, checkpoint: Checkpoint) -> None:
    """Write atomically: a kill leaves either the old or the new checkpoint, never half of one."""
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(checkpoint.as_dict(), fh, ensure_ascii=False)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except OSError as exc:
        raise CheckpointError(f"cannot write checkpoint {path}: {exc} (use --state-dir?)") from exc


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems do not fsync directories; the rename is still atomic
    finally:
        os.close(fd)
