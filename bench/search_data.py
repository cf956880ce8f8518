"""Data for the search benchmarks: a temporary app on a chosen backend, bulk-filled
catalogues, and push ingest with the backend's writer following in its own process."""
import datetime as dt
import gc
import hashlib
import json
import multiprocessing
import os
import sys
import tempfile
import threading
import time

import requests
from opensearchpy import OpenSearch
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool
from tqdm import tqdm
from waitress.server import create_server

from consortium import create_app
from consortium.accounts.service import add_member, issue_key
from consortium.catalogue.models import ChangeLog, Holding, Work
from consortium.db import get_engine, new_session
from consortium.db.columns import utcnow
from consortium.db.migrate import upgrade
from consortium.db.provision import ensure_database
from consortium.demo.synthetic import synthetic_records
from consortium.search.operations import prepare_writer_process, sync_index
from consortium.server import tune_collector

OPENSEARCH_URL_ENV = "CONSORTIUM_OPENSEARCH_URL"
POSTGRES_URL_ENV = "CONSORTIUM_TEST_POSTGRES_URL"
# A file in a benchmark instance's folder naming its PostgreSQL database (absent: SQLite).
DATABASE_FILE = "database-url"
MEMBERS = ("M1", "M2", "M3", "M4", "M5")
CHUNK = 5_000
LANGUAGE = {"zh": "chi", "en": "eng"}


def app_config(tmp: str, backend: str, **more) -> dict:
    """The config of a benchmark app: the instance's SQLite file, its index, one backend
    (``opensearch``: the cluster of ``CONSORTIUM_OPENSEARCH_URL``, an index prefix of this
    instance's own, ``DAODU_BENCH_OPENSEARCH_SHARDS`` shards (1) with ``DAODU_BENCH_OPENSEARCH_REPLICAS``
    replicas each (1))."""
    config = {"SECRET_KEY": "bench", "CONSORTIUM_BACKGROUND_JOBS": False, "SEARCH_INDEX_DIR": f"{tmp}/index",
              "SEARCH_BACKEND": backend}
    database = _database_of(tmp)
    if database:  # every process of the instance finds its PostgreSQL database the same way
        config["CONSORTIUM_DATABASE_URL"] = database
    if backend == "opensearch":
        config.update(OPENSEARCH_URL=os.environ[OPENSEARCH_URL_ENV], OPENSEARCH_INDEX_PREFIX=opensearch_prefix(tmp),
                      OPENSEARCH_SHARDS=int(os.environ.get("DAODU_BENCH_OPENSEARCH_SHARDS", "1")),
                      OPENSEARCH_REPLICAS=int(os.environ.get("DAODU_BENCH_OPENSEARCH_REPLICAS", "1")))
    return dict(config, **more)


def opensearch_prefix(tmp: str) -> str:
    """The index prefix of a benchmark instance (every process of it derives the same)."""
    return f"bench-{hashlib.sha1(tmp.encode()).hexdigest()[:10]}-"


def drop_opensearch_indices(tmp: str) -> None:
    """Remove a benchmark instance's indices from the cluster (when one is configured)."""
    url = os.environ.get(OPENSEARCH_URL_ENV)
    if not url:
        return
    client = OpenSearch(url.split(","), timeout=120)
    try:
        client.indices.delete(index=f"{opensearch_prefix(tmp)}*", params={"ignore_unavailable": "true"})
    finally:
        client.close()


def _database_of(tmp: str) -> str | None:
    try:
        with open(os.path.join(tmp, DATABASE_FILE), encoding="utf-8") as found:
            return found.read().strip()
    except FileNotFoundError:
        return None


def databases() -> tuple[str, ...]:
    """The catalogue databases ingest is measured on: SQLite, and PostgreSQL when a server is
    given (``CONSORTIUM_TEST_POSTGRES_URL``: ``eval "$(bash .ci/postgres.sh)"``)."""
    return ("sqlite",) + (("postgresql",) if os.environ.get(POSTGRES_URL_ENV) else ())


def use_postgres(tmp: str) -> str:
    """A fresh PostgreSQL database for the instance at ``tmp`` (on the server of
    ``CONSORTIUM_TEST_POSTGRES_URL``); its URL."""
    server = make_url(os.environ[POSTGRES_URL_ENV])
    url = server.set(database=f"daodu_bench_{hashlib.sha1(tmp.encode()).hexdigest()[:10]}")
    ensure_database(url.render_as_string(hide_password=False), create=True)
    with open(os.path.join(tmp, DATABASE_FILE), "w", encoding="utf-8") as out:
        out.write(url.render_as_string(hide_password=False))
    return url.render_as_string(hide_password=False)


