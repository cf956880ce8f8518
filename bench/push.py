"""Push throughput: batches of 1,000 records through the real HTTP API into a SQLite file."""
import tempfile
import threading
import time

import requests

from consortium.demo.synthetic import synthetic_records


def run(options) -> list[dict]:
    from waitress.server import create_server

    from consortium import create_app
    from consortium.accounts import service as accounts
    from consortium.db import get_engine, new_session
    from consortium.db.migrate import upgrade

    batches = 3 if options.size == "small" else 10
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SECRET_KEY": "bench", "CONSORTIUM_BACKGROUND_JOBS": False}, instance_path=tmp)
        upgrade(get_engine(app))
        with new_session(app) as session:
            accounts.add_member(session, "A", "甲馆")
            accounts.add_member(session, "B", "乙馆")
            key_a = accounts.issue_key(session, "A")
            key_b = accounts.issue_key(session, "B")
        server = create_server(app, host="127.0.0.1", port=0, threads=4)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{server.effective_port}/api/v1/members"
        try:
            new = _push(base, "A", key_a, batches, offset=0)
            overlap = _push(base, "B", key_b, batches, offset=0)  # same books: every record merges
            repush = _push(base, "A", key_a, batches, offset=0)  # unchanged records
        finally:
            server.close()
    rows = []
    for metric, (count, seconds) in (("push new works", new), ("push merging into existing works", overlap),
                                     ("re-push unchanged", repush)):
        rows.append({"suite": "push", "metric": f"{metric} (1,000/batch, {count:,} records)",
                     "value": count / seconds, "unit": "records/s", "target": 1500})
    return rows


def _push(base: str, code: str, key: str, batches: int, offset: int) -> tuple[int, float]:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {key}"
    total, started = 0, time.perf_counter()
    for b in range(batches):
        records = synthetic_records(1000, start=offset + b * 1000)
        for r in records:
            r["local_id"] = f"{code}-{r['local_id']}"
        response = session.post(f"{base}/{code}/records", json={"records": records}, timeout=300)
        response.raise_for_status()
        total += response.json()["accepted"]
    return total, time.perf_counter() - started
