"""``consortium export`` then ``consortium import-dump`` into a fresh instance: the same works,
holdings, questions, guides (every row of every table) and the same search answers; a new
push into the restored instance gets new ids."""
import json
import os
import shutil
import uuid
import zipfile
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from consortium import create_app
from consortium.accounts.models import Member
from consortium.accounts.service import add_user
from consortium.catalogue.service import ingest_batch
from consortium.cli import export_command, import_dump_command, main
from consortium.db import get_engine, new_session
from consortium.db.columns import utcnow
from consortium.guides import service as guides
from consortium.operations.backup import encode_row, tables
from consortium.ports import SEARCH
from consortium.reference import liaison
from consortium.reference.common import Actor, ReferenceSettings
from consortium.reference.questions import submit_question
from consortium.search.operations import sync_index
from tests.conftest import PG_ENV, skip_or_fail

QUERIES = [{"q": ""}, {"q": "红楼梦"}, {"q": "author:曹雪芹"}, {"q": "9787020002207"}, {"q": "history"},
           {"q": "", "member": "B"}, {"q": "", "sort": "title", "per_page": 5, "page": 2}]


@pytest.fixture
def restored_url(backend, tmp_path, migrated_sqlite, request):
    """A second fresh, migrated database (of the test's backend) to restore into."""
    yield from _new_database(backend, tmp_path, migrated_sqlite, request)


def _new_database(kind, tmp_path, migrated_sqlite, request):
    if kind == "sqlite":
        path = tmp_path / "restored.sqlite3"
        shutil.copy(migrated_sqlite, path)
        yield f"sqlite:///{path}"
        return
    template = request.getfixturevalue("pg_template")
    if template is None:
        skip_or_fail(f"PostgreSQL tests need {PG_ENV}")
    url = make_url(os.environ[PG_ENV])
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"daodu_r_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def restored_app(tmp_path, app_config, restored_url):
    app = create_app({**app_config, "CONSORTIUM_DATABASE_URL": restored_url,
                      "SEARCH_INDEX_DIR": str(tmp_path / "restored-index")}, instance_path=str(tmp_path / "restored"))
    yield app
    get_engine(app).dispose()


def _fill(app, session, members):
    """Works (one merged into a later one), holdings of two members, a question with its
    answer, a published guide; the index caught up."""
    ingest_batch(session, members["A"], [
        {"local_id": "a1", "title": "红楼梦", "authors": ["曹雪芹"], "isbns": ["9787020002207"], "year": 1982,
         "acquired_on": "2026-03-01", "subjects": ["古典小说"], "clc": "I242.4"},
        {"local_id": "a2", "title": "A History of China", "authors": ["Fairbank"], "language": "en"},
        {"local_id": "a3", "title": "石头记", "authors": ["曹雪芹"], "isbns": ["9787101003048"]}])
    ingest_batch(session, members["B"], [
        {"local_id": "b1", "title": "红楼梦", "authors": ["曹雪芹"], "isbns": ["9787020002207", "9787101003048"]},
        {"local_id": "b2", "title": "History of Science", "authors": ["Dampier"], "language": "en"}])
    user = add_user(session, "liaison@a.example", "liaison-pass-1", "liaison", "A", "Liaison A")
    asked = submit_question(session, {"question": "红楼梦有哪些版本？", "name": "读者", "email": "r@reader.example",
                                      "home_member": "A", "consent_publish": True},
                            now=_now(), settings=ReferenceSettings())
    actor = Actor(user.id, user.member_id, "liaison", "Liaison A")
    liaison.claim(session, asked["id"], actor, now=_now(), settings=ReferenceSettings())
    liaison.answer(session, asked["id"], actor, "<p>见馆藏。</p>", now=_now(), settings=ReferenceSettings())
    editor = SimpleNamespace(id=user.id, member_id=members["A"].id, is_admin=False)
    guide = guides.create_guide(session, editor, {"title": "红学入门", "intro_md": "**经典**"})
    work_id = ingest_batch(session, members["A"], [{"local_id": "a4", "title": "红楼梦新证", "authors": ["周汝昌"]}]).works[0]["work_id"]
    guides.add_item(session, editor, guide.id, work_id, "必读")
    guides.change_state(session, editor, guide.id, "publish")
    sync_index(app)


def _now():
    return utcnow()


def _consortium(app, *args):
    """The ``consortium`` command itself (its root group turns domain errors into messages)."""
    env = {"CONSORTIUM_DATABASE_URL": app.config["CONSORTIUM_DATABASE_URL"],
           "CONSORTIUM_SEARCH_INDEX_DIR": app.config["SEARCH_INDEX_DIR"]}
    return CliRunner().invoke(main, ["--instance", app.instance_path, *args], env=env)


def _contents(app) -> dict:
    with get_engine(app).connect() as conn:
        return {t.name: [encode_row(t, row) for row in conn.execute(select(t).order_by(*t.primary_key.columns)).mappings()]
                for t in tables()}


