"""The single writer: change log → index, checkpoint after commit, crash and replay, rebuild."""
import os
import subprocess
import sys
import textwrap

import pytest
from sqlmodel import select

from consortium.catalogue.models import ChangeLog
from consortium.models.search import SearchCheckpoint
from consortium.ports import SEARCH
from consortium.catalogue.service import ingest_batch, withdraw_holding
from search_index import service, store
from search_index.errors import IndexBusy
from search_index.indexer import Hooks, acquire_writer_lock
from tests.search_index.conftest import BOOKS, push_books

BOOKS_A1 = BOOKS["A"][0]

CRASHER = textwrap.dedent("""
    import os, signal, sys
    from consortium import create_app
    from search_index.indexer import Hooks
    from search_index.service import sync_index

    app = create_app(instance_path=sys.argv[1])
    point, batches = sys.argv[2], {"n": 0}

    def maybe_die():
        batches["n"] += 1
        if batches["n"] == 2:  # the second batch dies: the first is committed, the second not
            os.kill(os.getpid(), signal.SIGKILL)

    sync_index(app, Hooks(**{point: maybe_die}))
""")


def run_crasher(app, tmp_path, point):
    env = dict(os.environ, CONSORTIUM_DATABASE_URL=app.config["CONSORTIUM_DATABASE_URL"],
               CONSORTIUM_SEARCH_INDEX_DIR=app.config["SEARCH_INDEX_DIR"], CONSORTIUM_SEARCH_INDEX_BATCH="2",
               CONSORTIUM_BACKGROUND_JOBS="false")
    proc = subprocess.run([sys.executable, "-c", CRASHER, str(tmp_path / "crash-instance"), point],
                          env=env, capture_output=True, text=True, timeout=120)
    return proc


def checkpoint(session) -> int:
    session.expire_all()
    row = session.get(SearchCheckpoint, "works")
    return row.last_id if row else 0


def head(session) -> int:
    return max(session.exec(select(ChangeLog.id)).all())


def test_push_withdraw_and_merge_reach_the_index(app, session, members):
    """Indexed works follow pushes, withdrawals and merges; merged-away ids leave the index."""
    ids = push_books(session, members)
    service.sync_index(app)
    port = app.extensions[SEARCH]
    withdraw_holding(session, members["B"], "b3")
    service.sync_index(app)
    assert port.search({"q": "nature"})["total"] == 0
    # one record carrying two ISBNs of separately held works merges them
    ingest_batch(session, members["C"], [{"local_id": "c9", "title": "Introduction to Algorithms",
                                          "isbns": ["9780262033848", "9787020002207"], "format": "book"}])
    service.sync_index(app)
    report = service.check(app)
    assert report.clean, report
    found = {r["id"] for r in port.search({"q": "algorithms"})["results"]}
    assert len(found) == 1 and found <= {ids["a1"], ids["a2"]}


def test_checkpoint_is_committed_after_the_index_and_replay_is_idempotent(app, session, members):
    """An error between the Whoosh commit and the checkpoint leaves the checkpoint behind;
    the next pass replays the batch and ends clean."""
    push_books(session, members)

    def fail():
        raise RuntimeError("injected between the index commit and the checkpoint commit")

    with pytest.raises(RuntimeError):
        service.sync_index(app, Hooks(after_index_commit=fail))
    assert checkpoint(session) == 0
    assert service.check(app).clean  # the index itself was committed
    report = service.sync_index(app)
    assert report.changes == head(session) and checkpoint(session) == head(session)
    assert service.check(app).clean


def test_killed_indexer_mid_batch_restarts_clean(app, session, members, tmp_path, backend):
    """SIGKILL before a batch's Whoosh commit loses that batch; restarting replays it and
    `index check` is clean."""
    push_books(session, members)
    proc = run_crasher(app, tmp_path, "before_index_commit")
    assert proc.returncode == -9, proc.stderr
    assert 0 < checkpoint(session) < head(session)
    assert not service.check(app).clean  # the killed batch's works are missing
    service.sync_index(app)
    assert checkpoint(session) == head(session)
    assert service.check(app).clean


def test_killed_indexer_after_index_commit_replays_without_duplicates(app, session, members, tmp_path):
    """SIGKILL after the Whoosh commit but before the checkpoint: the batch is applied twice,
    with no duplicate documents."""
    works = set(push_books(session, members).values())
    proc = run_crasher(app, tmp_path, "after_index_commit")
    assert proc.returncode == -9, proc.stderr
    service.sync_index(app)
    assert service.check(app).clean
    ix = store.open_for_reading(app.config["SEARCH_INDEX_DIR"])
    assert ix.doc_count() == len(works) == 5
    ix.close()


def test_a_second_writer_gets_index_busy_and_the_job_skips_quietly(app, session, members):
    """While another writer holds the lock, a pass raises IndexBusy and the job logs and skips."""
    push_books(session, members)
    ix = store.open_for_writing(app.config["SEARCH_INDEX_DIR"])
    lock = acquire_writer_lock(ix)
    try:
        with pytest.raises(IndexBusy):
            service.sync_index(app)
        service.indexer_job(app)  # does not raise
        assert checkpoint(session) == 0
    finally:
        lock.release()
    service.indexer_job(app)
    assert checkpoint(session) == head(session)


