"""The holdings signal for question routing on the cluster (``SearchReader.count_matching``),
with the rules of ``whoosh_common.signal``: each content word of the question searched on its
own, words matching more than ``COMMON_SHARE`` of the index (and more than ``COMMON_MIN``
works) skipped, and a work counted when it matches any remaining word or identifier — per
holding member, from a terms aggregation over the union.
"""
from opensearchpy.exceptions import HTTP_EXCEPTIONS, TransportError

from search_index.analysis import terms as analysis_terms
from search_index.opensearch import query as dsl
from search_index.opensearch.mapping import split_facet_term
from search_index.whoosh_common.signal import COMMON_MIN, COMMON_SHARE, content_words


def count_per_member(client, index: str, parser, text: str, identifiers: list[str]) -> dict[str, int]:
    clauses = _word_clauses(client, index, parser, text)
    for ident in identifiers:
        clauses += [{"term": {"isbn": term}} for term in analysis_terms.identifier_query_terms(str(ident))]
    if not clauses:
        return {}
    answer = client.search(index=index, body={
        "size": 0, "track_total_hits": False, "query": {"bool": {"should": clauses, "minimum_should_match": 1}},
        "aggs": dsl.member_aggregation()})
    return {split_facet_term(bucket["key"])[1]: bucket["doc_count"]
            for bucket in answer["aggregations"]["member"]["buckets"]}


def _word_clauses(client, index: str, parser, text: str) -> list[dict]:
    """The queries of the question's words that are not too common to say anything."""
    queries = []
    for word in content_words(text):
        parsed = parser.parse(f"'{word}'")
        clause = dsl.to_dsl(parsed)
        if clause is not dsl.MATCH_NONE:
            queries.append(clause)
    if not queries:
        return []
    lines = [{"index": index}, {"size": 0, "track_total_hits": True, "query": {"match_all": {}}}]
    for clause in queries:
        lines += [{"index": index}, {"size": 0, "track_total_hits": True, "query": clause}]
    answers = client.msearch(body=lines)["responses"]
    for answer in answers:
        if "error" in answer:
            raise_for(answer)
    documents = answers[0]["hits"]["total"]["value"]
    common = max(COMMON_MIN, int(documents * COMMON_SHARE))
    return [clause for clause, answer in zip(queries, answers[1:]) if answer["hits"]["total"]["value"] <= common]


def raise_for(answer: dict) -> None:
    """An msearch part's error raised as the client raises a request's."""
    status = answer.get("status", 500)
    raise HTTP_EXCEPTIONS.get(status, TransportError)(status, answer["error"].get("type"), answer)
