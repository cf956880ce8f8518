"""The read port of ``whoosh_fast``: the reader search answered from per-segment arrays.

Whoosh's own searcher walks every matching document in Python; here the query is evaluated
a segment at a time with numpy (``evaluate``), the top of the page is ordered and the facets
are counted from columns read once per process (``ranking``, ``segments``). Parsing,
filters, hits, highlights, suggestions and the holdings signal are shared with
``whoosh_plain`` (``whoosh_common``), so both answer alike.
"""
import json

from search_index import documents, facets
from search_index.ports import SearchAnswer, SearchParams
from search_index.whoosh_common import facet_key, signal
from search_index.whoosh_common import query as qmod
from search_index.whoosh_common.reading import IndexReader
from search_index.whoosh_common.suggest import Vocabularies, suggestion_for
from search_index.whoosh_common.variants import matching_variant
from search_index.whoosh_fast import highlight as hl
from search_index.whoosh_fast import ranking
from search_index.whoosh_fast.evaluate import Evaluator
from search_index.whoosh_fast.segments import SegmentArrays


class FastSearch:
    """``search_index.ports.SearchReader`` over the Whoosh index, evaluated with arrays."""

    def __init__(self, index_dir: str, suggest_below: int = 3):
        self.reader = IndexReader(index_dir)
        self.arrays = SegmentArrays()
        self.suggest_below = suggest_below
        self.vocabularies = Vocabularies()

    def search(self, params: SearchParams) -> SearchAnswer:
        searcher = self.reader.searcher()
        if searcher is None:
            return SearchAnswer.empty(params)
        text_query = qmod.parse_text(self.reader.parser(), params.q)
        evaluator = Evaluator(searcher, self.arrays)
        sort = qmod.sort_name(params)
        matches = evaluator.run(text_query, scored=sort == "relevance")
        masks = evaluator.masks(qmod.filter_queries(params))
        if masks is not None:
            matches = [(ids[mask[ids]], scores[mask[ids]]) for (ids, scores), mask in zip(matches, masks)]
        total = sum(len(ids) for ids, _ in matches)
        start = (params.page - 1) * params.per_page
        docnums = ranking.top(evaluator, matches, sort, params.page * params.per_page)
        terms = qmod.query_terms(text_query, ("title", "text")) if not params.brief else None
        analyzer = searcher.schema["title"].analyzer
        hits = tuple(_hit(searcher.stored_fields(docnum), params.home_member, analyzer, terms)
                     for docnum in docnums[start:start + params.per_page])
        suggestion = None
        if params.q and total < self.suggest_below and not params.brief:
            suggestion = suggestion_for(searcher, params.q, self.vocabularies)
        value_counts = ranking.facet_counts(evaluator, matches, facet_key.COLUMN)
        return SearchAnswer(total=total, page=params.page, per_page=params.per_page, hits=hits,
                            facets=facets.facet_rows(value_counts), suggestion=suggestion)

    def count_matching(self, text: str, identifiers) -> dict[str, int]:
        searcher = self.reader.searcher()
        if searcher is None:
            return {}
        docs = signal.matching_docs(searcher, self.reader.parser(), text, list(identifiers))
        return signal.count_per_member(searcher, docs)

    def close(self) -> None:
        self.reader.close()


def _hit(fields, home_member, analyzer, terms):
    payload = json.loads(fields["payload"])
    if terms is None:  # a brief answer (digests): no marked title, no variant
        return documents.hit_from_payload(payload, home_member, None)
    return documents.hit_from_payload(payload, home_member, hl.highlight(analyzer, payload.get("title") or "", terms),
                                      matching_variant(analyzer, payload, terms))
