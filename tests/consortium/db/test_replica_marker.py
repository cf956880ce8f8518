"""Which views may read the database replica (``@reads_replica``), and the settings: without a
replica every view reads the request's own session, as before there was one."""
import pytest
from sqlalchemy import text

from consortium import create_app
from consortium.db import get_read_session, get_session, marked_read_only

# docs/scale.md "A streaming replica": the pages that only read and tolerate a second's lag.
READ_ONLY_PAGES = {
    "oai.endpoint",                                     # the OAI-PMH provider
    "feeds.feed", "feeds.search_feed", "feeds.opml",    # feeds and the OPML list
    "embed.feed_json", "embed.fragment", "embed.frame", "reading.new_arrivals",  # the same lists for sites, pages
    "search_pages.record", "search_pages.cite", "push.get_work",                 # record pages, citation exports
    "reference.answers", "reference.answer_page",       # the public knowledge base
    "management.overview", "management.member_card", "management.export_csv", "management.annual_report",
    "management_api.staff_scorecards", "reference_staff.stats",                  # statistics and CSV exports
}


def test_the_marked_views_are_exactly_the_read_only_pages(app):
    """The marker sits on the pages docs/scale.md names and nowhere else."""
    marked = {endpoint for endpoint in app.view_functions if marked_read_only(app, endpoint)}
    assert marked == READ_ONLY_PAGES


def test_no_view_that_takes_writes_or_signs_people_in_is_marked(app):
    """Pushes, imports, logins, staff editing, the liaison queue, guides: none reads the replica."""
    for rule in app.url_map.iter_rules():
        if not marked_read_only(app, rule.endpoint):
            continue
        assert rule.methods - {"GET", "HEAD", "OPTIONS"} <= ({"POST"} if rule.endpoint == "oai.endpoint" else set()), \
            f"{rule.rule} takes {sorted(rule.methods)}"
        for prefix in ("/api/v1/members/", "/staff/login", "/staff/questions", "/staff/guides", "/staff/imports",
                       "/staff/catalogue", "/staff/admin", "/staff/targets"):
            assert not rule.rule.startswith(prefix), rule.rule
    for endpoint in ("push.push_records", "push.withdraw_record", "push.member_stats", "auth.login",
                     "reference_staff.queue", "reference_api.staff_queue", "guides.edit", "guides.new",
                     "member_sites.create_import", "imports.history",
                     "management.edit_targets"):
        assert endpoint in app.view_functions, endpoint
        assert not marked_read_only(app, endpoint), endpoint


def test_without_a_replica_every_view_reads_its_request_session(app):
    """The default (no CONSORTIUM_DATABASE_REPLICA_URL): a marked page reads what it always read."""
    assert app.config["CONSORTIUM_DATABASE_REPLICA_URL"] is None
    with app.test_request_context("/works/1"):
        assert marked_read_only(app, "search_pages.record")
        assert get_read_session() is get_session()
        assert get_read_session().execute(text("SELECT 1")).scalar() == 1


def test_marked_pages_answer_as_before_without_a_replica(client, keys):
    """A record page, its citation, a feed and the OAI provider on the primary alone."""
    pushed = client.post("/api/v1/members/A/records", headers={"Authorization": f"Bearer {keys['A']}"},
                         json={"records": [{"local_id": "a1", "title": "红楼梦", "authors": ["曹雪芹"]}]})
    work_id = pushed.get_json()["works"][0]["work_id"]
    assert "红楼梦" in client.get(f"/works/{work_id}").get_data(as_text=True)
    assert "红楼梦" in client.get(f"/works/{work_id}/cite.ris").get_data(as_text=True)
    assert "红楼梦" in client.get("/feeds/new.atom").get_data(as_text=True)
    assert "<Identify>" in client.get("/oai?verb=Identify").get_data(as_text=True)


def test_a_replica_of_a_sqlite_catalogue_is_refused_at_start(tmp_path):
    """Only a PostgreSQL primary has a streaming replica; saying otherwise stops the start."""
    with pytest.raises(ValueError, match="PostgreSQL streaming replica"):
        create_app({"TESTING": True, "SECRET_KEY": "x", "CONSORTIUM_BACKGROUND_JOBS": False,
                    "CONSORTIUM_DATABASE_URL": f"sqlite:///{tmp_path / 'c.sqlite3'}",
                    "CONSORTIUM_DATABASE_REPLICA_URL": "postgresql+psycopg://u:secret@replica/daodu"},
                   instance_path=str(tmp_path / "instance"))


def test_the_replica_settings_come_from_the_environment(tmp_path, monkeypatch):
    """CONSORTIUM_DATABASE_REPLICA_* in the environment reach the db feature's keys."""
    monkeypatch.setenv("CONSORTIUM_DATABASE_URL", f"sqlite:///{tmp_path / 'c.sqlite3'}")
    monkeypatch.setenv("CONSORTIUM_DATABASE_REPLICA_MAX_LAG", "7")
    monkeypatch.setenv("CONSORTIUM_DATABASE_REPLICA_RETRY_AFTER", "45")
    app = create_app(None, instance_path=str(tmp_path / "instance"))
    assert app.config["CONSORTIUM_DATABASE_REPLICA_MAX_LAG"] == 7
    assert app.config["CONSORTIUM_DATABASE_REPLICA_RETRY_AFTER"] == 45
    assert app.config["CONSORTIUM_DATABASE_REPLICA_URL"] is None
