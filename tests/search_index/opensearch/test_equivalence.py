"""A query means the same on the cluster as on Whoosh: the same catalogue written to
``opensearch`` and to ``whoosh-plain`` (Whoosh's public API, the reference) answers the mix of
``test_switching`` with the same totals, facets, suggestions and holdings signal, and the same
pages wherever the order is not a relevance score (the two engines' BM25 variants differ in
their scores, not in what matches)."""
import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from search_index.backends import open_backend
from search_index.opensearch.fields import terms_text
from search_index.opensearch.mapping import TERM_SEPARATOR
from search_index.ports import BackendSettings, SearchParams
from tests.search_index.corpus import ListSource
from tests.search_index.opensearch import cluster
from tests.search_index.test_switching import MIX, QUESTIONS, catalogue

pytestmark = [pytest.mark.needs_search, pytest.mark.opensearch]
# Deep pages of the title sort, walked with search_after beyond a result window of 40.
DEEP = [SearchParams(sort="title", page=page, per_page=25) for page in (1, 2, 3, 7, 35)]


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    """``{name: reader}`` over the same catalogue: rebuilt into each, then 60 works updated and
    20 removed by the indexer's write path."""
    url, prefix = cluster.cluster_url(), cluster.unique_prefix()
    docs = catalogue()
    updated = [dataclasses.replace(doc, title=doc.title + " Revised") for doc in docs[100:160]]
    removed = [doc.id for doc in docs[400:420]]
    readers = {}
    for name, options in (("whoosh-plain", {}), ("opensearch", dict(cluster.app_options(url, prefix),
                                                                     OPENSEARCH_RESULT_WINDOW=40))):
        backend = open_backend(name, BackendSettings(index_dir=str(tmp_path_factory.mktemp(name)), rebuild_procs=1,
                                                     options=options))
        writer = backend.writer()
        writer.open()
        try:
            assert writer.rebuild(ListSource(docs)) == len(docs)
            writer.apply(updated, removed)
        finally:
            writer.close()
        readers[name] = backend.reader()
    yield readers
    cluster.drop_prefix(url, prefix)


@pytest.mark.parametrize("params", MIX + DEEP, ids=repr)
def test_searches_answer_the_same_on_the_cluster_as_on_whoosh(engines, params):
    """Totals, facets and suggestions are equal; pages follow the same order (ties are broken
    by work id on the cluster, by index order in Whoosh, so the sort keys are compared)."""
    ours, reference = engines["opensearch"].search(params), engines["whoosh-plain"].search(params)
    assert (ours.total, ours.page, ours.per_page) == (reference.total, reference.page, reference.per_page)
    assert ours.facets == reference.facets
    assert ours.suggestion == reference.suggestion
    if not (params.sort == "relevance" and params.q):
        assert [sort_key(params, hit) for hit in ours.hits] == [sort_key(params, hit) for hit in reference.hits]
        if len({sort_key(params, hit) for hit in reference.hits}) == len(reference.hits):
            assert ours.hits == reference.hits
    elif reference.total <= params.per_page:  # every match on the page, in score order
        assert sorted(ours.hits, key=by_id) == sorted(reference.hits, key=by_id)


def by_id(hit):
    return hit.id


def sort_key(params: SearchParams, hit):
    """What the page is ordered by (no words and relevance: newest first)."""
    return {"year": hit.year, "title": hit.title}.get(params.sort, hit.acquired_on)


@pytest.mark.parametrize("question", QUESTIONS, ids=repr)
def test_the_holdings_signal_is_the_same_on_the_cluster(engines, question):
    """Question routing's count per member is the same."""
    text, identifiers = question
    assert engines["opensearch"].count_matching(text, identifiers) == \
        engines["whoosh-plain"].count_matching(text, identifiers)


def test_the_mix_exercises_what_it_should(engines):
    """The comparison is not vacuous: matches, a suggestion and pages beyond the window."""
    reader = engines["opensearch"]
    answers = [reader.search(params) for params in MIX]
    assert sum(a.total > 0 for a in answers) >= len(MIX) // 2 and any(a.suggestion for a in answers)
    deepest = reader.search(DEEP[-1])
    assert len(deepest.hits) == 25 and (deepest.page - 1) * deepest.per_page > 40


@given(st.lists(st.tuples(st.text(alphabet="abc数据结构TP3. ", min_size=1, max_size=6), st.integers(1, 4)),
                unique_by=lambda item: item[0]))
def test_terms_text_gives_each_term_as_often_as_it_occurs(items):
    """The index's analyser reads back every term, shingles with their space too, with its
    frequency."""
    counted = {}
    for term in filter(None, terms_text(items).split(TERM_SEPARATOR)):  # no terms: empty text
        counted[term] = counted.get(term, 0) + 1
    assert counted == dict(items)