def _answers(app) -> list:
    return [app.extensions[SEARCH].search(q) for q in QUERIES]


def test_a_restored_instance_has_the_same_rows_and_answers_the_same_searches(
        app, session, members, restored_app, tmp_path, backend):
    """Export, restore into a new database (the index rebuilt by import-dump): every table row
    for row, and the same totals, results and facets for each query."""
    _fill(app, session, members)
    source = _contents(app)
    assert source["work"] and source["holding"] and source["question"] and source["guide_item"]
    assert any(w["merged_into_id"] for w in source["work"]), "the fixture merges a work into another"
    dump = tmp_path / "daodu.dump"
    exported = app.test_cli_runner().invoke(export_command, [str(dump)])
    assert exported.exit_code == 0, exported.output
    manifest = json.loads(zipfile.ZipFile(dump).read("manifest.json"))
    assert manifest["rows"]["holding"] == len(source["holding"])

    restored = restored_app.test_cli_runner().invoke(import_dump_command, [str(dump)])
    assert restored.exit_code == 0, restored.output
    assert "Rebuilt the search index" in restored.output
    restored_rows = _contents(restored_app)
    # the rebuild after the restore moved the checkpoint again (to the same change)
    for rows in (restored_rows, source):
        for row in rows["search_checkpoint"]:
            row.pop("updated_at")
    assert restored_rows == source
    assert _answers(restored_app) == _answers(app)

    with new_session(restored_app) as other:
        member = other.exec(select(Member).where(Member.code == "C")).scalars().one()
        pushed = ingest_batch(other, member, [{"local_id": "c9", "title": "新书", "authors": ["某"]}])
    assert pushed.accepted == 1 and pushed.works[0]["work_id"] > max(w["id"] for w in source["work"])


def test_restoring_into_a_database_that_holds_data_is_refused(app, session, members, tmp_path):
    """A dump never mixes with existing rows: exit 1 with a message, nothing changed."""
    ingest_batch(session, members["A"], [{"local_id": "a1", "title": "书", "authors": ["人"]}])
    dump = tmp_path / "d.dump"
    assert app.test_cli_runner().invoke(export_command, [str(dump)]).exit_code == 0
    result = _consortium(app, "import-dump", str(dump))
    assert result.exit_code == 1 and "already holds data" in result.output


def test_a_dump_of_another_schema_revision_or_no_dump_is_refused(app, tmp_path, restored_app):
    """Another revision: exit 1 naming both; a file that is no dump: exit 1, no traceback."""
    dump = tmp_path / "d.dump"
    assert app.test_cli_runner().invoke(export_command, [str(dump)]).exit_code == 0
    with zipfile.ZipFile(dump) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(files["manifest.json"])
    manifest["revision"] = "0001"
    files["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(dump, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    result = _consortium(restored_app, "import-dump", str(dump))
    assert result.exit_code == 1 and "schema revision 0001" in result.output
    junk = tmp_path / "junk.zip"
    with zipfile.ZipFile(junk, "w") as archive:
        archive.writestr("x.txt", "x")
    result = _consortium(restored_app, "import-dump", str(junk))
    assert result.exit_code == 1 and "not a Daodu dump" in result.output


def test_export_does_not_overwrite_without_force(app, tmp_path):
    """An existing file is kept unless --force."""
    dump = tmp_path / "d.dump"
    dump.write_text("keep")
    assert app.test_cli_runner().invoke(export_command, [str(dump)]).exit_code == 1
    assert dump.read_text() == "keep"
    assert app.test_cli_runner().invoke(export_command, [str(dump), "--force"]).exit_code == 0


@pytest.mark.postgres
def test_an_embedded_sqlite_instance_moves_to_postgresql(app, session, members, tmp_path, app_config, migrated_sqlite,
                                                         request):
    """The way from the embedded default to production: a SQLite dump restored into PostgreSQL
    holds the same rows (times as the same instants) and answers the same searches."""
    _fill(app, session, members)
    dump = tmp_path / "daodu.dump"
    assert app.test_cli_runner().invoke(export_command, [str(dump)]).exit_code == 0
    database = _new_database("postgresql", tmp_path, migrated_sqlite, request)
    target = create_app({**app_config, "CONSORTIUM_DATABASE_URL": next(database),
                         "SEARCH_INDEX_DIR": str(tmp_path / "pg-index")}, instance_path=str(tmp_path / "pg"))
    try:
        restored = target.test_cli_runner().invoke(import_dump_command, [str(dump)])
        assert restored.exit_code == 0, restored.output
        source, moved = _contents(app), _contents(target)
        for rows in (source, moved):
            rows.pop("search_checkpoint")
        assert moved == source
        assert _answers(target) == _answers(app)
    finally:
        get_engine(target).dispose()
        next(database, None)
