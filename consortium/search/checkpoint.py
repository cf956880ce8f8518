"""Pure bookkeeping of how far the indexer has applied the change log (no DB, no search engine).

On PostgreSQL a transaction can take a change-log id and commit after a later id is already
visible. So besides ``last_id`` (the highest id applied) the checkpoint keeps ``gaps``: ids
below ``last_id`` not seen yet, with the time they were first missed. Every pass re-reads the
gaps; a gap seen later is applied then; a gap older than ``ttl`` seconds is a rolled-back
transaction (its id was consumed and will never appear) and is forgotten.
"""
from dataclasses import dataclass, field

# More open gaps than this means something else is wrong; keep the newest only.
MAX_GAPS = 10_000


@dataclass(frozen=True)
class Progress:
    last_id: int = 0
    gaps: dict[int, float] = field(default_factory=dict)


def advance(progress: Progress, seen_ids: list[int], now: float, ttl: float) -> Progress:
    """The checkpoint after applying ``seen_ids`` (ids above ``last_id`` plus re-read gaps)."""
    seen = set(seen_ids)
    new_last = max(seen | {progress.last_id})
    gaps = {i: t for i, t in progress.gaps.items() if i not in seen and now - t <= ttl}
    for missing in range(progress.last_id + 1, new_last):
        if missing not in seen:
            gaps.setdefault(missing, now)
    if len(gaps) > MAX_GAPS:
        gaps = dict(sorted(gaps.items())[-MAX_GAPS:])
    return Progress(new_last, gaps)


def from_row(last_id: int, gaps: dict | None) -> Progress:
    """JSON keeps dict keys as strings; the checkpoint works with ints."""
    return Progress(last_id or 0, {int(k): float(v) for k, v in (gaps or {}).items()})


def to_row(progress: Progress) -> tuple[int, dict]:
    return progress.last_id, {str(k): v for k, v in sorted(progress.gaps.items())}
