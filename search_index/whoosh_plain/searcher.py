"""The read port of ``whoosh_plain``: ``Searcher.search`` with a filter, ``sortedby`` facets
for the sorts and a counting ``groupedby`` facet over the facet-key column."""
import json

from whoosh import query, sorting

from search_index import documents, facets
from search_index.ports import SearchAnswer, SearchParams
from search_index.whoosh_common import facet_key, signal
from search_index.whoosh_common import query as qmod
from search_index.whoosh_common.reading import IndexReader
from search_index.whoosh_common.suggest import Vocabularies, suggestion_for
from search_index.whoosh_common.variants import matching_variant
from search_index.whoosh_plain.highlight import highlight_title

# Relevance: score, then ``documents.tie_order`` descending (the most held, the newest, the
# lowest work id); newest acquisition and year descending, title ascending; ties in index order.
SORT_FACETS = {
    "relevance": sorting.MultiFacet([sorting.ScoreFacet(), sorting.FieldFacet("tie_order", reverse=True)]),
    "newest": sorting.FieldFacet("acquired", reverse=True),
    "year": sorting.FieldFacet("year", reverse=True),
    "title": sorting.FieldFacet("title_sort"),
}
GROUP = "facets"


class PlainSearch:
    """``search_index.ports.SearchReader`` over the Whoosh index, through Whoosh's searcher."""

    def __init__(self, index_dir: str, suggest_below: int = 3):
        self.reader = IndexReader(index_dir)
        self.suggest_below = suggest_below
        self.vocabularies = Vocabularies()

    def search(self, params: SearchParams) -> SearchAnswer:
        searcher = self.reader.searcher()
        if searcher is None:
            return SearchAnswer.empty(params)
        text_query = qmod.parse_text(self.reader.parser(), params.q)
        results = _run(searcher, text_query, params)
        total = len(results)
        start = (params.page - 1) * params.per_page
        terms = qmod.query_terms(text_query, ("title", "text")) if not params.brief else None
        analyzer = searcher.schema["title"].analyzer
        hits = tuple(_hit(hit.fields(), params.home_member, analyzer, terms)
                     for hit in results[start:start + params.per_page])
        suggestion = None
        if params.q and total < self.suggest_below and not params.brief:
            suggestion = suggestion_for(searcher, params.q, self.vocabularies)
        key_counts = {_text(key): count for key, count in results.groups(GROUP).items()}
        return SearchAnswer(total=total, page=params.page, per_page=params.per_page, hits=hits,
                            facets=facets.facet_rows(facet_key.split_counts(key_counts)), suggestion=suggestion)

    def count_matching(self, text: str, identifiers) -> dict[str, int]:
        searcher = self.reader.searcher()
        if searcher is None:
            return {}
        docs = signal.matching_docs(searcher, self.reader.parser(), text, list(identifiers))
        return signal.count_per_member(searcher, docs)

    def close(self) -> None:
        self.reader.close()


def _run(searcher, text_query, params: SearchParams):
    """Every match is collected (``optimize=False``): the total is exact and every match is
    counted in the facets; only the first ``page * per_page`` are kept in order."""
    sort = qmod.sort_name(params)
    filters = qmod.filter_queries(params)
    return searcher.search(text_query, limit=params.page * params.per_page, sortedby=SORT_FACETS[sort],
                           scored=sort == "relevance", filter=query.And(filters) if filters else None,
                           groupedby={GROUP: sorting.FieldFacet(facet_key.COLUMN, maptype=sorting.Count)},
                           optimize=False)


def _hit(fields, home_member, analyzer, terms):
    payload = json.loads(fields["payload"])
    if terms is None:  # a brief answer (digests): no marked title, no variant
        return documents.hit_from_payload(payload, home_member, None)
    title = highlight_title(analyzer, payload.get("title") or "", terms)
    return documents.hit_from_payload(payload, home_member, title, matching_variant(analyzer, payload, terms))


def _text(key) -> str:
    return key.decode("utf-8") if isinstance(key, bytes) else key
