"""``consortium catalogue check [--repair]`` on what a race (or a bug) leaves behind, made here
with plain SQL: duplicate works, a holding on a merged-away work, an unheld work in the index."""
import json

import pytest
from sqlalchemy import text
from sqlmodel import select

from consortium.catalogue.cli import catalogue_group
from consortium.catalogue.models import CatalogueDecision, ChangeLog, Holding, Work
from consortium.catalogue.service import ingest_batch
from consortium.db import new_session
from consortium.search.cli import worker

BOOK = {"title": "算法导论", "authors": ["Cormen, Thomas H."], "year": 2013, "isbns": ["9787111407010"]}


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()
    return lambda group, *args: runner.invoke(group, list(args))


def duplicate_of(session, work_id: int) -> int:
    """A second live work copying ``work_id`` with its identifiers: what two racing pushes made."""
    conn = session.connection()
    columns = ("title", "subtitle", "edition", "authors", "publisher", "year", "language", "format", "isbns", "issns",
               "clc", "subjects", "summary", "match_key", "family_key", "carrier", "created_at", "updated_at")
    names = ", ".join(columns)
    new_id = conn.execute(text(f"INSERT INTO work ({names}) SELECT {names} FROM work WHERE id = :id RETURNING id"),
                          {"id": work_id}).scalar_one()
    conn.execute(text("INSERT INTO work_identifier (work_id, kind, value) SELECT :new, kind, value "
                      "FROM work_identifier WHERE work_id = :id"), {"new": new_id, "id": work_id})
    session.commit()
    return new_id


def test_a_clean_catalogue_checks_clean_with_its_legitimate_shared_identifiers(app, session, members, cli, backend):
    """Print and e-book of one ISBN, and a reused ISBN of unrelated titles, are not reported."""
    ingest_batch(session, members["A"], [{"local_id": "a-1", **BOOK}])
    ingest_batch(session, members["B"], [{"local_id": "b-1", **BOOK, "format": "ebook", "url": "https://e.example/1"}])
    ingest_batch(session, members["C"], [{"local_id": "c-1", "title": "Surgical anatomy", "isbns": BOOK["isbns"]}])
    assert cli(worker, "--once").exit_code == 0
    result = cli(catalogue_group, "check")
    assert result.exit_code == 0 and result.output.strip().endswith("clean"), result.output


def test_check_finds_and_repair_fixes_what_races_leave(app, session, members, cli, backend):
    first = ingest_batch(session, members["A"], [{"local_id": "a-1", **BOOK}]).works[0]["work_id"]
    ingest_batch(session, members["B"], [{"local_id": "b-1", **BOOK}])
    twin = duplicate_of(session, first)
    # a holding pushed onto a work that a concurrent merge absorbed
    gone = ingest_batch(session, members["A"], [{"local_id": "a-2", "title": "史记", "authors": ["司马迁"],
                                                 "year": 1959}]).works[0]["work_id"]
    kept = ingest_batch(session, members["B"], [{"local_id": "b-2", "title": "史记", "authors": ["司马迁"],
                                                 "year": 1982}]).works[0]["work_id"]
    session.connection().execute(text("UPDATE work SET merged_into_id = :kept WHERE id = :gone"),
                                 {"kept": kept, "gone": gone})
    session.commit()
    # a work indexed, then left by its holding without a change-log row
    unheld = ingest_batch(session, members["C"], [{"local_id": "c-9", "title": "孤本", "year": 1900}]).works[0]["work_id"]
    assert cli(worker, "--once").exit_code == 0
    session.connection().execute(text("DELETE FROM holding WHERE local_id = 'c-9'"))
    session.commit()

    found = cli(catalogue_group, "check", "--json")
    assert found.exit_code == 1
    report = json.loads(found.output[found.output.index("{"):])
    assert report["duplicates"] == [{"identifiers": ["isbn:9787111407010"], "works": [first, twin]}]
    assert [s["local_id"] for s in report["stranded_holdings"]] == ["a-2"]
    assert unheld in report["unheld_indexed"] and report["index_checked"]

    repaired = cli(catalogue_group, "check", "--repair")
    assert repaired.exit_code == 0, repaired.output
    assert "repaired: 1 merge(s), 1 holding(s) moved" in repaired.output
    with new_session(app) as check:
        assert check.get(Work, twin).merged_into_id == first
        placed = {h.local_id: h.work_id for h in check.exec(select(Holding)).all()}
        assert placed["a-2"] == kept
        trail = check.exec(select(CatalogueDecision)).all()
        assert {d.action for d in trail} >= {"merge", "repair"}
        assert all(d.actor == "consortium catalogue check --repair" and d.reason.startswith("catalogue check")
                   for d in trail)
        logged = {(r.entity_id, r.action) for r in check.exec(select(ChangeLog)).all()}
        assert {(twin, "merge"), (kept, "upsert"), (unheld, "delete")} <= logged
    assert cli(worker, "--once").exit_code == 0
    after = cli(catalogue_group, "check")
    assert after.exit_code == 0 and after.output.strip().endswith("clean"), after.output
