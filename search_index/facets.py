"""Facets from one column: each document stores all its facet values in ``facet_key``.

A collector counts the distinct keys of every matching document (one array lookup per
document, see ``SegmentKeys``); the keys are then split into per-facet counts. Multi-valued
members are a comma-joined set inside the key, so no overlapping facet is needed.
"""
import threading
from array import array

from whoosh.collectors import WrappingCollector

FACET_NAMES = ("member", "format", "language", "clc", "clc_sub", "year", "available")
# Order of the parts inside ``facet_key`` (``member`` is itself a comma-joined set).
KEY_PARTS = FACET_NAMES
SEPARATOR = "|"
GROUP = "facet_key"


def facet_key(member_set: str, fmt: str, language: str, clc_top: str, clc_sub: str, decade: str,
              available: str) -> str:
    return SEPARATOR.join((member_set, fmt, language, clc_top, clc_sub, decade, available))


def split_counts(key_counts: dict) -> dict[str, list[dict]]:
    """Per-facet ``[{"value", "count"}]``, most frequent first (pure)."""
    totals: dict[str, dict[str, int]] = {name: {} for name in FACET_NAMES}
    for key, count in key_counts.items():
        parts = (key or "").split(SEPARATOR)
        if len(parts) != len(KEY_PARTS):
            continue
        for name, value in zip(KEY_PARTS, parts):
            values = value.split(",") if name == "member" else [value]
            for v in values:
                if v:
                    totals[name][v] = totals[name].get(v, 0) + count
    return {name: _rows(name, counts) for name, counts in totals.items()}


def _rows(name: str, counts: dict[str, int]) -> list[dict]:
    if name == "year":
        rows = [{"value": f"{d}-{int(d) + 9}", "count": n, "year_from": int(d), "year_to": int(d) + 9}
                for d, n in counts.items()]
        return sorted(rows, key=lambda r: -r["year_from"])
    rows = [{"value": v, "count": n} for v, n in counts.items()]
    return sorted(rows, key=lambda r: (-r["count"], r["value"]))


class SegmentKeys:
    """Per segment: each document's facet key as a small int, and the keys themselves.

    Segments never change once written, so a table is built once per segment per process
    (reading the column once) and counting a result set is one array lookup per document.
    """

    def __init__(self, max_segments: int = 64):
        self._tables: dict[str, tuple[array, list[str]]] = {}
        self._lock = threading.Lock()
        self.max_segments = max_segments

    def table(self, reader) -> tuple[array, list[str]] | None:
        segment = getattr(reader, "_segment", None)
        if segment is None or not reader.has_column(GROUP):
            return None
        key = segment.segment_id()
        found = self._tables.get(key)
        if found is None:
            found = self._build(reader)
            with self._lock:
                if len(self._tables) >= self.max_segments:
                    self._tables.clear()
                self._tables[key] = found
        return found

    @staticmethod
    def _build(reader) -> tuple[array, list[str]]:
        ids: dict[bytes, int] = {}
        table = array("I")
        for value in reader.column_reader(GROUP, translate=False):
            table.append(ids.setdefault(value, len(ids)))
        names = [k.decode("utf-8") if isinstance(k, bytes) else k for k in ids]
        return table, names


class FacetCountingCollector(WrappingCollector):
    """Wraps the top-N collector and counts facet keys of every matching document."""

    def __init__(self, child, keys: SegmentKeys):
        self.child = child
        self.keys = keys
        self.key_counts: dict[str, int] = {}
        self.total = 0
        self._table = None
        self._names: list[str] = []
        self._counts: list[int] = []

    def set_subsearcher(self, subsearcher, offset):
        self._flush()
        WrappingCollector.set_subsearcher(self, subsearcher, offset)
        found = self.keys.table(subsearcher.reader())
        self._table, self._names = found if found else (None, [])
        self._counts = [0] * len(self._names)

    def collect(self, sub_docnum):
        self.total += 1
        if self._table is not None:
            self._counts[self._table[sub_docnum]] += 1
        return self.child.collect(sub_docnum)

    def _flush(self) -> None:
        for name, count in zip(self._names, self._counts):
            if count:
                self.key_counts[name] = self.key_counts.get(name, 0) + count
        self._names, self._counts = [], []

    def finish(self):
        self._flush()
        self.child.finish()
