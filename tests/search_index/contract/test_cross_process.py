"""A web process reading the index while another process writes it (issue #15, item 1): after
every commit (new segments, deletions in older ones, merges of segments and of works) the
web process answers from exactly the last committed index."""
import json
import os
import subprocess
import sys
import time
from urllib.request import urlopen

import pytest
from sqlalchemy import func
from sqlmodel import select

from consortium.catalogue.models import Holding, Work
from consortium.catalogue.service import ingest_batch, withdraw_holding
from consortium.search import operations
from search_index.whoosh_fast import merging
from tests.conftest import free_port

pytestmark = [pytest.mark.needs_search, pytest.mark.slow]
ROUNDS = 5
PER_ROUND = 12


def book(member: str, n: int, **extra) -> dict:
    return {"local_id": f"{member}{n}", "title": f"Volume {n} of the collected letters", "authors": ["Writer, A."],
            "isbns": [isbn13(n)], "year": 1900 + n % 100, "language": "en", "format": "book", **extra}


def isbn13(n: int) -> str:
    body = f"978{n:09d}"
    check = (10 - sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(body)) % 10) % 10
    return body + str(check)


def live_indexable_works(session) -> int:
    """Works not merged away that some member holds: what the index must hold."""
    session.expire_all()
    held = select(Holding.work_id).distinct()
    return session.exec(select(func.count()).select_from(Work).where(Work.merged_into_id.is_(None),
                                                                     Work.id.in_(held))).one()


class WebProcess:
    """``consortium serve`` in a process of its own, reading the app's index and database."""

    def __init__(self, app, tmp_path):
        self.port = free_port()
        env = dict(os.environ, CONSORTIUM_DATABASE_URL=app.config["CONSORTIUM_DATABASE_URL"],
                   CONSORTIUM_SEARCH_INDEX_DIR=app.config["SEARCH_INDEX_DIR"],
                   CONSORTIUM_SEARCH_BACKEND=app.config["SEARCH_BACKEND"], CONSORTIUM_BACKGROUND_JOBS="false")
        command = [sys.executable, "-c", "from consortium.cli import main; main()", "--instance",
                   str(tmp_path / "web-instance"), "serve", "--port", str(self.port), "--threads", "4"]
        self.proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                self.get("/api/v1/search?per_page=1")
                return
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError(self.proc.stderr.read().decode()) from None
                time.sleep(0.2)
        raise RuntimeError("the web process did not start")

    def get(self, path: str) -> dict:
        with urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=30) as response:
            return json.loads(response.read())

    def every_result(self, per_page: int = 20) -> tuple[int, list[int]]:
        """The empty query's total and the ids of all its pages, in order."""
        first = self.get(f"/api/v1/search?per_page={per_page}&sort=title")
        ids = [r["id"] for r in first["results"]]
        for page in range(2, -(-first["total"] // per_page) + 1):
            ids += [r["id"] for r in self.get(f"/api/v1/search?per_page={per_page}&sort=title&page={page}")["results"]]
        return first["total"], ids

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.communicate(timeout=30)


def test_a_running_web_process_sees_exactly_each_commit_of_another_writer(app, session, members, tmp_path,
                                                                          monkeypatch):
    """After each commit with new segments, deletions and merges, the web process's empty
    query counts the live works and no page repeats a work (each of its threads alike)."""
    monkeypatch.setattr(merging, "BASE", 4)  # segment merges at test scale (whoosh_fast's tiers)
    ingest_batch(session, members["A"], [book("A", n) for n in range(PER_ROUND)])
    operations.sync_index(app)
    web = WebProcess(app, tmp_path)
    try:
        for round_ in range(1, ROUNDS + 1):
            first = round_ * PER_ROUND
            ingest_batch(session, members["B"], [book("B", n) for n in range(first, first + PER_ROUND)])
            # deletions in older segments: a withdrawn sole holding, a work changed by a second holding
            withdraw_holding(session, members["A"], f"A{round_}")
            ingest_batch(session, members["C"], [book("C", round_ + 6)])
            # a record carrying the ISBNs of two works merges them: one leaves the index
            ingest_batch(session, members["C"], [book("C", 1000 + round_, isbns=[isbn13(first), isbn13(first + 1)])])
            operations.sync_index(app)
            expected = live_indexable_works(session)
            for _ in range(4):  # the server's threads each hold a searcher
                total, ids = web.every_result()
                assert total == expected, f"round {round_}"
                assert len(ids) == len(set(ids)) == expected, f"round {round_}"
    finally:
        web.stop()
