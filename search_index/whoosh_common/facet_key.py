"""Facets in one column: each document stores all its facet values in ``facet_key``.

A searcher counts the distinct keys of the matching documents (Whoosh's own grouping in
``whoosh_plain``, one array lookup per document in ``whoosh_fast``); the keys are then split
into per-facet counts. The multi-valued member facet is a comma-joined set inside the key, so
no overlapping facet is needed. Pure.
"""
from search_index import facets
from search_index.ports import FACET_NAMES

# Order of the parts inside ``facet_key``, and the column holding it.
KEY_PARTS = FACET_NAMES
SEPARATOR = "|"
VALUE_SEPARATOR = ","
COLUMN = "facet_key"


def facet_key(values: dict[str, tuple[str, ...]]) -> str:
    """The key of a document's facet values (``documents.facet_values``)."""
    return SEPARATOR.join(VALUE_SEPARATOR.join(values.get(name, ())) for name in KEY_PARTS)


def key_values(key: str) -> list[tuple[str, str]]:
    """The ``(facet, value)`` pairs a facet key stands for."""
    parts = (key or "").split(SEPARATOR)
    if len(parts) != len(KEY_PARTS):
        return []
    pairs = []
    for name, value in zip(KEY_PARTS, parts):
        for v in (value.split(VALUE_SEPARATOR) if name in facets.MULTI_VALUED else [value]):
            if v:
                pairs.append((name, v))
    return pairs


def split_counts(key_counts: dict[str, int]) -> dict[tuple[str, str], int]:
    """Counts per ``(facet, value)`` from counts per facet key."""
    totals: dict[tuple[str, str], int] = {}
    for key, count in key_counts.items():
        for pair in key_values(key):
            totals[pair] = totals.get(pair, 0) + count
    return totals


def members_of(key: str) -> list[str]:
    """The holding members of a facet key (the first part)."""
    return [m for m in key.split(SEPARATOR, 1)[0].split(VALUE_SEPARATOR) if m]
