"""The read side: per-thread Whoosh searchers reopened when the index changes, and the
reader search (query, filters, facets, sorts, paging, highlights, did-you-mean).

Web workers never write: they open the index read-only and never touch its lock, so a
``LockError`` cannot reach a reader.
"""
import json
import threading

from whoosh import collectors, sorting
from whoosh.idsets import BitSet

from search_index import facets as facet_mod
from search_index import highlight as hl
from search_index import params as params_mod
from search_index import query as qmod
from search_index import signal, store
from search_index.suggest import suggestion_for

FILTER_CACHE_SIZE = 64
SORT_FACETS = {
    "newest": lambda: sorting.FieldFacet("acquired", reverse=True),
    "year": lambda: sorting.FieldFacet("year", reverse=True),
    "title": lambda: sorting.FieldFacet("title_sort"),
}


class IndexReader:
    """Hands each thread an up-to-date searcher over the index at ``index_dir``."""

    def __init__(self, index_dir: str):
        self.index_dir = index_dir
        self._local = threading.local()
        self.facet_keys = facet_mod.SegmentKeys()

    def searcher(self):
        """The calling thread's searcher, refreshed if a commit or rebuild happened; or None."""
        local = self._local
        identity = store.directory_identity(self.index_dir)
        current = getattr(local, "searcher", None)
        if current is not None and getattr(local, "identity", None) == identity:
            if current.up_to_date():
                return current
            if current.doc_count_all():  # Whoosh cannot refresh a reader of an empty index
                local.searcher = current.refresh()
                return local.searcher
        if current is not None:
            current.close()
            local.searcher = None
        ix = store.open_for_reading(self.index_dir)
        if ix is None:
            return None
        local.searcher, local.identity, local.parser = ix.searcher(), identity, qmod.make_parser(ix.schema)
        return local.searcher

    def parser(self):
        return self._local.parser

    def close(self) -> None:
        current = getattr(self._local, "searcher", None)
        if current is not None:
            current.close()
            self._local.searcher = None


class WhooshSearch:
    """``consortium.ports.SearchPort`` over the Whoosh index."""

    def __init__(self, index_dir: str, max_per_page: int = 100, max_results: int = 1000,
                 suggest_below: int = 3):
        self.reader = IndexReader(index_dir)
        self.max_per_page = max_per_page
        self.max_results = max_results
        self.suggest_below = suggest_below

    def search(self, params) -> dict:
        if not isinstance(params, params_mod.SearchParams):
            params = params_mod.parse_params(params, self.max_per_page, self.max_results)
        searcher = self.reader.searcher()
        if searcher is None:
            return empty_answer(params)
        text_query = qmod.parse_text(self.reader.parser(), params.q)
        # optimize=False: block-quality skipping would leave matches uncounted in total and facets
        top = searcher.collector(limit=params.page * params.per_page, sortedby=_sort_facet(params), optimize=False)
        counting = facet_mod.FacetCountingCollector(top, self.reader.facet_keys)
        allowed = filter_bits(searcher, qmod.filter_queries(params))
        outer = counting if allowed is None else collectors.FilterCollector(counting, allow=allowed)
        searcher.search_with_collector(text_query, outer)
        results, total = top.results(), counting.total
        start = (params.page - 1) * params.per_page
        terms = hl.query_terms(text_query, ("title", "text"))
        analyzer = searcher.schema["title"].analyzer
        hits = [_result(hit, params.home_member, analyzer, terms) for hit in results[start:start + params.per_page]]
        suggestion = None
        if params.q and total < self.suggest_below:
            suggestion = suggestion_for(searcher, params.q)
        return {"total": total, "page": params.page, "per_page": params.per_page, "results": hits,
                "facets": facet_mod.split_counts(counting.key_counts), "suggestion": suggestion}

    def count_matching(self, text: str, identifiers: list[str]) -> dict[str, int]:
        searcher = self.reader.searcher()
        if searcher is None:
            return {}
        docs = signal.matching_docs(searcher, self.reader.parser(), text, identifiers)
        return signal.count_per_member(searcher, docs)


def filter_bits(searcher, parts: list):
    """The documents every filter allows, as a bit set; each filter's set is cached on the
    searcher (a searcher sees one fixed index state, so its sets stay valid until refresh)."""
    if not parts:
        return None
    cache = searcher.__dict__.setdefault("_daodu_filter_bits", {})
    combined = None
    for part in parts:
        key = repr(part)
        bits = cache.get(key)
        if bits is None:
            if len(cache) >= FILTER_CACHE_SIZE:
                cache.clear()
            bits = cache[key] = BitSet(searcher.docs_for_query(part), size=searcher.doc_count_all())
        combined = bits if combined is None else combined.intersection(bits)
    return combined


def _sort_facet(params):
    sort = params.sort
    if sort == "relevance" and not params.q:
        sort = "newest"
    factory = SORT_FACETS.get(sort)
    return factory() if factory else None


def _result(hit, home_member, analyzer, terms) -> dict:
    payload = json.loads(hit["payload"])
    payload["holdings"].sort(key=lambda h: (h["member"] != home_member, h["member"]))
    payload["highlight"] = {"title": hl.highlight(analyzer, payload.get("title") or "", terms)}
    return payload


def empty_answer(params) -> dict:
    return {"total": 0, "page": params.page, "per_page": params.per_page, "results": [],
            "facets": {name: [] for name in facet_mod.FACET_NAMES}, "suggestion": None}
