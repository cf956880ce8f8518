"""The read side: per-thread Whoosh searchers reopened when the index changes, and the
reader search (query, filters, facets, sorts, paging, highlights, did-you-mean).

Web workers never write: they open the index read-only and never touch its lock, so a
``LockError`` cannot reach a reader.
"""
import json
import threading

from search_index import facets as facet_mod
from search_index import highlight as hl
from search_index import params as params_mod
from search_index import query as qmod
from search_index import ranking, signal, store
from search_index.evaluate import Evaluator
from search_index.segments import SegmentArrays
from search_index.suggest import suggestion_for


class IndexReader:
    """Hands each thread an up-to-date searcher over the index at ``index_dir``."""

    def __init__(self, index_dir: str):
        self.index_dir = index_dir
        self._local = threading.local()
        self.arrays = SegmentArrays()

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
        evaluator = Evaluator(searcher, self.reader.arrays)
        sort = _sort_name(params)
        matches = evaluator.run(text_query, scored=sort == "relevance")
        masks = evaluator.masks(qmod.filter_queries(params))
        if masks is not None:
            matches = [(ids[mask[ids]], scores[mask[ids]]) for (ids, scores), mask in zip(matches, masks)]
        total = sum(len(ids) for ids, _ in matches)
        start = (params.page - 1) * params.per_page
        docnums = ranking.top(evaluator, matches, sort, params.page * params.per_page)
        terms = hl.query_terms(text_query, ("title", "text"))
        analyzer = searcher.schema["title"].analyzer
        hits = [_result(searcher.stored_fields(docnum), params.home_member, analyzer, terms)
                for docnum in docnums[start:start + params.per_page]]
        suggestion = None
        if params.q and total < self.suggest_below:
            suggestion = suggestion_for(searcher, params.q)
        value_counts = ranking.facet_counts(evaluator, matches, facet_mod.GROUP)
        return {"total": total, "page": params.page, "per_page": params.per_page, "results": hits,
                "facets": facet_mod.facet_rows(value_counts), "suggestion": suggestion}

    def count_matching(self, text: str, identifiers: list[str]) -> dict[str, int]:
        searcher = self.reader.searcher()
        if searcher is None:
            return {}
        docs = signal.matching_docs(searcher, self.reader.parser(), text, identifiers)
        return signal.count_per_member(searcher, docs)


def _sort_name(params) -> str:
    """The sort in effect: a search without words is listed newest first."""
    if params.sort == "relevance" and not params.q:
        return "newest"
    return params.sort


def _result(fields, home_member, analyzer, terms) -> dict:
    payload = json.loads(fields["payload"])
    payload["holdings"].sort(key=lambda h: (h["member"] != home_member, h["member"]))
    payload["highlight"] = {"title": hl.highlight(analyzer, payload.get("title") or "", terms)}
    return payload


def empty_answer(params) -> dict:
    return {"total": 0, "page": params.page, "per_page": params.per_page, "results": [],
            "facets": {name: [] for name in facet_mod.FACET_NAMES}, "suggestion": None}