def test_rebuild_matches_the_database_and_open_readers_see_it(app, session, members):
    """A rebuild (two writer processes) indexes every live work; a reader opened before the
    rebuild sees the new index on its next search."""
    push_books(session, members)
    service.sync_index(app)
    port = app.extensions[SEARCH]
    before = port.search({})["total"]
    ingest_batch(session, members["C"], [{"local_id": "c2", "title": "新书", "format": "book"}])
    seen = []
    report = service.rebuild_index(app, progress=lambda done, total: seen.append((done, total)))
    assert report.works == before + 1 and seen[-1] == (before + 1, before + 1)
    assert port.search({})["total"] == before + 1
    assert checkpoint(session) == head(session)
    assert service.check(app).clean


def test_status_shows_the_lag(app, session, members):
    """Status reports the checkpoint, the head and the changes not yet applied."""
    push_books(session, members)
    status = service.status(app)
    assert status["checkpoint"] == 0 and status["lag"] == status["head"] > 0 and not status["exists"]
    service.sync_index(app)
    status = service.status(app)
    assert status["lag"] == 0 and status["documents"] == 5


def test_rebuild_in_small_ranges_and_segments_keeps_every_work(app, session, members, monkeypatch):
    """Ranges of two ids and a segment per two works: every live work is indexed once, check is clean."""
    from search_index import rebuild

    push_books(session, members)
    monkeypatch.setattr(rebuild, "RANGE", 2)
    monkeypatch.setattr(rebuild, "SEGMENT_DOCS", 2)
    app.config["SEARCH_INDEX_REBUILD_PROCS"] = 1
    report = service.rebuild_index(app)
    ix = store.open_for_reading(app.config["SEARCH_INDEX_DIR"])
    try:
        assert len(ix._segments()) >= 3 and ix.doc_count() == report.works
    finally:
        ix.close()
    assert report.works == app.extensions[SEARCH].search({})["total"] > 3
    assert service.check(app).clean


def test_an_index_of_an_older_version_is_rebuilt_by_the_job(app, session, members):
    """An index written with other fields (an older version's) is rebuilt before catching up."""
    import os

    from whoosh.fields import ID, STORED, Schema
    from whoosh.filedb.filestore import FileStorage

    index_dir = app.config["SEARCH_INDEX_DIR"]
    os.makedirs(index_dir, exist_ok=True)
    FileStorage(index_dir).create_index(Schema(id=ID(stored=True, unique=True), stamp=STORED),
                                        indexname=store.INDEX_NAME)
    assert not store.schema_is_current(index_dir)
    works = push_books(session, members)
    app.config["SEARCH_INDEX_REBUILD_PROCS"] = 1
    service.indexer_job(app)
    assert store.schema_is_current(index_dir) and service.check(app).clean
    found = app.extensions[SEARCH].search({"member": ["C"]})
    assert {r["id"] for r in found["results"]} == {works["c1"]}


def test_a_work_updated_across_segments_stays_one_document(app, session, members):
    """Each sync writes a segment; re-pushing a work each time leaves exactly one live
    document of it, and the old copies are deleted in whichever segment holds them."""
    ids = push_books(session, members)
    service.sync_index(app)
    for year in (1990, 1991, 1992):
        result = ingest_batch(session, members["A"], [dict(BOOKS_A1, year=year)])
        assert not result.rejected
        service.sync_index(app)
    ix = store.open_for_reading(app.config["SEARCH_INDEX_DIR"])
    try:
        assert len(ix._segments()) >= 3
        with ix.searcher() as searcher:
            live = [fields["id"] for fields in searcher.all_stored_fields()]
            assert sorted(live) == sorted(set(live)) and str(ids["a1"]) in live
            assert searcher.doc_count() == len(set(ids.values()))
    finally:
        ix.close()
    assert service.check(app).clean
    assert app.extensions[SEARCH].search({"q": "紅樓夢"})["results"][0]["year"] == 1992


def test_documents_read_from_either_database_carry_iso_dates_and_lists(app, session, members, backend):
    """The index reads works' JSON lists and holdings' dates as stored (text on SQLite, native
    values on PostgreSQL): the documents come out the same on both."""
    import json

    from search_index import source

    record = {"local_id": "d-1", "title": "数据结构", "authors": ["严蔚敏", "吴伟民"], "isbns": ["9787302023685"],
              "subjects": ["数据结构", "算法"], "year": 1997, "language": "zh", "clc": "TP311.12",
              "acquired_on": "2026-03-05", "copies": 2, "available": 1}
    work_id = ingest_batch(session, members["A"], [record]).works[0]["work_id"]
    ingest_batch(session, members["B"], [dict(record, local_id="d-2", acquired_on=None)])
    doc = source.load_documents(session, [work_id])[work_id]
    payload = json.loads(doc["payload"])
    assert payload["authors"] == ["严蔚敏", "吴伟民"] and payload["isbns"] == ["9787302023685"]
    assert payload["subjects"] == ["数据结构", "算法"] and payload["issns"] == []
    assert payload["acquired_on"] == "2026-03-05" and doc["acquired"] == 20260305
    assert [h["member"] for h in payload["holdings"]] == ["A", "B"]
    assert doc["authors"] == "严蔚敏 ; 吴伟民" and doc["isbn"] == "9787302023685"