def drop_postgres(tmp: str) -> None:
    """Drop the instance's PostgreSQL database (when it has one)."""
    database = _database_of(tmp)
    if not database:
        return
    url = make_url(database)
    engine = create_engine(url.set(database="postgres"), poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    finally:
        engine.dispose()


def make_app(tmp: str, backend: str = "whoosh", database: str = "sqlite", **more):
    if database == "postgresql":
        use_postgres(tmp)
    app = create_app(app_config(tmp, backend, **more), instance_path=tmp)
    upgrade(get_engine(app))
    return app


def holders(n: int) -> list[int]:
    """1 to 3 member indexes per work, rotating, so members overlap."""
    return [(n + j) % len(MEMBERS) for j in range(1 + n % 3)]


def _work_row(n: int, rec: dict, now) -> dict:
    return {"id": n + 1, "title": rec["title"], "subtitle": None, "authors": rec["authors"],
            "publisher": rec["publisher"], "year": rec["year"], "language": LANGUAGE[rec["language"]],
            "format": rec["format"], "isbns": rec["isbns"], "issns": [], "clc": rec["clc"],
            "subjects": rec["subjects"], "summary": None, "match_key": None, "carrier": "print",
            "merged_into_id": None, "created_at": now, "updated_at": now}


def _holding_rows(n: int, rec: dict, member_ids: list[int], now) -> list[dict]:
    acquired = dt.date.fromisoformat(rec["acquired_on"])
    return [{"member_id": member_ids[m], "local_id": f"{MEMBERS[m]}-{n}", "work_id": n + 1, "matched_by": "isbn",
             "format": rec["format"], "call_number": rec["call_number"], "location": None, "copies": 2,
             "available": (n + m) % 3 and 1 or 0, "url": None, "access": None, "coverage": None,
             "acquired_on": acquired, "first_seen_at": now, "updated_at": now, "record": _own_record(rec), "record_hash": "bench"}
            for m in holders(n)]


def _own_record(rec: dict) -> dict:
    """What the index reads of a holding's stored push record (the members' own titles)."""
    return {name: rec[name] for name in ("title", "subtitle", "authors", "isbns", "issns") if name in rec}


def bulk_fill(app, size: int) -> None:
    """``size`` works with their holdings and one change-log row each, inserted in bulk."""
    with new_session(app) as session:
        member_ids = [add_member(session, code, f"成员馆{code}").id for code in MEMBERS]
    now = utcnow()
    engine = get_engine(app)
    with tqdm(total=size, unit="works", desc=f"bulk fill {size:,}", file=sys.stderr, mininterval=2) as bar:
        for start in range(0, size, CHUNK):
            records = synthetic_records(min(CHUNK, size - start), start=start)
            works, holdings, changes = [], [], []
            for offset, rec in enumerate(records):
                n = start + offset
                works.append(_work_row(n, rec, now))
                holdings.extend(_holding_rows(n, rec, member_ids, now))
                changes.append({"entity": "work", "entity_id": n + 1, "action": "upsert", "payload": {},
                                "created_at": now})
            with engine.begin() as conn:
                conn.execute(Work.__table__.insert(), works)
                conn.execute(Holding.__table__.insert(), holdings)
                conn.execute(ChangeLog.__table__.insert(), changes)
            bar.update(len(records))


def measure_ingest(count: int, backend: str, database: str = "sqlite") -> list[dict]:
    """Ingest end to end, as deployed: members push ``count`` records over HTTP (two members,
    half overlapping) while the backend's index writer runs in its own process (``consortium
    worker``); the clock stops when the index has caught up with the last change. Then, for
    the writer alone, the same pushes into a fresh catalogue and one catch-up pass timed by
    itself. The processes tune their garbage collectors as the deployed ones do."""
    thresholds = gc.get_threshold()
    tune_collector()  # this process serves the pushes, as ``consortium serve`` does
    try:
        return _measure_end_to_end(count, backend, database) + _measure_catch_up(count, backend, database)
    finally:
        gc.set_threshold(*thresholds)


def _measure_end_to_end(count: int, backend: str, database: str) -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="daodu-bench-ingest-") as tmp:
        app = make_app(tmp, backend, database)
        keys = _members_with_keys(app)
        bodies = push_bodies(keys, count)
        follower = _Follower(tmp, backend)
        server, base = _serve(app)
        try:
            started = time.perf_counter()
            pushed = _push_all(base, keys, bodies)
            push_seconds = time.perf_counter() - started
            follower.finish()
            total = time.perf_counter() - started
        finally:
            server.close()
            follower.stop()
            drop_opensearch_indices(tmp)
            get_engine(app).dispose()
            drop_postgres(tmp)
    return [{"suite": "search", "metric": f"{backend}: ingest end to end, push API + {database} + index ({pushed:,} records)",
             "value": pushed / total, "unit": "records/s", "target": 1500,
             "note": f"writer in its own process; pushes done at {pushed / push_seconds:,.0f}/s, index caught up "
                     f"{total - push_seconds:.1f} s later"}]


