"""Feed benchmarks (`make bench`, suite "feeds"): requests through the WSGI app (test client)
on a synthetic catalogue of a few thousand holdings in a SQLite file.

- 304: a conditional GET whose ETag is current (target ≤ 5 ms median);
- cold: a 50-entry feed built from the database with the feed cache emptied before every
  request (target ≤ 30 ms median).
"""
import statistics
import tempfile
import time

from consortium.demo.synthetic import synthetic_records


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def _timed(client, path: str, repeat: int, headers=None, before=None) -> tuple[float, int]:
    samples, status = [], None
    for _ in range(repeat):
        if before is not None:
            before()
        started = time.perf_counter()
        response = client.get(path, headers=headers or {})
        samples.append(time.perf_counter() - started)
        status = response.status_code
        response.close()
    return _median_ms(samples), status


def _catalogue(app, holdings: int) -> None:
    from consortium.accounts import service as accounts
    from consortium.catalogue import service as catalogue
    from consortium.db import new_session

    with new_session(app) as session:
        members = [accounts.add_member(session, code, name) for code, name in (("A", "甲馆"), ("B", "乙馆"))]
        for start in range(0, holdings, 1000):
            size = min(1000, holdings - start)
            catalogue.ingest_batch(session, members[0], synthetic_records(size, start=start), source="bench")
            overlap = synthetic_records(size // 2, start=start)  # B holds half of A's books too
            for record in overlap:
                record["local_id"] = "b-" + record["local_id"]
            catalogue.ingest_batch(session, members[1], overlap, source="bench")


def run(options) -> list[dict]:
    from consortium import create_app
    from consortium.db import get_engine
    from consortium.db.migrate import upgrade

    holdings = 1000 if options.size == "small" else 3000
    repeat = 20 if options.size == "small" else 60
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SECRET_KEY": "bench", "CONSORTIUM_BACKGROUND_JOBS": False}, instance_path=tmp)
        upgrade(get_engine(app))
        _catalogue(app, holdings)
        client = app.test_client()
        cache = app.extensions["feeds.cache"]
        rows = []
        total = int(holdings * 1.5)
        for label, path in (("Atom", "/feeds/new.atom?days=366"), ("JSON Feed", "/feeds/new.json?days=366"),
                            ("Atom, scope=consortium", "/feeds/new.atom?days=366&scope=consortium"),
                            ("Atom, member + CLC filter", "/feeds/new.atom?days=366&member=A&clc=T")):
            cold, status = _timed(client, path, repeat, before=cache.clear)
            assert status == 200, f"{path} answered {status}"
            rows.append({"suite": "feeds", "metric": f"cold 50-entry feed, {label} ({total:,} holdings)",
                         "value": cold, "unit": "ms median", "target": 30})
        etag = client.get("/feeds/new.atom?days=366").headers["ETag"]
        not_modified, status = _timed(client, "/feeds/new.atom?days=366", repeat * 5, headers={"If-None-Match": etag})
        assert status == 304
        rows.append({"suite": "feeds", "metric": f"304 on If-None-Match ({total:,} holdings)",
                     "value": not_modified, "unit": "ms median", "target": 5})
        warm, _status = _timed(client, "/feeds/new.atom?days=366", repeat * 5)
        rows.append({"suite": "feeds", "metric": "warm 200 (rendered feed reused from the cache)",
                     "value": warm, "unit": "ms median", "note": "no target; for comparison"})
        script_tag = client.get("/embed/widget.js").headers["ETag"]
        floor, _status = _timed(client, "/embed/widget.js", repeat * 5, headers={"If-None-Match": script_tag})
        rows.append({"suite": "feeds", "metric": "floor: 304 of /embed/widget.js (no database, no feed)",
                     "value": floor, "unit": "ms median", "note": "the app's per-request cost on this machine"})
        get_engine(app).dispose()
    return rows
