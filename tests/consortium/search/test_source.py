"""The database side of the index: works and holdings read as ``IndexDocument`` from either
database, the picklable rebuild source split into id ranges, and a change-log batch read in
a helper process."""
import pickle
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import datetime, timedelta
from operator import methodcaller

from consortium.catalogue.service import ingest_batch, withdraw_holding
from consortium.db import get_engine
from consortium.search import source
from search_index.analysis.processes import helper_context
from search_index.ports import IndexDocument, IndexedHolding
from search_index.whoosh_common.fields import whoosh_fields
from tests.search_index.conftest import push_books

RECORD = {"local_id": "d-1", "title": "数据结构", "authors": ["严蔚敏", "吴伟民"], "isbns": ["9787302023685"],
          "subjects": ["数据结构", "算法"], "year": 1997, "language": "zh", "clc": "TP311.12",
          "acquired_on": "2026-03-05", "copies": 2, "available": 1}


def test_documents_read_from_either_database_carry_iso_dates_and_lists(app, session, members, backend):
    """The index reads works' JSON lists, holdings' dates and each holding's own title,
    authors and identifiers as stored (text on SQLite, native values on PostgreSQL): the
    documents come out the same on both."""
    work_id = ingest_batch(session, members["A"], [RECORD]).works[0]["work_id"]
    ingest_batch(session, members["B"], [dict(RECORD, local_id="d-2", acquired_on=None)])
    doc = source.load_documents(session, [work_id])[work_id]
    assert isinstance(doc, IndexDocument)
    assert doc.authors == ("严蔚敏", "吴伟民") and doc.isbns == ("9787302023685",) and doc.issns == ()
    assert doc.subjects == ("数据结构", "算法") and doc.language == "chi"
    own = {"title": "数据结构", "authors": ("严蔚敏", "吴伟民"), "isbns": ("9787302023685",)}
    # when the consortium first saw each holding: ISO 8601 with its UTC offset on both databases
    seen = [datetime.fromisoformat(h.first_seen_at) for h in doc.holdings]
    assert all(moment.utcoffset() == timedelta(0) for moment in seen)
    assert tuple(sorted((replace(h, first_seen_at=None) for h in doc.holdings), key=lambda h: h.member)) == (
        IndexedHolding(member="A", local_id="d-1", copies=2, available=1, acquired_on="2026-03-05", **own),
        IndexedHolding(member="B", local_id="d-2", copies=2, available=1, **own))
    fields = whoosh_fields(doc)
    assert fields["acquired"] == 20260305 and fields["authors"] == "严蔚敏 ; 吴伟民"
    assert fields["isbn"] == "9787302023685"


def test_a_work_no_member_holds_any_more_is_a_removal(app, session, members):
    """Withdrawn everywhere (or merged away, or gone), a work's document is None: remove it."""
    work_id = ingest_batch(session, members["A"], [RECORD]).works[0]["work_id"]
    withdraw_holding(session, members["A"], "d-1")
    assert source.load_documents(session, [work_id, 987654]) == {work_id: None, 987654: None}


def test_the_rebuild_source_is_picklable_and_its_partitions_cover_every_work(app, session, members):
    """Partitions of two ids each, pickled as a rebuild process receives them, yield every
    indexable work once, in id order."""
    ids = push_books(session, members)
    whole = source.CatalogueSource(app.config["CONSORTIUM_DATABASE_URL"])
    parts = [pickle.loads(pickle.dumps(part)) for part in whole.partitions(2)]
    assert len(parts) >= 3 and all(part.span[1] - part.span[0] <= 2 for part in parts)
    found = [doc.id for part in parts for doc in part.documents()]
    assert found == sorted(set(ids.values())) == [doc.id for doc in whole.documents()]
    assert whole.count() == sum(part.count() for part in parts) == len(found)


def test_a_batch_of_changed_works_is_read_alike_in_a_helper_process(app, session, members, backend):
    """A change-log batch handed to a helper travels as the database URL and its work ids
    only; the helper, with an engine of its own, reads the very documents this process
    reads (a work held by no one any more: None), part by part in id order."""
    ids = sorted(set(push_books(session, members).values()))
    withdrawn = ingest_batch(session, members["A"], [dict(RECORD, local_id="gone")]).works[0]["work_id"]
    withdraw_holding(session, members["A"], "gone")
    url = app.config["CONSORTIUM_DATABASE_URL"]
    batch = source.ChangedWorks(url, [*ids, withdrawn], get_engine(app))
    here = batch.documents()
    assert here[withdrawn] is None and all(isinstance(here[work_id], IndexDocument) for work_id in ids)
    parts = batch.parts(2)
    assert [work_id for part in parts for work_id in part.work_ids] == [*ids, withdrawn]
    assert all(pickle.loads(pickle.dumps(part)).__dict__ == {"url": url, "work_ids": part.work_ids,
                                                              "_engine": None, "_docs": None} for part in parts)
    with ProcessPoolExecutor(1, mp_context=helper_context(("consortium.search.source",))) as helper:
        read = list(helper.map(methodcaller("documents"), parts))
    assert {work_id: doc for docs in read for work_id, doc in docs.items()} == here
