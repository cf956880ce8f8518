"""The top of a result list and its facet counts, from per-segment arrays of matches.

Sorts: relevance (score, then ``documents.tie_order``: the most held, the newest, the lowest
work id), newest acquisition and year (descending, then index order), title (folded title
key, then index order). Only the first ``limit`` documents
are ordered; the rest are only counted.
"""
import numpy as np

from search_index.whoosh_common import facet_key

NUMERIC_SORTS = {"newest": "acquired", "year": "year"}
# what orders works of equal score (the editions of one title) in the relevance sort
TIE_COLUMN = "tie_order"
TITLE_COLUMN = "title_sort"


def top(evaluator, matches, sort: str, limit: int) -> list[int]:
    """Global docnums of the first ``limit`` matches in ``sort`` order."""
    if limit <= 0 or not any(len(ids) for ids, _ in matches):
        return []
    if sort == "title":
        return _top_by_title(evaluator, matches, limit)
    docnums = np.concatenate([ids + leaf.offset for (ids, _), leaf in zip(matches, evaluator.leaves)])
    if sort in NUMERIC_SORTS:
        keys = _column(evaluator, matches, NUMERIC_SORTS[sort])
        return _largest(keys.astype(np.float64), docnums, limit)
    keys = np.concatenate([scores for _, scores in matches]).astype(np.float64)
    return _largest(keys, docnums, limit, lambda candidates: _values_at(evaluator, TIE_COLUMN, candidates))


def _column(evaluator, matches, column: str) -> np.ndarray:
    """A numeric column's values of the matches, in the order of their docnums."""
    return np.concatenate([evaluator.arrays.numeric(leaf.reader, column)[ids]
                           for (ids, _), leaf in zip(matches, evaluator.leaves)])


def _values_at(evaluator, column: str, docnums: np.ndarray) -> np.ndarray:
    """A numeric column's values at global docnums (only the top's candidates are looked up)."""
    offsets = np.array([leaf.offset for leaf in evaluator.leaves], dtype=np.int64)
    which = np.searchsorted(offsets, docnums, side="right") - 1
    values = np.zeros(len(docnums), dtype=np.int64)
    for n in np.unique(which).tolist():
        leaf, here = evaluator.leaves[n], which == n
        values[here] = evaluator.arrays.numeric(leaf.reader, column)[docnums[here] - leaf.offset]
    return values


def _largest(keys: np.ndarray, docnums: np.ndarray, limit: int, tiebreak=None) -> list[int]:
    """Docnums of the ``limit`` largest keys, largest first; ties by the larger
    ``tiebreak(docnums)`` value, then in docnum order."""
    if len(keys) > limit:
        # everything tied with the limit-th key stays a candidate, so ties break alike
        threshold = np.partition(keys, len(keys) - limit)[len(keys) - limit]
        chosen = keys >= threshold
        keys, docnums = keys[chosen], docnums[chosen]
    sort_keys = (docnums, -keys) if tiebreak is None else (docnums, -tiebreak(docnums), -keys)
    order = np.lexsort(sort_keys)[:limit]
    return docnums[order].tolist()


def _top_by_title(evaluator, matches, limit: int) -> list[int]:
    candidates = []
    for (ids, _), leaf in zip(matches, evaluator.leaves):
        if not len(ids):
            continue
        ranks = evaluator.arrays.ranks(leaf.reader, TITLE_COLUMN)[ids]
        if len(ids) > limit:
            threshold = np.partition(ranks, limit - 1)[limit - 1]
            ids = ids[ranks <= threshold]
        codes, names = evaluator.arrays.enumerated(leaf.reader, TITLE_COLUMN)
        candidates.extend((names[codes[doc]], int(doc) + leaf.offset) for doc in ids)
    candidates.sort()
    return [docnum for _title, docnum in candidates[:limit]]


def facet_counts(evaluator, matches, column: str) -> dict[tuple[str, str], int]:
    """How many matches carry each facet value, from the facet-key column."""
    counts: dict[tuple[str, str], int] = {}
    for (ids, _), leaf in zip(matches, evaluator.leaves):
        if not len(ids):
            continue
        codes, names = evaluator.arrays.enumerated(leaf.reader, column)
        if not names:
            continue
        index = evaluator.arrays.cached(leaf.reader, ("keys", column), lambda names=names: KeyIndex(names))
        per_key = np.bincount(codes[ids], minlength=len(names))
        for pair, count in index.value_counts(per_key).items():
            counts[pair] = counts.get(pair, 0) + count
    return counts


class KeyIndex:
    """A segment's distinct facet keys against the facet values they stand for, as the
    (row, column) pairs of a sparse 0/1 matrix: counts per key become counts per value in
    one weighted ``bincount``."""

    def __init__(self, keys: list[str]):
        columns: dict[tuple[str, str], int] = {}
        rows, cols = [], []
        for row, key in enumerate(keys):
            for pair in facet_key.key_values(key):
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
