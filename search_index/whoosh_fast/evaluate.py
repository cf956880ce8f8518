"""Queries evaluated a segment at a time with numpy: matching documents with BM25F scores
equal to Whoosh's, filters as cached masks, facet counts and the top of the ranking.

Whoosh's matchers visit every matching document in Python; here a term's postings are read
a block at a time (``whoosh_fast.segments``) and combined as sorted arrays, so the cost of
a broad query is a few array operations instead of a Python call per document. Query types
other than the ones the reader's parser produces (terms, And, Or, AndMaybe, AndNot, Every)
are walked with Whoosh's own matcher, so every query still answers correctly.
"""
from dataclasses import dataclass

import numpy as np
from whoosh import query as wq
from whoosh.scoring import BM25F

from search_index.whoosh_common.query import ColumnRange
from search_index.whoosh_fast.segments import EMPTY_IDS, EMPTY_WEIGHTS, SegmentArrays, matcher_arrays, term_postings

FILTER_CACHE_SIZE = 64


@dataclass
class Leaf:
    """One segment of the searcher: its reader, global docnum offset and live mask."""

    searcher: object
    reader: object
    offset: int
    live: np.ndarray | None


def leaves(searcher, arrays: SegmentArrays) -> list[Leaf]:
    found = []
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        if reader.doc_count_all():
            found.append(Leaf(sub, reader, offset, arrays.live(reader)))
    return found


class Evaluator:
    """Evaluates query trees over the leaves of one searcher."""

    def __init__(self, searcher, arrays: SegmentArrays):
        self.searcher = searcher
        self.arrays = arrays
        self.leaves = leaves(searcher, arrays)
        weighting = searcher.weighting
        self.bm25 = weighting if type(weighting) is BM25F else None

    def run(self, q, scored: bool = True) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per leaf: ``(docnums, scores)``, docnums sorted and unique (segment-local)."""
        return [self._node(q, leaf, scored) for leaf in self.leaves]

    def _node(self, q, leaf, scored):
        if isinstance(q, wq.Term):
            return self._term(q, leaf, scored)
        if q is wq.NullQuery or isinstance(q, wq.NullQuery.__class__):
            return EMPTY_IDS, EMPTY_WEIGHTS
        if isinstance(q, wq.Every) and not q.fieldname:
            ids = np.arange(leaf.reader.doc_count_all(), dtype=np.int64)
            if leaf.live is not None:
                ids = ids[leaf.live]
            return ids, np.full(len(ids), q.boost)
        if isinstance(q, (wq.And, wq.Or)) and not getattr(q, "scale", None) and not getattr(q, "minmatch", 0):
            parts = [self._node(sub, leaf, scored) for sub in q.subqueries]
            if not parts:
                return EMPTY_IDS, EMPTY_WEIGHTS
            if isinstance(q, wq.And):
                ids, scores = parts[0]
                for other in parts[1:]:
                    ids, scores = _intersect(ids, scores, *other)
            else:
                ids, scores = _union(parts)
            return ids, (scores * q.boost if len(parts) > 1 and q.boost != 1.0 else scores)
        if isinstance(q, ColumnRange):
            values = self.arrays.numeric(leaf.reader, q.fieldname)
            mask = np.ones(len(values), dtype=bool) if leaf.live is None else leaf.live.copy()
            if q.low is not None:
                mask &= values >= q.low
            if q.high is not None:
                mask &= values <= q.high
            ids = np.flatnonzero(mask)
            return ids, np.full(len(ids), q.boost)
        if isinstance(q, wq.AndMaybe):
            return _and_maybe(*self._node(q.a, leaf, scored), *self._node(q.b, leaf, scored))
        if isinstance(q, wq.AndNot):
            ids, scores = self._node(q.a, leaf, scored)
            keep = ~_found(ids, self._node(q.b, leaf, False)[0])[0]
            return ids[keep], scores[keep]
        return self._walk(q, leaf, scored)

    def _term(self, q, leaf, scored):
        schema = self.searcher.schema
        if q.fieldname not in schema:
            return EMPTY_IDS, EMPTY_WEIGHTS
        field = schema[q.fieldname]
        try:
            btext = field.to_bytes(q.text)
        except ValueError:
            return EMPTY_IDS, EMPTY_WEIGHTS
        ids, weights = term_postings(leaf.reader, q.fieldname, btext)
        if leaf.live is not None and len(ids):
            keep = leaf.live[ids]
            ids, weights = ids[keep], weights[keep]
        if not scored or not len(ids):
            return ids, weights
        if not field.scorable:
            scores = weights
        elif self.bm25 is not None:
            scores = self._bm25(q.fieldname, q.text, ids, weights, leaf)
        else:
            return self._walk(q, leaf, scored)
        return ids, (scores * q.boost if q.boost != 1.0 else scores)

    def _bm25(self, fieldname, text, ids, weights, leaf):
        top = self.searcher.get_parent()
        idf = top.idf(fieldname, text)
        avgfl = top.avg_field_length(fieldname) or 1
        b, k1 = self.bm25._field_B.get(fieldname, self.bm25.B), self.bm25.K1
        lengths = self.arrays.lengths(leaf.reader, fieldname)[ids]
        return idf * ((weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * lengths / avgfl)))

    def _walk(self, q, leaf, scored):
        """Whoosh's own matcher for query types not evaluated above."""
        context = None if scored else leaf.searcher.boolean_context()
        matcher = q.matcher(leaf.searcher, context)
        ids, scores = matcher_arrays(matcher, scored=scored)
        order = np.argsort(ids, kind="stable")
        return ids[order], scores[order]

    def masks(self, parts: list) -> list[np.ndarray] | None:
        """Per leaf, the documents every filter allows; each filter's masks are cached on
        the searcher (a searcher sees one fixed state of the index)."""
        if not parts:
            return None
        cache = self.searcher.__dict__.setdefault("_daodu_filter_masks", {})
        combined = None
        for part in parts:
            key = repr(part)
            masks = cache.get(key)
            if masks is None:
                if len(cache) >= FILTER_CACHE_SIZE:
                    cache.clear()
                masks = cache[key] = [_mask(ids, leaf.reader.doc_count_all())
                                      for (ids, _), leaf in zip(self.run(part, scored=False), self.leaves)]
            combined = masks if combined is None else [a & b for a, b in zip(combined, masks)]
        return combined


