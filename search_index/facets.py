"""Facets from one column: each document stores all its facet values in ``facet_key``.

Whoosh reads one column value per matching document and counts distinct keys; the keys are
split into per-facet counts here. One column read instead of seven keeps faceted searches
of large result sets cheap; multi-valued members are a comma-joined set inside the key.
"""
from whoosh import sorting

FACET_NAMES = ("member", "format", "language", "clc", "clc_sub", "year", "available")
# Order of the parts inside ``facet_key`` (``member`` is itself a comma-joined set).
KEY_PARTS = FACET_NAMES
SEPARATOR = "|"
GROUP = "facet_key"


def facet_key(member_set: str, fmt: str, language: str, clc_top: str, clc_sub: str, decade: str,
              available: str) -> str:
    return SEPARATOR.join((member_set, fmt, language, clc_top, clc_sub, decade, available))


def grouping() -> dict:
    return {GROUP: sorting.FieldFacet(GROUP, maptype=sorting.Count)}


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


def facet_counts(results) -> dict[str, list[dict]]:
    return split_counts(results.groups(GROUP))
