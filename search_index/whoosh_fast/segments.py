"""A segment's postings and columns as numpy arrays (the one module that reads Whoosh's
on-disk structures below its public API; written against whoosh-reloaded 2.7).

Whoosh answers a query by walking its matchers one document at a time in Python, which
costs microseconds per matching document: a broad query over a large catalogue takes
hundreds of milliseconds. Segments never change once written, so their columns (field
lengths, sort keys, facet keys) are read once per process into arrays, and a term's
postings are read a block (up to 1,024 postings, ``whoosh_fast.codec``) at a time.
``tests/search_index/whoosh_fast/test_vectorised.py`` checks that the arrays agree with
Whoosh's own matchers and scores, so a Whoosh upgrade that changes these structures fails
there rather than in readers' results.
"""
import threading
from array import array
from itertools import chain

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)
EMPTY_IDS = np.zeros(0, dtype=np.int64)
EMPTY_WEIGHTS = np.zeros(0, dtype=np.float64)


def segment_key(reader) -> str:
    """Identity of a leaf reader's segment (stable while the segment exists)."""
    segment = getattr(reader, "_segment", None)
    return segment.segment_id() if segment is not None else f"reader-{id(reader)}"


def term_postings(reader, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
    """``(docnums, weights)`` of a term in one segment, deleted documents included."""
    try:
        matcher = reader._terms.matcher(fieldname, btext, reader.schema[fieldname].format)
    except (KeyError, TermNotFound):
        return EMPTY_IDS, EMPTY_WEIGHTS
    if isinstance(matcher, W3LeafMatcher) and not matcher._byteids:
        return _block_arrays(matcher)
    return matcher_arrays(matcher)


def _block_arrays(matcher) -> tuple[np.ndarray, np.ndarray]:
    """Read a W3 posting list block by block: each block holds its ids as deltas from the
    block's start and its weights as None (all 1.0), one float, or one per posting."""
    deltas, lengths, weight_blocks = [], [], []
    while matcher.is_active():
        matcher._read_data()
        block_ids, block_weights = matcher._data[0], matcher._data[1]
        deltas.append(block_ids)
        lengths.append(len(block_ids))
        weight_blocks.append(block_weights)
        matcher._next_block()
    total = sum(lengths)
    if not total:
        return EMPTY_IDS, EMPTY_WEIGHTS
    running = np.cumsum(np.fromiter(chain.from_iterable(deltas), dtype=np.int64, count=total))
    ends = np.cumsum(lengths)
    block_base = np.concatenate(([0], running[ends[:-1] - 1]))
    ids = running - np.repeat(block_base, lengths)
    weights = np.ones(total)
    for start, length, block_weights in zip(ends - lengths, lengths, weight_blocks):
        if block_weights is not None:
            weights[start:start + length] = block_weights
    return ids, weights


def matcher_arrays(matcher, scored: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Any matcher walked one posting at a time: ``(docnums, weights or scores)``."""
    ids, values = array("q"), array("d")
    value = matcher.score if scored else matcher.weight
    while matcher.is_active():
        ids.append(matcher.id())
        values.append(value())
        matcher.next()
    return np.frombuffer(ids, dtype=np.int64), np.frombuffer(values, dtype=np.float64)


def fixed_column(creader, doccount: int, default=0) -> np.ndarray:
    """A fixed-width numeric column as an array of ``doccount`` values."""
    typecode = getattr(creader, "_typecode", None)
    if typecode and hasattr(creader, "_dbfile"):
        raw = creader._dbfile.get(creader._basepos, creader._count * creader._fixedlen)
        values = np.frombuffer(raw, dtype=np.dtype(">" + typecode)).astype(np.int64)
    else:
        values = np.fromiter((creader[i] for i in range(doccount)), dtype=np.int64, count=doccount)
    if len(values) < doccount:
        values = np.concatenate([values, np.full(doccount - len(values), default, dtype=np.int64)])
    return values


class SegmentArrays:
    """Per-process cache of segment arrays, keyed by segment id (segments are immutable)."""

    def __init__(self, max_segments: int = 64):
        self._data: dict[str, dict] = {}
        self._lock = threading.Lock()
        self.max_segments = max_segments

    def cached(self, reader, name, build):
        """``build()``'s value for this segment, built once per process."""
        key = segment_key(reader)
        segment = self._data.get(key)
        if segment is None:
            with self._lock:
                if len(self._data) >= self.max_segments:
                    self._data.clear()
                segment = self._data.setdefault(key, {})
        found = segment.get(name)
        if found is None:
            found = segment[name] = build()
        return found

    def lengths(self, reader, fieldname: str) -> np.ndarray:
        """Each document's (quantised) length in a field, as Whoosh's scorers see it."""
        def build():
            perdoc, lenfield = reader._perdoc, f"_{fieldname}_len"
            doccount = reader.doc_count_all()
            if not perdoc.has_column(lenfield):
                return np.zeros(doccount)
            codes = fixed_column(perdoc.column_reader(lenfield, LENGTHS_COLUMN), doccount)
            return LENGTHS[codes]
        return self.cached(reader, ("len", fieldname), build)

    def numeric(self, reader, fieldname: str) -> np.ndarray:
        """A sortable numeric field's column, with the column's default where a document has
        no value (as Whoosh's column reader answers, for every document of the segment)."""
        def build():
            doccount = reader.doc_count_all()
            column = reader.schema[fieldname].column_type if fieldname in reader.schema else None
            default = column.default_value() if column is not None else 0
            if not reader.has_column(fieldname):
                return np.full(doccount, default, dtype=np.int64)
            return fixed_column(reader.column_reader(fieldname, translate=False), doccount, default)
        return self.cached(reader, ("num", fieldname), build)

    def enumerated(self, reader, fieldname: str) -> tuple[np.ndarray, list[str]]:
        """A text column as small ints per document plus the distinct values, in first-seen order."""
        def build():
            ids: dict = {}
            codes = array("I")
            if reader.has_column(fieldname):
                for value in reader.column_reader(fieldname, translate=False):
                    codes.append(ids.setdefault(value, len(ids)))
            names = [k.decode("utf-8") if isinstance(k, bytes) else k for k in ids]
            return np.frombuffer(codes, dtype=np.uint32).astype(np.int64), names
        return self.cached(reader, ("enum", fieldname), build)

    def ranks(self, reader, fieldname: str) -> np.ndarray:
        """Each document's rank when the segment is sorted by a text column (ties share a rank)."""
        def build():
            codes, names = self.enumerated(reader, fieldname)
            order = sorted(range(len(names)), key=names.__getitem__)
            rank = np.empty(len(names), dtype=np.int64)
            rank[order] = np.arange(len(names))
            return rank[codes] if len(codes) else codes
        return self.cached(reader, ("rank", fieldname), build)

    def unique_terms(self, reader, fieldname: str) -> tuple[np.ndarray, np.ndarray]:
        """``(values, docnums)`` of a field of unique integer terms (the work ``id``),
        sorted by value: read from the terms file, where a term of one posting carries its
        document number, so the postings of only the rare repeated terms are read."""
        def build():
            values, docnums = array("q"), array("q")
            terms = getattr(reader, "_terms", None)
            has_field = terms is not None and fieldname in terms.indexed_field_names()
            for (name, btext), info in terms.items_from(fieldname, b"") if has_field else ():
                if name != fieldname:
                    break
                ids = [info.min_id()] if info.doc_frequency() == 1 else reader.postings(name, btext).all_ids()
                for docnum in ids:
                    values.append(int(btext))
                    docnums.append(docnum)
            values_np, docnums_np = np.frombuffer(values, dtype=np.int64), np.frombuffer(docnums, dtype=np.int64)
            order = np.argsort(values_np, kind="stable")
            return values_np[order], docnums_np[order]
        return self.cached(reader, ("unique", fieldname), build)

    def live(self, reader) -> np.ndarray | None:
        """A mask of the documents not deleted, or None when none are (checked every call:
        deletions change while the segment's documents do not)."""
        deleted = reader.deleted_docs_set if hasattr(reader, "deleted_docs_set") else ()
        if not deleted:
            return None
        # deletions only grow, so their count names the set; only the newest mask is kept
        segment = self._data.setdefault(segment_key(reader), {})
        count, mask = segment.get("live", (-1, None))
        if count != len(deleted):
            mask = _live_mask(reader.doc_count_all(), deleted)
            segment["live"] = (len(deleted), mask)
        return mask


def _live_mask(doccount: int, deleted) -> np.ndarray:
    mask = np.ones(doccount, dtype=bool)
    mask[np.fromiter(deleted, dtype=np.int64)] = False
    return mask
