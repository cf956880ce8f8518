"""The single writer: change log → index, checkpoint after commit, crash and replay, rebuild,
and the content version that makes the job rebuild an index written differently."""
import dataclasses
import os
import shutil
import subprocess
import sys
import textwrap

import pytest
from sqlmodel import select
from whoosh.fields import ID, STORED, Schema
from whoosh.filedb.filestore import FileStorage

from consortium.catalogue.models import ChangeLog
from consortium.catalogue.service import ingest_batch, withdraw_holding
from consortium.ports import SEARCH
from consortium.search import operations
from consortium.search.errors import IndexBusy
from consortium.search.indexer import Hooks
from consortium.search.models import SearchCheckpoint
from search_index import analysis, ports
from search_index.opensearch import helpers
from search_index.whoosh_fast import rebuild
from search_index.whoosh_plain import indexing
from tests.search_index.conftest import BOOKS, push_books

pytestmark = pytest.mark.needs_search
BOOKS_A1 = BOOKS["A"][0]

CRASHER = textwrap.dedent("""
    import os, signal, sys
    from consortium import create_app
    from consortium.search.indexer import Hooks
    from consortium.search.operations import sync_index

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
               CONSORTIUM_SEARCH_BACKEND=app.config["SEARCH_BACKEND"], CONSORTIUM_BACKGROUND_JOBS="false")
    proc = subprocess.run([sys.executable, "-c", CRASHER, str(tmp_path / "crash-instance"), point],
                          env=env, capture_output=True, text=True, timeout=120)
    return proc


def checkpoint(session) -> int:
    session.expire_all()
    row = session.get(SearchCheckpoint, "works")
    return row.last_id if row else 0


def head(session) -> int:
    return max(session.exec(select(ChangeLog.id)).all())


def single_process_rebuilds(app) -> None:
    backend = operations.get_backend(app)
    backend.settings = dataclasses.replace(backend.settings, rebuild_procs=1)


def test_push_withdraw_and_merge_reach_the_index(app, session, members):
    """Indexed works follow pushes, withdrawals and merges; merged-away ids leave the index."""
    ids = push_books(session, members)
    operations.sync_index(app)
    port = app.extensions[SEARCH]
    withdraw_holding(session, members["B"], "b3")
    operations.sync_index(app)
    assert port.search({"q": "nature"})["total"] == 0
    # another ISBN of the same book, catalogued without author or year, is a work of its own
    # (a title alone joins nothing) until one record carries both ISBNs: then they merge
    paperback = ingest_batch(session, members["C"], [{"local_id": "c8", "title": "Introduction to Algorithms",
                                                      "isbns": ["9780262533058"], "format": "book"}]).works[0]["work_id"]
    operations.sync_index(app)
    assert port.search({})["total"] == 5
    ingest_batch(session, members["C"], [{"local_id": "c9", "title": "Introduction to Algorithms",
                                          "isbns": ["9780262033848", "9780262533058"], "format": "book"}])
    operations.sync_index(app)
    report = operations.check(app)
    assert report.clean, report
    # the merged work (the older one) carries both ISBNs; the merged-away id left the index
    found = {r["id"] for r in port.search({"q": "9780262533058"})["results"]}
    assert found == {ids["a2"]} and paperback != ids["a2"]
    assert port.search({})["total"] == 4  # 紅樓夢, algorithms, 数据结构, Dream; Nature withdrawn


def test_checkpoint_is_committed_after_the_index_and_replay_is_idempotent(app, session, members):
    """An error between the backend's commit and the checkpoint leaves the checkpoint behind;
    the next pass replays the batch and ends clean."""
    push_books(session, members)

    def fail():
        raise RuntimeError("injected between the index commit and the checkpoint commit")

    with pytest.raises(RuntimeError):
        operations.sync_index(app, Hooks(after_index_commit=fail))
    assert checkpoint(session) == 0
    assert operations.check(app).clean  # the index itself was committed
    report = operations.sync_index(app)
    assert report.changes == head(session) and checkpoint(session) == head(session)
    assert operations.check(app).clean


def test_killed_indexer_mid_batch_restarts_clean(app, session, members, tmp_path, backend):
    """SIGKILL before a batch's commit loses that batch; restarting replays it and
    `index check` is clean."""
    push_books(session, members)
    proc = run_crasher(app, tmp_path, "before_index_commit")
    assert proc.returncode == -9, proc.stderr
    assert 0 < checkpoint(session) < head(session)
    assert not operations.check(app).clean  # the killed batch's works are missing
    operations.sync_index(app)
    assert checkpoint(session) == head(session)
    assert operations.check(app).clean


def test_killed_indexer_after_index_commit_replays_without_duplicates(app, session, members, tmp_path):
    """SIGKILL after the commit but before the checkpoint: the batch is applied twice, with no
    duplicate documents."""
    works = set(push_books(session, members).values())
    proc = run_crasher(app, tmp_path, "after_index_commit")
    assert proc.returncode == -9, proc.stderr
    operations.sync_index(app)
    assert operations.check(app).clean
    assert operations.status(app)["documents"] == len(works) == 5


def test_a_second_writer_gets_index_busy_and_the_job_skips_quietly(app, session, members):
    """While another writer holds the lock, a pass raises IndexBusy and the job logs and skips."""
    push_books(session, members)
    other = operations.get_backend(app).writer()
    other.open()
    try:
        with pytest.raises(IndexBusy):
            operations.sync_index(app)
        operations.indexer_job(app)  # does not raise
        assert checkpoint(session) == 0
    finally:
        other.close()
    operations.indexer_job(app)
    assert checkpoint(session) == head(session)


def test_rebuild_matches_the_database_and_open_readers_see_it(app, session, members):
    """A rebuild indexes every live work; a reader opened before the rebuild sees the new
    index on its next search."""
    push_books(session, members)
    operations.sync_index(app)
    port = app.extensions[SEARCH]
    before = port.search({})["total"]
    ingest_batch(session, members["C"], [{"local_id": "c2", "title": "新书", "format": "book"}])
    seen = []
    report = operations.rebuild_index(app, progress=lambda done, total: seen.append((done, total)))
    assert report.works == before + 1 and seen[-1] == (before + 1, before + 1)
    assert port.search({})["total"] == before + 1
    assert checkpoint(session) == head(session)
    assert operations.check(app).clean


def test_status_shows_the_lag_the_backend_and_the_content_version(app, session, members, search_backend):
    """Status reports the backend, the checkpoint, the head, the changes not yet applied and
    whether the index holds this version's content."""
    push_books(session, members)
    status = operations.status(app)
    assert status["checkpoint"] == 0 and status["lag"] == status["head"] > 0 and not status["exists"]
    assert status["backend"] == search_backend and status["content_current"]
    operations.sync_index(app)
    status = operations.status(app)
    assert status["lag"] == 0 and status["documents"] == 5
    assert status["content_version"] == status["expected_version"] and status["content_current"]


def test_rebuild_in_small_ranges_and_segments_keeps_every_work(app, session, members, monkeypatch, whoosh_index):
    """Ranges of two ids and a segment per two works: every live work is indexed once, check is clean."""
    push_books(session, members)
    for module in (rebuild, indexing):
        monkeypatch.setattr(module, "RANGE", 2)
        monkeypatch.setattr(module, "SEGMENT_DOCS", 2)
    single_process_rebuilds(app)
    report = operations.rebuild_index(app)
    ix = whoosh_index()
    try:
        assert len(ix._segments()) >= 3 and ix.doc_count() == report.works
    finally:
        ix.close()
    assert report.works == app.extensions[SEARCH].search({})["total"] > 3
    assert operations.check(app).clean


def test_an_index_of_an_older_version_is_rebuilt_by_the_job(app, session, members, whoosh_index):
    """An index written with other fields and no content version (an older version's) is
    rebuilt before catching up."""
    index_dir = app.config["SEARCH_INDEX_DIR"]
    os.makedirs(index_dir, exist_ok=True)
    FileStorage(index_dir).create_index(Schema(id=ID(stored=True, unique=True), stamp=STORED), indexname="works")
    assert not operations.status(app)["content_current"]
    works = push_books(session, members)
    single_process_rebuilds(app)
    operations.indexer_job(app)
    assert operations.status(app)["content_current"] and operations.check(app).clean
    found = app.extensions[SEARCH].search({"member": ["C"]})
    assert {r["id"] for r in found["results"]} == {works["c1"]}


def test_a_changed_analysis_makes_the_job_rebuild_before_catching_up(app, session, members, monkeypatch):
    """Raising the analysis version changes the content version: status says the index is
    not current, and the next job pass rebuilds it, then catches up."""
    push_books(session, members)
    operations.indexer_job(app)
    before = operations.status(app)
    monkeypatch.setattr(analysis, "ANALYSIS_VERSION", analysis.ANALYSIS_VERSION + 1)
    stale = operations.status(app)
    assert stale["expected_version"] != before["expected_version"] == stale["content_version"]
    assert not stale["content_current"]
    ingest_batch(session, members["C"], [{"local_id": "c7", "title": "新的分析", "format": "book"}])
    single_process_rebuilds(app)
    operations.indexer_job(app)
    after = operations.status(app)
    assert after["content_current"] and after["content_version"] == stale["expected_version"]
    assert after["lag"] == 0 and after["documents"] == 6 and operations.check(app).clean


def test_adding_a_facet_changes_the_content_version_and_triggers_a_rebuild(app, session, members, monkeypatch):
    """A facet added to the layout every answer carries makes the index stale."""
    push_books(session, members)
    operations.indexer_job(app)
    before = operations.status(app)
    monkeypatch.setattr(ports, "FACET_NAMES", ports.FACET_NAMES + ("publisher",))
    assert not operations.status(app)["content_current"]
    single_process_rebuilds(app)
    operations.indexer_job(app)
    after = operations.status(app)
    assert after["content_current"] and after["content_version"] != before["content_version"]


def test_a_lost_index_is_rebuilt_rather_than_left_empty(app, session, members, whoosh_index):
    """When the index directory is gone but the checkpoint says changes were applied, the job
    rebuilds it (catching up from the checkpoint would leave the older works out)."""
    push_books(session, members)
    operations.indexer_job(app)
    shutil.rmtree(app.config["SEARCH_INDEX_DIR"])
    single_process_rebuilds(app)
    operations.indexer_job(app)
    assert operations.status(app)["documents"] == 5 and operations.check(app).clean


def test_a_work_updated_across_segments_stays_one_document(app, session, members, whoosh_index, search_backend):
    """Each sync writes a segment; re-pushing a work each time leaves exactly one live
    document of it, and the old copies are deleted in whichever segment holds them (the
    fast writer merges by tiers, so its segments stay apart; Whoosh's own merges small ones)."""
    ids = push_books(session, members)
    operations.sync_index(app)
    for year in (1990, 1991, 1992):
        result = ingest_batch(session, members["A"], [dict(BOOKS_A1, year=year)])
        assert not result.rejected
        operations.sync_index(app)
    ix = whoosh_index()
    try:
        assert search_backend != "whoosh" or len(ix._segments()) >= 3
        with ix.searcher() as searcher:
            live = [fields["id"] for fields in searcher.all_stored_fields()]
            assert sorted(live) == sorted(set(live)) and str(ids["a1"]) in live
            assert searcher.doc_count() == len(set(ids.values()))
    finally:
        ix.close()
    assert operations.check(app).clean
    assert app.extensions[SEARCH].search({"q": "紅樓夢"})["results"][0]["year"] == 1992


def test_an_index_naming_classes_gone_since_is_unavailable_then_rebuilt(app, client, session, members, tmp_path,
                                                                        monkeypatch, whoosh_index):
    """An older version pickled its own field classes into the index (``search_index.schema``
    before the split): readers answer 503 until the job rebuilds it, then search works."""
    (tmp_path / "gone_schema.py").write_text("from whoosh.fields import TEXT\nclass OldText(TEXT):\n    pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import gone_schema

    FileStorage(app.config["SEARCH_INDEX_DIR"]).create()
    FileStorage(app.config["SEARCH_INDEX_DIR"]).create_index(
        Schema(id=ID(stored=True, unique=True), title=gone_schema.OldText()), indexname="works")
    monkeypatch.delitem(sys.modules, "gone_schema")
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p != str(tmp_path)])
    (tmp_path / "gone_schema.py").unlink()
    status = operations.status(app)
    assert status["exists"] and not status["content_current"] and status["documents"] is None
    assert client.get("/api/v1/search?q=x").status_code == 503
    works = push_books(session, members)
    single_process_rebuilds(app)
    operations.indexer_job(app)
    assert operations.status(app)["content_current"] and operations.check(app).clean
    assert client.get("/api/v1/search?q=红楼梦").get_json()["results"][0]["id"] == works["a1"]


