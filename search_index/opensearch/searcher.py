"""The read port of ``opensearch``: one search request per reader search — the query with
its filters, the page in the sort's order, every facet as a terms aggregation and, for a
query with few hits, did-you-mean (``suggest``: the shared rules of ``search_index.spelling``
over the cluster's terms).

Pages within the index's result window are read with ``from``/``size``; a page beyond it
walks there with ``search_after`` on the sort's keys (ties broken by work id), so any page a
deployment allows can be read. Titles are highlighted here from the query's terms with the
shared analysis (the cluster holds terms, not the offsets in the title they came from), and
so is the member's own title the query matched (``whoosh_common.variants``).
"""
import json
import threading

from opensearchpy import exceptions as engine

from search_index import documents, facets, spelling
from search_index.opensearch import query as dsl
from search_index.opensearch import signal, suggest
from search_index.opensearch.connection import Options, cluster_errors, make_client
from search_index.opensearch.mapping import FACET_FIELD, split_facet_term
from search_index.ports import FacetCount, SearchAnswer, SearchParams
from search_index.whoosh_common import analyzers
from search_index.whoosh_common import query as qmod
from search_index.whoosh_common.variants import matching_variant
from search_index.whoosh_fast import highlight

# Rows read per request when walking beyond the result window.
WALK_STEP = 1000
# A shard that fails fails the search (a partial answer would show wrong totals and facets);
# the client then asks another node, which reads the shard's replica.
_WHOLE = {"allow_partial_search_results": "false"}


class ClusterSearch:
    """``search_index.ports.SearchReader`` over the alias of the consortium's index."""

    def __init__(self, options: Options, suggest_below: int = 3, client=None):
        self.options = options
        self.suggest_below = suggest_below
        self.client = client or make_client(options)
        self._local = threading.local()

    def _parser(self):
        parser = getattr(self._local, "parser", None)
        if parser is None:  # Whoosh's parser keeps state while parsing: one per thread
            parser = self._local.parser = dsl.make_parser()
        return parser

    def search(self, params: SearchParams) -> SearchAnswer:
        text_query = dsl.parse(self._parser(), params.q)
        body = {"query": dsl.search_query(text_query, params), "sort": dsl.sort_for(params),
                "track_total_hits": True, "aggs": dsl.facet_aggregations(), "_source": ["payload"]}
        start = (params.page - 1) * params.per_page
        with cluster_errors("search"):
            response = self._first_page(body, start, params.per_page)
            if response is None:
                return SearchAnswer.empty(params)
            rows = response["hits"]["hits"]
            if start + params.per_page > self.options.result_window:
                rows = self._walk(body, start, params.per_page, rows)
        total = response["hits"]["total"]["value"]
        terms = qmod.query_terms(text_query, ("title", "text")) if not params.brief else None
        hits = tuple(_hit(row, params.home_member, terms) for row in rows)
        wanted = params.q and total < self.suggest_below and not params.brief
        suggestion = self.suggestion(params.q) if wanted else None
        return SearchAnswer(total=total, page=params.page, per_page=params.per_page, hits=hits,
                            facets=_facets(response.get("aggregations", {})), suggestion=suggestion)

    def _first_page(self, body: dict, start: int, size: int) -> dict | None:
        """The answer with its facets, and the page when it lies within the result window."""
        within = start + size <= self.options.result_window
        request = dict(body, **({"from": start, "size": size} if within else {"size": self._step()}))
        try:
            return self.client.search(index=self.options.alias, body=request, params=_WHOLE)
        except engine.NotFoundError:  # no index yet: no results
            return None

    def suggestion(self, text: str) -> str | None:
        """Did-you-mean for ``text`` alone (also timed so by the bench), or None."""
        lookups = suggest.Lookups(lambda body: self.client.search(index=self.options.alias, body=body))
        with cluster_errors("suggest a spelling"):
            try:
                return spelling.suggestion(text, lookups.frequencies, lookups.tables_for)
            except engine.NotFoundError:  # no index yet: nothing to suggest from
                return None

    def _step(self) -> int:
        return min(WALK_STEP, self.options.result_window)

    def _walk(self, body: dict, start: int, size: int, rows: list) -> list:
        """Rows ``start`` to ``start + size`` reached with ``search_after`` (``WALK_STEP`` rows
        a request, at most the result window), from the first rows of the answer."""
        request = {key: body[key] for key in ("query", "sort", "_source")}
        offset, page = 0, []
        while rows:
            page += rows[max(0, start - offset):max(0, start + size - offset)]
            offset += len(rows)
            if offset >= start + size:
                break
            rows = self.client.search(index=self.options.alias, body=dict(
                request, size=self._step(), search_after=rows[-1]["sort"], track_total_hits=False),
                params=_WHOLE)["hits"]["hits"]
        return page

    def count_matching(self, text: str, identifiers) -> dict[str, int]:
        with cluster_errors("count matching works"):
            try:
                return signal.count_per_member(self.client, self.options.alias, self._parser(), text,
                                               list(identifiers or ()))
            except engine.NotFoundError:
                return {}

    def close(self) -> None:
        self.client.close()


_TITLE_ANALYZER = analyzers.text_analyzer()


def _hit(row: dict, home_member: str | None, terms: set[str]):
    payload = json.loads(row["_source"]["payload"])
    if terms is None:  # a brief answer (digests): no marked title, no variant
        return documents.hit_from_payload(payload, home_member, None)
    title = highlight.highlight(_TITLE_ANALYZER, payload.get("title") or "", terms)
    return documents.hit_from_payload(payload, home_member, title, matching_variant(_TITLE_ANALYZER, payload, terms))


def _facets(aggregations: dict) -> dict[str, tuple[FacetCount, ...]]:
    buckets = aggregations.get(FACET_FIELD, {}).get("buckets", ())
    counts = {split_facet_term(bucket["key"]): bucket["doc_count"] for bucket in buckets}
    return facets.facet_rows(counts)