def _mask(ids: np.ndarray, size: int) -> np.ndarray:
    mask = np.zeros(size, dtype=bool)
    mask[ids] = True
    return mask


def _found(ids: np.ndarray, within: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For sorted unique ``ids``: which are in sorted unique ``within``, and where."""
    if not len(within):
        return np.zeros(len(ids), dtype=bool), np.zeros(len(ids), dtype=np.int64)
    positions = np.searchsorted(within, ids)
    positions[positions == len(within)] = 0
    return within[positions] == ids, positions


def _intersect(a_ids, a_scores, b_ids, b_scores):
    if len(a_ids) > len(b_ids):
        a_ids, a_scores, b_ids, b_scores = b_ids, b_scores, a_ids, a_scores
    hit, positions = _found(a_ids, b_ids)
    return a_ids[hit], a_scores[hit] + b_scores[positions[hit]]


def _union(parts):
    """Sorted ids of any part, each with the sum of its scores. The parts are sorted runs,
    which a stable (merge-based) sort of their concatenation takes nearly in linear time."""
    parts = [part for part in parts if len(part[0])]
    if len(parts) <= 1:
        return parts[0] if parts else (EMPTY_IDS, EMPTY_WEIGHTS)
    ids = np.concatenate([part[0] for part in parts])
    scores = np.concatenate([part[1] for part in parts])
    order = np.argsort(ids, kind="stable")
    ids, scores = ids[order], scores[order]
    starts = np.flatnonzero(np.concatenate(([True], ids[1:] != ids[:-1])))
    return ids[starts], np.add.reduceat(scores, starts)


def _and_maybe(a_ids, a_scores, b_ids, b_scores):
    hit, positions = _found(a_ids, b_ids)
    scores = a_scores.copy()
    scores[hit] += b_scores[positions[hit]]
    return a_ids, scores