def _measure_catch_up(count: int, backend: str, database: str) -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="daodu-bench-ingest-") as tmp:
        app = make_app(tmp, backend, database)
        keys = _members_with_keys(app)
        server, base = _serve(app)
        try:
            _push_all(base, keys, push_bodies(keys, count))
        finally:
            server.close()
        prepare_writer_process()  # as ``consortium worker`` does when it starts
        started = time.perf_counter()
        try:
            report = sync_index(app)
            index_seconds = time.perf_counter() - started
        finally:
            drop_opensearch_indices(tmp)
            get_engine(app).dispose()
            drop_postgres(tmp)
    return [{"suite": "search", "metric": f"{backend}: indexer catch-up alone, {database} ({report.updated:,} works)",
             "value": report.updated / index_seconds, "unit": "works/s",
             "target": 5000 if backend == "opensearch" else None,
             "note": f"{report.changes:,} changes in {report.batches} batches"}]


class _Follower:
    """The index writer in a child process, as ``consortium worker`` runs it in production."""

    def __init__(self, instance_path: str, backend: str):
        context = multiprocessing.get_context("spawn")
        self.ready, self.done = context.Event(), context.Event()
        self.process = context.Process(target=_follow, args=(instance_path, backend, self.ready, self.done),
                                       name="bench-index-writer")
        self.process.start()
        if not self.ready.wait(120):
            raise RuntimeError("the index writer process did not start")

    def finish(self) -> None:
        """Tell the writer the pushes are over and wait until it has caught up."""
        self.done.set()
        self.process.join(600)
        if self.process.exitcode != 0:
            raise RuntimeError(f"the index writer process failed ({self.process.exitcode})")

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(10)


def _follow(instance_path: str, backend: str, ready, done) -> None:
    app = create_app(app_config(instance_path, backend), instance_path=instance_path)
    prepare_writer_process()  # before the clock starts, as ``consortium worker`` does when it starts
    ready.set()
    while True:
        finishing = done.is_set()
        report = sync_index(app)
        if finishing and not report.changes:
            return
        if not report.changes:
            time.sleep(0.02)


def _members_with_keys(app) -> dict:
    with new_session(app) as session:
        for code in ("M1", "M2"):
            add_member(session, code, f"成员馆{code}")
        return {code: issue_key(session, code) for code in ("M1", "M2")}


def _serve(app):
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    return server, f"http://127.0.0.1:{server.effective_port}/api/v1/members"


def push_bodies(keys: dict, count: int) -> list[tuple[str, bytes]]:
    """The request bodies, made before any clock starts (a member's client builds its
    batches on its own machine): M1 pushes ``count/2`` records, M2 the same books (merging)."""
    bodies, half = [], count // 2
    for code in keys:
        for start in range(0, half, 1000):
            records = synthetic_records(min(1000, half - start), start=start)
            for r in records:
                r["local_id"] = f"{code}-{r['local_id']}"
            bodies.append((code, json.dumps({"records": records}, ensure_ascii=False).encode()))
    return bodies


def _push_all(base: str, keys: dict, bodies: list[tuple[str, bytes]]) -> int:
    total, sessions = 0, {}
    for code, key in keys.items():
        sessions[code] = requests.Session()
        sessions[code].headers.update({"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    for code, body in bodies:
        response = sessions[code].post(f"{base}/{code}/records", data=body, timeout=600)
        response.raise_for_status()
        total += response.json()["accepted"]
    return total
