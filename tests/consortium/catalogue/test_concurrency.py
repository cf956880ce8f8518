"""Issue #15's done-when: several members pushing overlapping records at once through the HTTP
API, on PostgreSQL and SQLite — one live work per ISBN/ISSN, every holding on a live work,
``catalogue check`` clean, no 5xx — and the parts that make it so: a merge moves a holding a
concurrent push wrote, a transaction that keeps losing answers 503 with Retry-After, and the
errors a retry can cure are recognised on the real databases."""
import random
import threading
from collections import Counter

import pytest
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from consortium.accounts.service import add_member, issue_key
from consortium.catalogue import locking, store
from consortium.catalogue.cli import catalogue_group
from consortium.catalogue.corrections import Actor, merge_works
from consortium.catalogue.errors import RaceLost
from consortium.catalogue.models import Holding, PushBatch, Work, WorkIdentifier
from consortium.catalogue.service import ingest_batch
from consortium.db import new_session
from consortium.demo.synthetic import isbn13
from consortium.search.cli import worker

CODES = ("A", "B", "C", "D", "E")
SHARED, OWN, LINKS, BATCH = 120, 40, 40, 20


def book(n: int, local_id: str, **fields) -> dict:
    return {"local_id": local_id, "title": f"Concurrent book {n}", "authors": [f"Author {n}"], "year": 2000 + n % 20,
            "isbns": [isbn13(500_000 + n)], **fields}


def journal(n: int, local_id: str) -> dict:
    return {"local_id": local_id, "title": f"Journal of concurrency {n}", "format": "journal",
            "issns": [_issn(n)]}


def _issn(n: int) -> str:
    digits = f"{2000000 + n:07d}"
    total = sum(int(d) * w for d, w in zip(digits, range(8, 1, -1)))
    check = (11 - total % 11) % 11
    return f"{digits[:4]}-{digits[4:]}{'X' if check == 10 else check}"


def exports(codes) -> dict[str, list[dict]]:
    """Every member holds the shared books and journals (in its own order) and a few books of
    its own; C's records of "own" books link A's and B's own books (same title, both ISBNs), so
    pushes merge works while A and B push onto them."""
    out = {}
    for index, code in enumerate(codes):
        records = [book(n, f"{code}-s{n}") for n in range(SHARED)] + [journal(n, f"{code}-j{n}") for n in range(20)]
        if code in ("A", "B"):
            offset = 0 if code == "A" else 10_000
            records += [book(n, f"{code}-o{n}", isbns=[isbn13(700_000 + offset + n)]) for n in range(OWN)]
        if code == "C":
            records += [book(n, f"C-l{n}", isbns=[isbn13(700_000 + n), isbn13(710_000 + n)]) for n in range(LINKS)]
        random.Random(index).shuffle(records)
        out[code] = records
    return out


@pytest.fixture
def five_members(session):
    for code in CODES:
        add_member(session, code, f"{code} 馆")
    return {code: issue_key(session, code) for code in CODES}


