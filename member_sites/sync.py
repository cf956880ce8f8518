"""What ``member-sync`` does besides pushing (``member_sites.push_files``): read and count
files, a dry run, withdraw holdings, and fold read results and the consortium's answers into
a run's summary (shared by the push and the harvest).

A push reads files with the format readers, sends batches of up to 1,000 usable records, and
after each acknowledged batch saves a checkpoint (next record index + summary so far). A rerun
after a crash or a kill skips what was acknowledged and resends at most one batch, which the
consortium's idempotent upsert turns into "unchanged": nothing is lost and nothing is stored
twice.
"""
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from member_sites.readers import ReadResult, read_records
from member_sites.summary import Summary, consortium_reasons

MAX_BATCH = 1000


@dataclass
class PushOptions:
    fmt: str
    batch_size: int = MAX_BATCH
    state_dir: str | None = None
    restart: bool = False


class NoProgress:
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
    summary, progress = Summary(), progress if progress is not None else NoProgress()
    for result in read_file(path, fmt):
        count_result(summary, result)
        if result.ok:
            summary.pushed += 1
        progress.update(1)
    return summary


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
    summary, progress = Summary(), progress if progress is not None else NoProgress()
    for local_id in local_ids:
        if client.withdraw(local_id):
            summary.withdrawn += 1
        else:
            summary.already_gone += 1
        progress.update(1)
    return summary
