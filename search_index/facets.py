"""Facets from one column: each document stores all its facet values in ``facet_key``.

The searcher counts the distinct keys of the matching documents (one array lookup per
document, see ``search_index.ranking.facet_counts``); the keys are then split into per-facet
counts. Multi-valued members are a comma-joined set inside the key, so no overlapping facet
is needed.
"""
import numpy as np

FACET_NAMES = ("member", "format", "language", "clc", "clc_sub", "year", "available")
# Order of the parts inside ``facet_key`` (``member`` is itself a comma-joined set).
KEY_PARTS = FACET_NAMES
SEPARATOR = "|"
GROUP = "facet_key"


def facet_key(member_set: str, fmt: str, language: str, clc_top: str, clc_sub: str, decade: str,
              available: str) -> str:
    return SEPARATOR.join((member_set, fmt, language, clc_top, clc_sub, decade, available))


def key_values(key: str) -> list[tuple[str, str]]:
    """The ``(facet, value)`` pairs a facet key stands for (pure)."""
    parts = (key or "").split(SEPARATOR)
    if len(parts) != len(KEY_PARTS):
        return []
    pairs = []
    for name, value in zip(KEY_PARTS, parts):
        for v in (value.split(",") if name == "member" else [value]):
            if v:
                pairs.append((name, v))
    return pairs


def split_counts(key_counts: dict) -> dict[str, list[dict]]:
    """Per-facet ``[{"value", "count"}]`` from counts per facet key (pure)."""
    totals: dict[tuple[str, str], int] = {}
    for key, count in key_counts.items():
        for pair in key_values(key):
            totals[pair] = totals.get(pair, 0) + count
    return facet_rows(totals)


def facet_rows(value_counts: dict[tuple[str, str], int]) -> dict[str, list[dict]]:
    """Per-facet ``[{"value", "count"}]``, most frequent first (years newest first)."""
    totals: dict[str, dict[str, int]] = {name: {} for name in FACET_NAMES}
    for (name, value), count in value_counts.items():
        totals[name][value] = count
    return {name: _rows(name, counts) for name, counts in totals.items()}


class KeyIndex:
    """A segment's distinct facet keys against the facet values they stand for, as the
    (row, column) pairs of a sparse 0/1 matrix: counts per key become counts per value in
    one weighted ``bincount``."""

    def __init__(self, keys: list[str]):
        columns: dict[tuple[str, str], int] = {}
        rows, cols = [], []
        for row, key in enumerate(keys):
            for pair in key_values(key):
                rows.append(row)
                cols.append(columns.setdefault(pair, len(columns)))
        self.values = list(columns)
        self.rows = np.array(rows, dtype=np.int64)
        self.cols = np.array(cols, dtype=np.int64)

    def value_counts(self, per_key: np.ndarray) -> dict[tuple[str, str], int]:
        if not self.values:
            return {}
        per_value = np.bincount(self.cols, weights=per_key[self.rows], minlength=len(self.values))
        return {self.values[i]: int(per_value[i]) for i in np.flatnonzero(per_value)}


def _rows(name: str, counts: dict[str, int]) -> list[dict]:
    if name == "year":
        rows = [{"value": f"{d}-{int(d) + 9}", "count": n, "year_from": int(d), "year_to": int(d) + 9}
                for d, n in counts.items()]
        return sorted(rows, key=lambda r: -r["year_from"])
    rows = [{"value": v, "count": n} for v, n in counts.items()]
    return sorted(rows, key=lambda r: (-r["count"], r["value"]))
