"""Both Whoosh backends read and write the same index: an index written by either (or by
both in turn) answers the same on each, so switching ``SEARCH_BACKEND`` needs no rebuild."""
import dataclasses
import datetime as dt

import pytest

from search_index.backends import open_backend
from search_index.ports import BackendSettings, IndexedHolding, SearchParams
from tests.search_index.corpus import ListSource, index_documents, isbn13

pytestmark = pytest.mark.needs_search
BACKENDS = ("whoosh", "whoosh-plain")
MIX = [
    SearchParams(q="algorithms"), SearchParams(q="数据"), SearchParams(q="data structures", sort="title"),
    SearchParams(sort="newest"), SearchParams(sort="year", per_page=50),
    SearchParams(sort="title", page=2, per_page=30),
    SearchParams(q="history OR 历史", member=("M2",)), SearchParams(q="clc:TP3", available=True),
    SearchParams(q="语言 learning", year_from=2000, year_to=2010), SearchParams(acquired_since=dt.date(2026, 6, 1)),
    SearchParams(q="algoritms"), SearchParams(q="title:design", language=("eng",)), SearchParams(q=isbn13(42)),
    SearchParams(q="modern NOT history", home_member="M3", sort="year"), SearchParams(q="((broken"),
    SearchParams(format=("ejournal", "book"), clc="T", sort="relevance"), SearchParams(q="author:王明 OR 网络"),
    SearchParams(q="theory -quantum", member=("M1", "M3"), page=3, per_page=5), SearchParams(q="nature"),
]
QUESTIONS = [("请问有没有数据结构方面的书？", []), ("any history of modern law", [isbn13(7)]), ("", [isbn13(11)])]


def catalogue(count: int = 900) -> list:
    """Synthetic works, some undated, some e-journals with a link, so every facet and sort has
    ties, gaps and defaults to get right."""
    docs = []
    for doc in index_documents(count):
        if doc.id % 7 == 0:
            doc = dataclasses.replace(doc, year=None)
        if doc.id % 11 == 0:
            doc = dataclasses.replace(doc, format="ejournal", holdings=(
                IndexedHolding(member="M2", url="https://example.org/j", access="consortium"),))
        docs.append(doc)
    return docs


def backend(name: str, tmp_path):
    return open_backend(name, BackendSettings(index_dir=str(tmp_path / "index"), rebuild_procs=1))


def write(name, tmp_path, changed=(), deleted=()) -> None:
    writer = backend(name, tmp_path).writer()
    writer.open()
    try:
        writer.apply(list(changed), list(deleted))
    finally:
        writer.close()


def answers(name: str, tmp_path) -> list:
    reader = backend(name, tmp_path).reader()
    try:
        return ([reader.search(params) for params in MIX]
                + [reader.count_matching(text, idents) for text, idents in QUESTIONS])
    finally:
        reader.close()


def assert_same_answers(tmp_path) -> None:
    fast, plain = answers("whoosh", tmp_path), answers("whoosh-plain", tmp_path)
    assert fast[0].total > 0 and any(answer.suggestion for answer in fast[:len(MIX)])
    for params, ours, theirs in zip(MIX + QUESTIONS, fast, plain):
        assert ours == theirs, params


@pytest.mark.parametrize("writer", BACKENDS)
def test_batches_written_by_either_backend_answer_the_same_on_both(tmp_path, writer):
    """Batches, updates (deleting older copies) and removals by one backend; both read alike."""
    docs = catalogue()
    for start in range(0, len(docs), 300):
        write(writer, tmp_path, docs[start:start + 300])
    updated = [dataclasses.replace(doc, title=doc.title + " Revised") for doc in docs[100:160]]
    write(writer, tmp_path, updated, deleted=[doc.id for doc in docs[400:420]])
    assert_same_answers(tmp_path)


def test_backends_writing_in_turn_keep_one_index(tmp_path):
    """The fast writer, then the plain one, then the fast one again (merging what the plain one
    wrote): one document per work, the same fingerprints and answers from both."""
    docs = catalogue()
    write("whoosh", tmp_path, docs[:450])
    write("whoosh-plain", tmp_path, docs[450:] + [dataclasses.replace(d, subtitle="2nd ed.") for d in docs[:50]])
    for start in range(0, 120, 10):  # enough small commits for the fast writer's tiers to merge
        write("whoosh", tmp_path, [dataclasses.replace(d, summary="merged") for d in docs[start:start + 10]],
              deleted=[docs[-1 - start].id])
    statuses = [backend(name, tmp_path).writer().status() for name in BACKENDS]
    assert statuses[0].documents == statuses[1].documents == len(docs) - 12
    assert statuses[0].current and statuses[1].current
    prints = [backend(name, tmp_path).writer().fingerprints() for name in BACKENDS]
    assert prints[0] == prints[1] and len(prints[0]) == len(docs) - 12
    assert_same_answers(tmp_path)


@pytest.mark.parametrize("writer", BACKENDS)
def test_a_rebuild_by_either_backend_answers_the_same_on_both(tmp_path, writer):
    """A full rebuild from a source by one backend; both read it alike."""
    writer_port = backend(writer, tmp_path).writer()
    writer_port.open()
    try:
        assert writer_port.rebuild(ListSource(catalogue())) == 900
    finally:
        writer_port.close()
    assert_same_answers(tmp_path)