def test_a_backlog_in_many_batches_ends_equal_to_the_database(app, session, members, monkeypatch):
    """1,200 new works in batches of 200: after one pass the index equals the database. On
    ``opensearch`` (helpers from 200 works, ready at once) the batches are read, analysed and
    sent by the helper processes — each from the database itself — not by this process."""
    real_ready, sent_by_helpers = helpers.Helpers.ready, []

    def ready_at_once(self, start=None):
        if not real_ready(self, start) and self._starting is not None:
            self._starting.join(60)
        return real_ready(self)

    def apply_counted(self, batch, options, index):
        sent_by_helpers.append(len(batch.work_ids))
        return real_apply(self, batch, options, index)

    real_apply = helpers.Helpers.apply
    monkeypatch.setattr(helpers, "PARALLEL_FROM", 200)
    monkeypatch.setattr(helpers.Helpers, "ready", ready_at_once)
    monkeypatch.setattr(helpers.Helpers, "apply", apply_counted)
    for first in (0, 600):  # a push carries at most 1,000 records
        ingest_batch(session, members["A"], [{"local_id": f"bk-{n}", "title": f"积压新书 backlog {n}", "format": "book"}
                                             for n in range(first, first + 600)])
    app.config["SEARCH_INDEX_BATCH"] = 200
    backend = operations.get_backend(app)
    backend.settings = dataclasses.replace(backend.settings, rebuild_procs=2)
    report = operations.sync_index(app)
    assert report.updated == 1200 and report.batches >= 6
    assert operations.check(app).clean
    assert app.extensions[SEARCH].search({"q": "积压新书"})["total"] == 1200
    if app.config["SEARCH_BACKEND"] == "opensearch":
        assert sum(sent_by_helpers) == 1200
    else:
        assert sent_by_helpers == []
