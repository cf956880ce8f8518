"""A reader's search as query DSL: the text parsed by the parser every backend shares
(``whoosh_common.query``: fielded syntax, identifier spotting, Han runs as required bigrams
with optional jieba words, the plain-words fallback) and its tree translated node by node;
the filters, the sorts and the facet aggregations. Pure.

The translation keeps Whoosh's meaning: ``And`` every child, ``Or`` any (scores summed in
both), ``AndMaybe`` the first with the second as a boost, ``Not`` everything else. Our fields
keep no positions (like the Whoosh schema): the shared parser turns a quoted phrase into its
words and shingles (``whoosh_common.query.catalogue_phrase``), plain terms here. The
exact-title key scores the parser's boost as a constant (a keyword's BM25 would vary with how
many works share the title, and the boost must stay far above any text score).
"""
from whoosh import query as wq

from search_index import documents
from search_index.opensearch.mapping import EXACT_FIELD, FACET_FIELD, facet_term
from search_index.ports import FACET_NAMES, SearchParams
from search_index.whoosh_common import query as qmod
from search_index.whoosh_common.schema import build_schema

MATCH_ALL = {"match_all": {}}
MATCH_NONE = {"match_none": {}}
# Distinct values counted per facet (more than any consortium has members or classes), and
# by the one aggregation of every facet's values.
FACET_SIZE = 1000
ALL_FACETS_SIZE = FACET_SIZE * len(FACET_NAMES)
# Sort keys (ties broken by work id, so pages never overlap), and each sort's keys.
_BY_ID = {"id": "asc"}
SORTS = {
    # works scoring alike as on every backend: the most held, the newest, the lower id
    "relevance": [{"_score": "desc"}, {"tie_order": "desc"}, _BY_ID],
    "newest": [{"acquired": "desc"}, _BY_ID],
    # undated works first, as the Whoosh backends order them (their missing year sorts high)
    "year": [{"year": {"order": "desc", "missing": "_first"}}, _BY_ID],
    "title": [{"title_sort": "asc"}, _BY_ID],
}


def make_parser():
    """The shared parser over the Whoosh schema (it names the fields and their analyzers)."""
    return qmod.make_parser(build_schema())


def parse(parser, text: str):
    """The parsed tree of a reader's text (``Every`` for none)."""
    return qmod.parse_text(parser, text)


def to_dsl(node) -> dict:
    """A parsed Whoosh query as query DSL."""
    boost = getattr(node, "boost", 1.0)
    if node is wq.NullQuery or isinstance(node, type(wq.NullQuery)):
        return MATCH_NONE
    if isinstance(node, wq.Every):
        return MATCH_ALL
    if isinstance(node, wq.Term) and node.fieldname == EXACT_FIELD:
        return {"constant_score": {"filter": {"term": {EXACT_FIELD: _text(node.text)}}, "boost": boost}}
    if isinstance(node, wq.Term):
        return {"term": {node.fieldname: _boosted({"value": _text(node.text)}, boost)}}
    if isinstance(node, wq.AndMaybe):
        return _bool({"must": [to_dsl(node.a)], "should": [to_dsl(node.b)]}, boost)
    if isinstance(node, wq.AndNot):
        return _bool({"must": [to_dsl(node.a)], "must_not": [to_dsl(node.b)]}, boost)
    if isinstance(node, wq.Not):
        return _bool({"must": [MATCH_ALL], "must_not": [to_dsl(node.query)]}, boost)
    if isinstance(node, wq.And):
        return _bool({"must": [to_dsl(child) for child in node.subqueries]}, boost)
    if isinstance(node, wq.DisjunctionMax):
        return {"dis_max": _boosted({"queries": [to_dsl(child) for child in node.subqueries],
                                     "tie_breaker": node.tiebreak}, boost)}
    if isinstance(node, wq.Or):
        return _bool({"should": [to_dsl(child) for child in node.subqueries], "minimum_should_match": 1}, boost)
    return _leaf(node, boost)


def _leaf(node, boost: float) -> dict:
    if isinstance(node, wq.FuzzyTerm):
        return {"fuzzy": {node.fieldname: _boosted({"value": _text(node.text), "fuzziness": node.maxdist,
                                                    "prefix_length": node.prefixlength}, boost)}}
    if isinstance(node, wq.Prefix):
        return {"prefix": {node.fieldname: _boosted({"value": _text(node.text)}, boost)}}
    if isinstance(node, wq.Wildcard):
        return {"wildcard": {node.fieldname: _boosted({"value": _text(node.text)}, boost)}}
    if isinstance(node, wq.NumericRange | wq.TermRange):
        bounds = {}
        if node.start is not None:
            bounds["gt" if node.startexcl else "gte"] = _text(node.start)
        if node.end is not None:
            bounds["lt" if node.endexcl else "lte"] = _text(node.end)
        return {"range": {node.fieldname: _boosted(bounds, boost)}}
    if isinstance(node, wq.Phrase):  # not made by the shared parser; without positions, its words
        return _bool({"must": [{"term": {node.fieldname: {"value": _text(w)}}} for w in node.words]}, boost)
    terms = [{"term": {field: {"value": _text(text)}}} for field, text in node.iter_all_terms()]
    return _bool({"must": terms}, boost) if terms else MATCH_NONE


def _bool(clauses: dict, boost: float) -> dict:
    return {"bool": _boosted(clauses, boost)}


def _boosted(body: dict, boost: float) -> dict:
    if boost != 1.0:
        body["boost"] = boost
    return body


def _text(value):
    return value.decode("utf-8") if isinstance(value, bytes) else value


def filters(params: SearchParams) -> list[dict]:
    """The filter parameters as non-scoring clauses (``whoosh_common.query.filter_queries``)."""
    found = []
    for name in ("member", "format", "language"):
        values = getattr(params, name)
        if values:
            found.append({"terms": {FACET_FIELD: [facet_term(name, value) for value in values]}})
    if params.year_from is not None or params.year_to is not None:
        bounds = {"gte": params.year_from} if params.year_from is not None else {}
        if params.year_to is not None:
            bounds["lte"] = params.year_to
        found.append({"range": {"year": bounds}})
    if params.clc:
        found.append({"term": {"clc": params.clc}})
    if params.available is not None:
        found.append({"term": {FACET_FIELD: facet_term("available", "1" if params.available else "0")}})
    if params.acquired_since is not None:
        found.append({"range": {"acquired": {"gte": int(params.acquired_since.strftime("%Y%m%d"))}}})
    if params.first_seen_after is not None or params.first_seen_until is not None:
        seen = {"gt": documents.epoch_seconds(params.first_seen_after)} if params.first_seen_after else {}
        if params.first_seen_until is not None:
            seen["lte"] = documents.epoch_seconds(params.first_seen_until)
        found.append({"range": {"first_seen": seen}})
    return found


def search_query(text_query, params: SearchParams) -> dict:
    """The text query restricted by the filters."""
    query = to_dsl(text_query)
    found = filters(params)
    if not found:
        return query
    return {"bool": {"must": [query], "filter": found}}


def sort_for(params: SearchParams) -> list:
    return SORTS[qmod.sort_name(params)]


def facet_aggregations() -> dict:
    """One terms aggregation counting every facet's values of the matching works
    (``searcher`` reads it back per facet)."""
    return {FACET_FIELD: {"terms": {"field": FACET_FIELD, "size": ALL_FACETS_SIZE}}}


def member_aggregation() -> dict:
    """Matching works per holding member (the holdings signal)."""
    return {"member": {"terms": {"field": FACET_FIELD, "size": FACET_SIZE,
                                 "include": f"{facet_term('member', '')}.*"}}}
