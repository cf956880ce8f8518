"""What ``member-sync`` does: push a file in acknowledged batches, withdraw holdings.

``push_file`` reads the file with the format readers, sends batches of up to 1,000 usable
records, and after each acknowledged batch saves a checkpoint (next record index + summary so
far). A rerun after a crash or a kill skips what was acknowledged and resends at most one
batch, which the consortium's idempotent upsert turns into "unchanged": nothing is lost and
nothing is stored twice.
"""
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from member_sites import checkpoint as checkpoints
from member_sites.readers import ReadResult, read_records
from member_sites.summary import Summary, consortium_reasons

MAX_BATCH = 1000


@dataclass
class PushOptions:
    fmt: str
    batch_size: int = MAX_BATCH
    state_dir: str | None = None
    restart: bool = False


class _Progress:
    """The bits of a tqdm bar the push uses (so tests and quiet runs need no terminal)."""

    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def read_file(path: str | Path, fmt: str) -> Iterable[ReadResult]:
    with open(path, "rb") as fh:
        yield from read_records(fh, fmt)


def count_records(path: str | Path, fmt: str) -> int:
    """Records in the file (a quick first pass, so the progress bar can show a total and an ETA)."""
    return sum(1 for _ in read_file(path, fmt))


def dry_run(path: str | Path, fmt: str, progress=None) -> Summary:
    """Parse and report only: what a push would send, and every record the reader refused."""
    summary, progress = Summary(), progress if progress is not None else _Progress()
    for result in read_file(path, fmt):
        count_result(summary, result)
        if result.ok:
            summary.pushed += 1
        progress.update(1)
    return summary


def push_file(path: str | Path, client, target_url: str, options: PushOptions, progress=None,
              on_checkpoint: Callable[[int], None] | None = None) -> Summary:
    """Push every usable record of ``path`` through ``client``; resume from a checkpoint."""
    if not 1 <= options.batch_size <= MAX_BATCH:
        raise ValueError(f"batch size must be 1..{MAX_BATCH}")
    progress = progress if progress is not None else _Progress()
    identity = checkpoints.file_identity(path)
    state_file = checkpoints.state_path(identity, options.state_dir)
    target = {"url": target_url.rstrip("/"), "member": client.member.upper(), "format": options.fmt}
    state, note = checkpoints.load(state_file, identity, target)
    if options.restart:
        state, note = checkpoints.Checkpoint(identity, target), None
    if state.complete:
        state.summary.notes.append(f"already pushed completely (checkpoint {state_file}); "
                                   "use --restart to push the file again")
        return state.summary
    if note:
        state.summary.notes.append(note)
    elif state.next_index:
        state.summary.notes.append(f"resumed at record {state.next_index + 1} from checkpoint {state_file}")
    progress.update(state.next_index)
    _send_all(path, client, options, state, state_file, progress, on_checkpoint)
    state.complete = True
    checkpoints.save(state_file, state)
    return state.summary


def _send_all(path, client, options, state, state_file, progress, on_checkpoint) -> None:
    batch: list[ReadResult] = []
    pending = 0  # records read since the last checkpoint (in the batch or refused by the reader)
    index = state.next_index
    for index, result in enumerate(read_file(path, options.fmt)):
        if index < state.next_index:
            continue
        count_result(state.summary, result)
        pending += 1
        if result.ok:
            batch.append(result)
        if len(batch) == options.batch_size:
            _send(client, batch, state, index + 1, state_file, progress, pending, on_checkpoint)
            batch, pending = [], 0
    if batch or pending:
        end = index + 1 if pending else state.next_index
        _send(client, batch, state, end, state_file, progress, pending, on_checkpoint)


def _send(client, batch, state, next_index, state_file, progress, pending, on_checkpoint) -> None:
    if batch:
        answer = client.push([r.record for r in batch])
        account_answer(state.summary, batch, answer)
    state.next_index = next_index
    checkpoints.save(state_file, state)
    progress.update(pending)
    if on_checkpoint is not None:
        on_checkpoint(next_index)


def count_result(summary: Summary, result: ReadResult) -> None:
    summary.read += 1
    local_id = result.record.get("local_id") if result.record else None
    if not result.ok:
        summary.reject(result.position, local_id, "reader", result.reasons or ["unreadable record"])
    else:
        summary.warnings.extend(f"{result.position}: {p}" for p in result.problems)


def account_answer(summary: Summary, batch: list[ReadResult], answer: dict) -> None:
    """Fold the consortium's answer to one batch into the summary."""
    rejected = answer.get("rejected") or []
    summary.unchanged += int(answer.get("unchanged") or 0)
    # the API's "accepted" includes the unchanged ones
    summary.pushed += int(answer.get("accepted") or 0) - int(answer.get("unchanged") or 0)
    for item in rejected:
        index = item.get("index")
        sent = batch[index] if isinstance(index, int) and 0 <= index < len(batch) else None
        summary.reject(sent.position if sent else f"batch item {index}", item.get("local_id"),
                       "consortium", consortium_reasons(item.get("errors") or {}))


def withdraw_ids(client, local_ids: Iterable[str], progress=None) -> Summary:
    """Withdraw holdings by local id; one already gone (404) is counted, not an error."""
    summary, progress = Summary(), progress if progress is not None else _Progress()
    for local_id in local_ids:
        if client.withdraw(local_id):
            summary.withdrawn += 1
        else:
            summary.already_gone += 1
        progress.update(1)
    return summary
