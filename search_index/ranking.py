"""The top of a result list and its facet counts, from per-segment arrays of matches.

Sorts: relevance (score, then index order), newest acquisition and year (descending, then
index order), title (folded title key, then index order). Only the first ``limit`` documents
are ordered; the rest are only counted.
"""
import numpy as np

from search_index import facets

NUMERIC_SORTS = {"newest": "acquired", "year": "year"}
TITLE_COLUMN = "title_sort"


def top(evaluator, matches, sort: str, limit: int) -> list[int]:
    """Global docnums of the first ``limit`` matches in ``sort`` order."""
    if limit <= 0 or not any(len(ids) for ids, _ in matches):
        return []
    if sort == "title":
        return _top_by_title(evaluator, matches, limit)
    docnums = np.concatenate([ids + leaf.offset for (ids, _), leaf in zip(matches, evaluator.leaves)])
    if sort in NUMERIC_SORTS:
        column = NUMERIC_SORTS[sort]
        keys = np.concatenate([evaluator.arrays.numeric(leaf.reader, column)[ids]
                               for (ids, _), leaf in zip(matches, evaluator.leaves)])
    else:
        keys = np.concatenate([scores for _, scores in matches])
    return _largest(keys.astype(np.float64), docnums, limit)


def _largest(keys: np.ndarray, docnums: np.ndarray, limit: int) -> list[int]:
    """Docnums of the ``limit`` largest keys, largest first, ties in docnum order."""
    if len(keys) > limit:
        # everything tied with the limit-th key stays a candidate, so ties break by docnum
        threshold = np.partition(keys, len(keys) - limit)[len(keys) - limit]
        chosen = keys >= threshold
        keys, docnums = keys[chosen], docnums[chosen]
    order = np.lexsort((docnums, -keys))[:limit]
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
        index = evaluator.arrays.cached(leaf.reader, ("keys", column), lambda: facets.KeyIndex(names))
        per_key = np.bincount(codes[ids], minlength=len(names))
        for pair, count in index.value_counts(per_key).items():
            counts[pair] = counts.get(pair, 0) + count
    return counts