def push_all(url: str, keys: dict, records: dict) -> Counter:
    """Every member pushes its records in batches, all members at once; the answers' statuses."""
    statuses, lock = Counter(), threading.Lock()
    start = threading.Barrier(len(keys))

    def run(code):
        http = requests.Session()
        http.headers["Authorization"] = f"Bearer {keys[code]}"
        start.wait()
        for first in range(0, len(records[code]), BATCH):
            body = {"records": records[code][first:first + BATCH]}
            status = http.post(f"{url}/api/v1/members/{code}/records", json=body, timeout=120).status_code
            with lock:
                statuses[status] += 1

    threads = [threading.Thread(target=run, args=(code,)) for code in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    return statuses


@pytest.mark.slow
def test_members_pushing_overlapping_records_at_once_keep_one_work_per_identifier(app, live_server, five_members,
                                                                                  backend):
    records = exports(CODES)
    statuses = push_all(live_server.url, five_members, records)
    assert statuses == Counter({200: sum(-(-len(r) // BATCH) for r in records.values())})  # no 5xx, nothing refused
    with new_session(app) as session:
        live = session.exec(select(WorkIdentifier.kind, WorkIdentifier.value, Work.carrier)
                            .join(Work, Work.id == WorkIdentifier.work_id).where(Work.merged_into_id.is_(None))).all()
        assert [key for key, n in Counter(live).items() if n > 1] == []  # one live work per ISBN / ISSN
        holdings = session.exec(select(Holding, Work).join(Work, Work.id == Holding.work_id)).all()
        assert all(work.merged_into_id is None for _h, work in holdings)  # every holding on a live work
        assert len(holdings) == sum(len(r) for r in records.values())  # none lost, none doubled
        by_local = {h.local_id: h.work_id for h, _w in holdings}
        for n in range(LINKS):  # A's and B's own books and C's record linking them: one work
            assert by_local[f"A-o{n}"] == by_local[f"B-o{n}"] == by_local[f"C-l{n}"]
        for n in range(SHARED):
            assert len({by_local[f"{code}-s{n}"] for code in CODES}) == 1
    runner = app.test_cli_runner()
    assert runner.invoke(worker, ["--once"]).exit_code == 0
    checked = runner.invoke(catalogue_group, ["check"])
    assert checked.exit_code == 0 and checked.output.strip().endswith("clean"), checked.output


def test_a_merge_moves_the_holding_a_concurrent_push_is_writing(app, session, members, backend, monkeypatch):
    """A push holds its lock on a work while it writes a holding; a librarian's merge of that
    work waits for it and then moves that holding too: none stays on the merged-away work."""
    kept = ingest_batch(session, members["A"], [book(1, "a-1")]).works[0]["work_id"]
    absorbed = ingest_batch(session, members["A"], [book(2, "a-2", title="Concurrent book 1 (copy)")]).works[0]["work_id"]
    writing, release = threading.Event(), threading.Event()
    original = store.insert_holdings

    def slow_insert(conn, member_id, rows, seen_at=None):
        original(conn, member_id, rows, seen_at=seen_at)
        if any(row["local_id"] == "b-2" for row in rows):
            writing.set()
            release.wait(30)

    monkeypatch.setattr(store, "insert_holdings", slow_insert)
    errors = []

    def push():
        try:
            with new_session(app) as own:
                ingest_batch(own, own.get(type(members["B"]), members["B"].id), [book(2, "b-2", title="Concurrent book 1 (copy)")])
        except Exception as exc:  # reported below
            errors.append(exc)

    def merge():
        try:
            with new_session(app) as own:
                merge_works(own, Actor(None, "admin", "consortium_admin"), kept, absorbed, "the same book")
        except Exception as exc:
            errors.append(exc)

    pusher = threading.Thread(target=push)
    pusher.start()
    assert writing.wait(30)
    merger = threading.Thread(target=merge)
    merger.start()
    merger.join(1.0)
    assert merger.is_alive()  # waiting for the push's lock
    release.set()
    pusher.join(60)
    merger.join(60)
    assert errors == []
    session.expire_all()
    assert session.get(Work, absorbed).merged_into_id == kept
    placed = {h.local_id: h.work_id for h in session.exec(select(Holding)).all()}
    assert placed == {"a-1": kept, "a-2": kept, "b-2": kept}


def test_a_push_that_keeps_losing_answers_503_with_retry_after_and_keeps_nothing(app, client, keys, monkeypatch):
    def always_lost(conn, work_ids):
        raise RaceLost("merged by a concurrent transaction")

    monkeypatch.setattr(locking, "lock_works", always_lost)
    app.config.update(CATALOGUE_TRIES=2, CATALOGUE_RETRY_AFTER=7)
    body = {"records": [book(1, "a-1")]}
    response = client.post("/api/v1/members/A/records", json=body, headers={"Authorization": f"Bearer {keys['A']}"})
    assert response.status_code == 503 and response.headers["Retry-After"] == "7"
    payload = response.get_json()
    assert payload["code"] == 503 and "busy" in payload["message"] and payload["errors"] == {"retry_after": ["7"]}
    with new_session(app) as check:
        assert check.exec(select(Holding)).first() is None and check.exec(select(PushBatch)).first() is None


def test_a_transaction_that_lost_once_is_run_again_and_succeeds(session, members, monkeypatch):
    original, calls = locking.lock_works, []

    def lose_once(conn, work_ids):
        calls.append(sorted(work_ids))
        if len(calls) == 1:
            raise RaceLost("merged by a concurrent transaction")
        original(conn, work_ids)

    ingest_batch(session, members["A"], [book(1, "a-1")])
    monkeypatch.setattr(locking, "lock_works", lose_once)
    result = ingest_batch(session, members["B"], [book(1, "b-1")])
    assert len(calls) == 2 and result.works[0]["matched_by"] == "isbn"
    assert len(session.exec(select(Holding)).all()) == 2


def test_the_errors_a_retry_cures_are_recognised_on_the_real_database(session, members, database_url, backend):
    """PostgreSQL: a real deadlock (two transactions updating two works in opposite order) and a
    real unique violation of ``uq_holding_member_local``; SQLite: a real "database is locked".
    A bug's exception is not retried."""
    ids = [ingest_batch(session, members["A"], [book(n, f"a-{n}")]).works[0]["work_id"] for n in (1, 2)]
    session.close()
    caught = _deadlock(database_url, ids) if backend == "postgresql" else [_busy(database_url)]
    assert caught and all(locking.is_retryable(exc) for exc in caught)
    if backend == "postgresql":
        assert caught[0].orig.sqlstate == "40P01"
    assert not locking.is_retryable(ValueError("a bug"))


def _deadlock(database_url: str, ids: list[int]) -> list[DBAPIError]:
    engine = create_engine(database_url)
    barrier, caught = threading.Barrier(2), []

    def update(order):
        with engine.connect() as conn:
            try:
                with conn.begin():
                    conn.execute(text("UPDATE work SET updated_at = now() WHERE id = :id"), {"id": order[0]})
                    barrier.wait(10)
                    conn.execute(text("UPDATE work SET updated_at = now() WHERE id = :id"), {"id": order[1]})
            except DBAPIError as exc:
                caught.append(exc)

    threads = [threading.Thread(target=update, args=(order,)) for order in (ids, ids[::-1])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(caught) == 1
    with engine.connect() as conn:
        try:
            conn.execute(text("INSERT INTO holding (member_id, local_id, work_id, matched_by, format, record, "
                              "record_hash, first_seen_at, updated_at) SELECT member_id, local_id, work_id, matched_by, "
                              "format, record, record_hash, first_seen_at, updated_at FROM holding LIMIT 1"))
        except DBAPIError as exc:
            caught.append(exc)
    engine.dispose()
    assert len(caught) == 2
    return caught


def _busy(database_url: str) -> DBAPIError:
    engine = create_engine(database_url, connect_args={"timeout": 0.1})
    with engine.connect() as first, engine.connect() as second:
        first.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            second.exec_driver_sql("BEGIN IMMEDIATE")
        except DBAPIError as exc:
            caught = exc
        first.exec_driver_sql("ROLLBACK")
    engine.dispose()
    return caught


def test_lock_stripes_are_sorted_and_bounded():
    keys = [("isbn", isbn13(n)) for n in range(5000)] + [("holding", 1, f"x{n}") for n in range(5000)]
    stripes = locking.stripes_of(keys)
    assert stripes == sorted(set(stripes)) and len(stripes) <= locking.STRIPES
    assert locking.stripes_of([("isbn", "9787020002207")]) == locking.stripes_of([("isbn", "9787020002207")] * 3)
