"""One indexer leader at a time: on PostgreSQL a worker on another machine (another index
folder, the same database) that finds the leader's advisory lock taken skips its pass; once
the leader is done it leads. SQLite keeps the single writer's own lock."""
import dataclasses
import logging
import threading

import pytest

from consortium import create_app
from consortium.db import get_engine
from consortium.search import leader, operations
from consortium.search.errors import IndexBusy
from consortium.search.indexer import Hooks
from tests.search_index.conftest import push_books


@pytest.fixture
def backend():
    return "postgresql"


@pytest.fixture
def other_machine(app_config, tmp_path):
    """A second worker's app: the same database, an index folder (and lock) of its own."""
    config = dict(app_config, SEARCH_INDEX_DIR=str(tmp_path / "other-index"))
    other = create_app(config, instance_path=str(tmp_path / "other-instance"))
    yield other
    get_engine(other).dispose()


def test_a_second_worker_skips_while_the_leader_indexes(app, other_machine, session, members, caplog):
    """While one worker indexes, another machine's pass raises IndexBusy and its job skips
    quietly; after the leader's pass the other one leads and finds nothing left to do."""
    caplog.set_level(logging.INFO, logger="consortium.search.operations")
    push_books(session, members)
    inside, release = threading.Event(), threading.Event()

    def pause():
        inside.set()
        assert release.wait(60)

    first = threading.Thread(target=operations.sync_index, args=(app, Hooks(before_index_commit=pause)))
    first.start()
    try:
        assert inside.wait(60)
        assert leader.leader_pid(get_engine(app)) is not None
        with pytest.raises(IndexBusy):
            operations.sync_index(other_machine)
        operations.indexer_job(other_machine)
        assert "busy" in caplog.text
    finally:
        release.set()
        first.join(60)
    assert leader.leader_pid(get_engine(app)) is None
    assert operations.sync_index(other_machine).changes == 0


def test_a_rebuild_holds_the_leadership_too(app, other_machine, session, members):
    """A rebuild on one machine keeps every other worker from indexing until it is done."""
    push_books(session, members)
    operations.get_backend(app).settings = dataclasses.replace(operations.get_backend(app).settings,
                                                               rebuild_procs=1)
    seen = []

    def progress(done, total):
        if not seen:
            with pytest.raises(IndexBusy):
                operations.sync_index(other_machine)
        seen.append(done)

    assert operations.rebuild_index(app, progress=progress).works == 5 and seen


def test_sqlite_needs_no_advisory_lock(tmp_path, migrated_sqlite):
    """On SQLite leadership is the writer's own lock: taking it twice in a row just works."""
    from consortium.db.engine import make_engine

    engine = make_engine(f"sqlite:///{migrated_sqlite}")
    with leader.leadership(engine), leader.leadership(engine):
        assert leader.leader_pid(engine) is None
    engine.dispose()
