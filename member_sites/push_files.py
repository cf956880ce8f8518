"""``member-sync push`` of one file or of a folder of files, in one process.

Usable records of every file go into shared batches of up to ``batch_size`` (a folder of many
small files costs batches, not a process and a round trip per file). Each file keeps its own
checkpoint (``member_sites.checkpoint``), saved after every acknowledged batch that held some
of its records: a rerun after a crash or a kill resends at most one batch, which the
consortium's idempotent upsert turns into "unchanged". The run's summary adds up the files'.

The consortium answers a batch with totals of accepted and unchanged records, not per record,
so when a batch spans files the split of "unchanged" between them is by file order; the run's
totals are exact.

In a folder, a file that cannot be read at all (too large, unreadable) is reported and left
unfinished for the next run; a file whose first bytes show another format is skipped with a
note; the others are pushed.
"""
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from member_sites import checkpoint as checkpoints
from member_sites.errors import MemberSitesError
from member_sites.readers import ReadResult
from member_sites.readers.sniff import LABELS, sniff_stream
from member_sites.summary import Summary, combine, consortium_reasons
from member_sites.sync import MAX_BATCH, NoProgress, PushOptions, count_result, dry_run, read_file

CHECKPOINT_SUFFIX = ".member-sync.json"


@dataclass
class _FileRun:
    """One file's part of a run: its checkpoint, and how far it has been read."""

    path: Path
    state: checkpoints.Checkpoint
    state_file: Path
    read_upto: int = 0
    read_done: bool = False


@dataclass
class _Batch:
    """Records of any number of files waiting to be sent together."""

    client: object
    size: int
    progress: object
    items: list[tuple[_FileRun, ReadResult]] = field(default_factory=list)
    touched: dict[int, _FileRun] = field(default_factory=dict)
    read_since: int = 0

    def add(self, run: _FileRun, result: ReadResult) -> None:
        self.touched[id(run)] = run
        self.read_since += 1
        if result.ok:
            self.items.append((run, result))
        if len(self.items) == self.size:
            self.send()

    def send(self) -> None:
        """Push what waits (if anything), then checkpoint every file it came from."""
        if self.items:
            answer = self.client.push([result.record for _, result in self.items])
            _account(self.items, answer)
        for run in self.touched.values():
            run.state.next_index = run.read_upto
            run.state.complete = run.read_done
            checkpoints.save(run.state_file, run.state)
        self.progress.update(self.read_since)
        self.items, self.touched, self.read_since = [], {}, 0


def _account(items: list[tuple[_FileRun, ReadResult]], answer: dict) -> None:
    """Fold the consortium's answer to one batch into the summaries of the files it held."""
    refused = set()
    for item in answer.get("rejected") or []:
        index = item.get("index")
        run, sent = items[index] if isinstance(index, int) and 0 <= index < len(items) else (items[0][0], None)
        run.state.summary.reject(sent.position if sent else f"batch item {index}", item.get("local_id"),
                                 "consortium", consortium_reasons(item.get("errors") or {}))
        refused.add(index)
    accepted: dict[int, list] = {}
    for index, (run, _) in enumerate(items):
        if index not in refused:
            accepted.setdefault(id(run), [run, 0])[1] += 1
    unchanged = int(answer.get("unchanged") or 0)
    surplus = int(answer.get("accepted") or 0) - sum(count for _, count in accepted.values())
    for number, (run, count) in enumerate(accepted.values()):
        count += surplus if number == len(accepted) - 1 else 0  # the API's total is the truth
        same = min(count, unchanged)
        unchanged -= same
        run.state.summary.unchanged += same
        run.state.summary.pushed += count - same


def _open(path: Path, client, target_url: str, options: PushOptions) -> _FileRun:
    identity = checkpoints.file_identity(path)
    state_file = checkpoints.state_path(identity, options.state_dir)
    target = {"url": target_url.rstrip("/"), "member": client.member.upper(), "format": options.fmt}
    state, note = checkpoints.load(state_file, identity, target)
    if options.restart:
        state, note = checkpoints.Checkpoint(identity, target), None
    if state.complete:
        state.summary.notes.append(f"already pushed completely (checkpoint {state_file}); "
                                   "use --restart to push the file again")
    elif note:
        state.summary.notes.append(note)
    elif state.next_index:
        state.summary.notes.append(f"resumed at record {state.next_index + 1} from checkpoint {state_file}")
    return _FileRun(Path(path), state, state_file, read_upto=state.next_index)


def push_paths(paths: Iterable[str | os.PathLike], client, target_url: str, options: PushOptions, progress=None,
               *, keep_going: bool = False) -> Summary:
    """Push every usable record of ``paths`` in shared batches; resume each from its checkpoint.

    ``keep_going``: a file that cannot be read is reported and the next one pushed (folders);
    otherwise its error is raised (a single file)."""
    if not 1 <= options.batch_size <= MAX_BATCH:
        raise ValueError(f"batch size must be 1..{MAX_BATCH}")
    progress = progress if progress is not None else NoProgress()
    runs = [_open(Path(p), client, target_url, options) for p in paths]
    batch = _Batch(client, options.batch_size, progress)
    progress.update(sum(run.state.next_index for run in runs if not run.state.complete))
    for run in runs:
        if not run.state.complete:
            _read_into(run, batch, options.fmt, keep_going)
    batch.send()
    return combine([(run.path.name, run.state.summary) for run in runs]) if runs else Summary()


def _read_into(run: _FileRun, batch: _Batch, fmt: str, keep_going: bool) -> None:
    try:
        for index, result in enumerate(read_file(run.path, fmt)):
            if index < run.state.next_index:
                continue
            count_result(run.state.summary, result)
            run.read_upto = index + 1
            batch.add(run, result)
    except MemberSitesError as exc:
        if not keep_going:
            raise
        run.state.summary.reject("file", None, "reader", [f"unusable: the file cannot be read: {exc}"])
        batch.touched[id(run)] = run
        return
    run.read_done = True
    batch.touched[id(run)] = run


def dry_run_paths(paths: list[Path], fmt: str, progress=None) -> Summary:
    """A dry run of several files (a folder): one summary, a file that cannot be read reported."""
    parts = []
    for path in paths:
        try:
            parts.append((path.name, dry_run(path, fmt, progress)))
        except MemberSitesError as exc:
            failed = Summary()
            failed.reject("file", None, "reader", [f"unusable: the file cannot be read: {exc}"])
            parts.append((path.name, failed))
    return combine(parts) if parts else Summary()


def folder_files(folder: str | os.PathLike, fmt: str, notes: list[str]) -> list[Path]:
    """The export files of ``folder`` in name order: not hidden, not checkpoints, and not of a
    format other than ``fmt`` by their first bytes (each skipped one is noted)."""
    files = []
    for path in sorted(Path(folder).iterdir()):
        name = path.name
        if not path.is_file() or name.startswith(".") or CHECKPOINT_SUFFIX in name:
            continue
        with open(path, "rb") as fh:
            try:
                sniffed = sniff_stream(fh)
            except MemberSitesError:
                sniffed = None
        if sniffed is not None and sniffed != fmt:
            notes.append(f"skipped {name}: it looks like {LABELS[sniffed]}, not {LABELS[fmt]}")
            continue
        files.append(path)
    return files
