"""The facet layout every backend answers with: a document's facet values and the rows of
an answer (pure).

``FACET_NAMES`` (``search_index.ports``) lists the facets; ``member`` is the one facet a
work carries several values of. Rows are the most frequent values first; decades newest
first, each with its first and last year.
"""
from search_index.ports import FACET_NAMES, FacetCount

MULTI_VALUED = ("member",)


def facet_rows(value_counts: dict[tuple[str, str], int]) -> dict[str, tuple[FacetCount, ...]]:
    """Per-facet rows from counts per ``(facet, value)``; every facet present, empty or not."""
    totals: dict[str, dict[str, int]] = {name: {} for name in FACET_NAMES}
    for (name, value), count in value_counts.items():
        totals[name][value] = count
    return {name: _rows(name, counts) for name, counts in totals.items()}


def _rows(name: str, counts: dict[str, int]) -> tuple[FacetCount, ...]:
    if name == "year":
        rows = [FacetCount(f"{d}-{int(d) + 9}", n, int(d), int(d) + 9) for d, n in counts.items()]
        return tuple(sorted(rows, key=lambda r: -r.year_from))
    return tuple(sorted((FacetCount(v, n) for v, n in counts.items()), key=lambda r: (-r.count, r.value)))
