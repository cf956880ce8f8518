"""On PostgreSQL a change-log id can commit after a higher one: the indexer must not lose it."""
import pytest
from sqlmodel import Session

from consortium.catalogue.models import ChangeLog, Work
from consortium.catalogue.service import ingest_batch
from consortium.db import get_engine
from consortium.ports import SEARCH
from consortium.search.operations import check, status, sync_index
from tests.search_index.conftest import push_books

pytestmark = [pytest.mark.postgres, pytest.mark.needs_search]


@pytest.fixture
def backend():
    """Only PostgreSQL lets a lower id commit after a higher one (SQLite serialises writers)."""
    return "postgresql"


def test_a_change_committed_after_a_later_one_is_still_indexed(app, session, members):
    """Transaction 1 takes an id and stays open; transaction 2 takes the next id and commits;
    the indexer passes id 1 by; when transaction 1 commits, the next pass applies it."""
    ids = push_books(session, members)
    sync_index(app)
    slow = Session(get_engine(app))
    work = slow.get(Work, ids["b2"])
    work.title = "The Story of the Stone"
    slow.add(work)
    slow.add(ChangeLog(entity="work", entity_id=work.id, action="upsert", payload={}))
    slow.flush()  # the id is taken now, the row is invisible to others until commit
    ingest_batch(session, members["C"], [{"local_id": "c5", "title": "后来的书", "format": "book"}])
    sync_index(app)
    port = app.extensions[SEARCH]
    assert port.search({"q": "后来的书"})["total"] == 1
    assert port.search({"q": "story stone"})["total"] == 0
    slow.commit()
    slow.close()
    sync_index(app)
    assert port.search({"q": "story stone"})["total"] == 1
    assert check(app).clean


def test_a_gap_left_by_a_killed_transaction_closes_at_the_next_pass(app, session, members):
    """A transaction that took a change-log id keeps its gap open while it runs; once it is
    killed (as by a SIGKILL of its worker) PostgreSQL says every transaction that could hold
    the id has ended, and the next pass closes the gap without waiting for the gap timeout."""
    push_books(session, members)
    sync_index(app)
    engine = get_engine(app)
    doomed = Session(engine)
    doomed.add(ChangeLog(entity="work", entity_id=1, action="upsert", payload={}))
    doomed.flush()  # the id is taken
    pid = doomed.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar()
    ingest_batch(session, members["C"], [{"local_id": "c6", "title": "又一本书", "format": "book"}])
    sync_index(app)
    assert status(app)["open_gaps"] == 1
    sync_index(app)
    assert status(app)["open_gaps"] == 1  # it may still commit
    with engine.connect() as admin:
        # waits (up to 10 s) until the backend has exited and its transaction aborted
        assert admin.exec_driver_sql(f"SELECT pg_terminate_backend({pid}, 10000)").scalar()
        admin.commit()
    doomed.invalidate()
    sync_index(app)
    assert status(app)["open_gaps"] == 0 and check(app).clean
