"""OAI-PMH harvest throughput: full ListRecords/ListIdentifiers over real HTTP on loopback.

Builds a synthetic consortium (two members, half the books held by both, some withdrawn) in a
SQLite file through the catalogue service, serves it with waitress, and harvests it page by
page following resumption tokens, as an aggregator would.
"""
import tempfile
import threading
import time

import requests
from defusedxml import ElementTree

from consortium.demo.synthetic import synthetic_records

OAI = "{http://www.openarchives.org/OAI/2.0/}"


def run(options) -> list[dict]:
    from waitress.server import create_server

    from consortium import create_app
    from consortium.db import get_engine
    from consortium.db.migrate import upgrade

    works = 3000 if options.size == "small" else 20000
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SECRET_KEY": "bench", "CONSORTIUM_BACKGROUND_JOBS": False, "OAI_PAGE_SIZE": 100},
                         instance_path=tmp)
        upgrade(get_engine(app))
        _fill(app, works)
        server = create_server(app, host="127.0.0.1", port=0, threads=4)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        url = f"http://127.0.0.1:{server.effective_port}/oai"
        try:
            rows = [_row(label, works, *_harvest(url, verb, prefix, oai_set))
                    for label, verb, prefix, oai_set in (
                        ("ListRecords oai_dc", "ListRecords", "oai_dc", None),
                        ("ListRecords marc21", "ListRecords", "marc21", None),
                        ("ListIdentifiers", "ListIdentifiers", "oai_dc", None),
                        ("ListRecords marc21, set member:B", "ListRecords", "marc21", "member:B"))]
        finally:
            _stop(server, thread)
    return rows


def _fill(app, works: int) -> None:
    """``works`` books at A; B holds every other one too; A withdraws one in fifty."""
    from consortium.accounts import service as accounts
    from consortium.catalogue import service as catalogue
    from consortium.db import new_session

    with new_session(app) as session:
        a = accounts.add_member(session, "A", "甲馆")
        b = accounts.add_member(session, "B", "乙馆")
        for start in range(0, works, 1000):
            records = synthetic_records(min(1000, works - start), start=start)
            catalogue.ingest_batch(session, a, records)
            catalogue.ingest_batch(session, b, [dict(r, local_id=f"B-{r['local_id']}") for r in records[::2]])
        for n in range(0, works, 50):
            catalogue.withdraw_holding(session, a, f"syn-{n}")


def _harvest(url: str, verb: str, prefix: str, oai_set: str | None) -> tuple[int, int, float]:
    http = requests.Session()
    params = {"verb": verb, "metadataPrefix": prefix, **({"set": oai_set} if oai_set else {})}
    items = pages = 0
    started = time.perf_counter()
    while True:
        response = http.get(url, params=params, timeout=120)
        response.raise_for_status()
        root = ElementTree.fromstring(response.content)
        listing = root.find(f"{OAI}{verb}")
        if listing is None:
            raise RuntimeError(f"OAI error: {response.text[:300]}")
        items += len(listing.findall(f"{OAI}record" if verb == "ListRecords" else f"{OAI}header"))
        pages += 1
        token = listing.find(f"{OAI}resumptionToken")
        if token is None or not token.text:
            return items, pages, time.perf_counter() - started
        params = {"verb": verb, "resumptionToken": token.text}


def _row(label: str, works: int, items: int, pages: int, seconds: float) -> dict:
    return {"suite": "oai", "metric": f"{label} ({items:,} of {works:,} works, {pages} pages of 100)",
            "value": items / seconds, "unit": "records/s", "note": f"{pages / seconds:.1f} pages/s"}


def _stop(server, thread) -> None:
    """Let the workers finish, then close every socket from waitress's own loop thread."""
    from waitress import wasyncore

    server.task_dispatcher.shutdown()
    server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
    thread.join(10)
