"""Pure bookkeeping of how far the indexer has applied the change log (no DB, no search engine).

On PostgreSQL a transaction can take a change-log id and commit after a later id is already
visible. So besides ``last_id`` (the highest id applied) the checkpoint keeps ``gaps``: ids
below ``last_id`` not seen yet, with the time they were first missed. Every pass re-reads the
gaps; a gap seen later is applied then.

A gap that never fills is a transaction that rolled back (or was killed). The database can
tell when that is certain (``Horizon``): a gap remembers the transaction-id horizon above
every transaction running when it was first missed, and is closed as soon as every
transaction below that horizon has ended without its row appearing. SQLite has no concurrent
writers, so a missing id there is final at once. A gap with no horizon (written by an older
version) is forgotten after ``ttl`` seconds, as before.
"""
from dataclasses import dataclass, field

# More open gaps than this means something else is wrong; keep the newest only.
MAX_GAPS = 10_000


@dataclass(frozen=True)
class Horizon:
    """What the database tells of the transactions that could still commit a missing id,
    taken around one pass's read: ``finished_below`` (before the read: every transaction
    with a lower id has ended, so its rows are visible to the read) and ``running_below``
    (after the read: every transaction that could hold an id missing from it has a lower
    id). ``concurrent`` is False where writers are serialised (SQLite)."""

    finished_below: int | None = None
    running_below: int | None = None
    concurrent: bool = True


SERIAL_WRITERS = Horizon(concurrent=False)


@dataclass(frozen=True)
class Progress:
    last_id: int = 0
    gaps: dict[int, float] = field(default_factory=dict)
    # a gap's transaction horizon when it was first missed (see ``Horizon``)
    horizons: dict[int, int] = field(default_factory=dict)


def advance(progress: Progress, seen_ids: list[int], now: float, ttl: float,
            horizon: Horizon | None = None) -> Progress:
    """The checkpoint after applying ``seen_ids`` (ids above ``last_id`` plus re-read gaps);
    gaps whose transactions are known to have ended (``horizon``) or that are older than
    ``ttl`` are closed."""
    seen = set(seen_ids)
    new_last = max(seen | {progress.last_id})
    if horizon is not None and not horizon.concurrent:
        return Progress(new_last)
    gaps = {i: t for i, t in progress.gaps.items() if i not in seen and now - t <= ttl
            and not _ended(progress.horizons.get(i), horizon)}
    horizons = {i: h for i, h in progress.horizons.items() if i in gaps}
    for missing in range(progress.last_id + 1, new_last):
        if missing not in seen and not _ended(_new_horizon(horizon), horizon):
            gaps.setdefault(missing, now)
            if _new_horizon(horizon) is not None:
                horizons.setdefault(missing, horizon.running_below)
    if len(gaps) > MAX_GAPS:
        gaps = dict(sorted(gaps.items())[-MAX_GAPS:])
        horizons = {i: h for i, h in horizons.items() if i in gaps}
    return Progress(new_last, gaps, horizons)


def late_ids(last_id: int, missing: list[int], now: float, horizon: Horizon) -> Progress:
    """The checkpoint of a rebuild that read the catalogue up to ``last_id`` while the ids
    ``missing`` below it were not visible (open gaps, unless writers are serialised)."""
    if not horizon.concurrent:
        return Progress(last_id)
    horizons = dict.fromkeys(missing, horizon.running_below) if horizon.running_below is not None else {}
    return Progress(last_id, dict.fromkeys(missing, now), horizons)


def _new_horizon(horizon: Horizon | None) -> int | None:
    return horizon.running_below if horizon is not None else None


def _ended(gap_horizon: int | None, horizon: Horizon | None) -> bool:
    """Every transaction that could have held the gap's id has ended."""
    return (gap_horizon is not None and horizon is not None and horizon.finished_below is not None
            and horizon.finished_below >= gap_horizon)


def from_row(last_id: int, gaps: dict | None) -> Progress:
    """JSON keeps dict keys as strings; the checkpoint works with ints. A gap is stored as its
    time, or as ``[time, horizon]``."""
    times, horizons = {}, {}
    for key, value in (gaps or {}).items():
        if isinstance(value, list):
            times[int(key)] = float(value[0])
            if len(value) > 1 and value[1] is not None:
                horizons[int(key)] = int(value[1])
        else:
            times[int(key)] = float(value)
    return Progress(last_id or 0, times, horizons)


def to_row(progress: Progress) -> tuple[int, dict]:
    return progress.last_id, {str(k): ([v, progress.horizons[k]] if k in progress.horizons else v)
                              for k, v in sorted(progress.gaps.items())}
