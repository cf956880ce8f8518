"""The embed kit over HTTP: CORS for registered origins only, fragment, iframe page, builder."""
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from consortium.accounts.origins import change_origins, normalise_origin
from consortium.accounts.service import add_user
from consortium.catalogue.service import ingest_batch
from consortium.errors import InvalidInput, PermissionDenied

SITE = "https://lib.a.example.edu.cn"


@pytest.fixture
def site(session, members):
    change_origins(session, None, "A", add=[SITE + "/"])
    ingest_batch(session, members["A"], [
        {"local_id": "a1", "title": "红楼梦", "call_number": "I242.4/C1", "acquired_on": "2026-11-20"},
        {"local_id": "a2", "title": "史记", "call_number": "K204.2/S1", "acquired_on": "2026-11-10"},
    ])
    ingest_batch(session, members["B"], [{"local_id": "b1", "title": "汉书", "acquired_on": "2026-11-21"}])
    return members


def test_registered_origin_reads_the_members_feed_with_cors(client, site):
    """The page's own origin is echoed back (never ``*``) and the items are the member's."""
    response = client.get("/embed/feed.json?member=A&count=5", headers={"Origin": SITE})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == SITE and "Origin" in response.headers["Vary"]
    items = response.get_json()["items"]
    assert [i["title"] for i in items] == ["红楼梦", "史记"] and items[0]["_daodu"]["call_number"] == "I242.4/C1"


def test_foreign_origin_is_refused_and_told_how_to_register(client, site):
    """Another site, or A's site asking for B's feed, gets 403 with no member data: only why, and where
    the member's librarian registers the origin (readable by that page, so its widget can say so)."""
    for origin, member in (("https://evil.example", "A"), (SITE, "B")):
        response = client.get(f"/embed/feed.json?member={member}", headers={"Origin": origin})
        body = response.get_json()
        assert response.status_code == 403 and body["code"] == 403
        assert response.headers["Access-Control-Allow-Origin"] == origin
        assert set(body) == {"code", "status", "message", "errors"} and "红楼梦" not in response.get_data(as_text=True)
        assert body["errors"]["origin"] == [origin] and body["errors"]["member"] == [member]
        assert body["errors"]["register_at"] == ["http://localhost/embed/builder"]


def test_requests_without_origin_are_served_for_server_side_includes(client, site):
    """A server fetching the fragment sends no Origin: it gets HTML, without CORS headers."""
    response = client.get("/embed/fragment?member=A&count=1&lang=en")
    assert response.status_code == 200 and "Access-Control-Allow-Origin" not in response.headers
    html = response.get_data(as_text=True)
    assert "红楼梦" in html and "史记" not in html and "Call number I242.4/C1" in html
    assert 'aria-labelledby="daodu-title-A"' in html and "<ul" in html


def test_frame_page_may_be_framed_only_by_the_members_sites_and_reports_its_height(client, site):
    """CSP frame-ancestors lists the registered origins; the page's script posts its height."""
    response = client.get("/embed/frame?member=A&frame=f1")
    assert f"frame-ancestors 'self' {SITE};" in response.headers["Content-Security-Policy"] + ";"
    html = response.get_data(as_text=True)
    assert "/static/embed/frame.js" in html and "红楼梦" in html
    with client.get("/static/embed/frame.js") as served:
        script = served.get_data(as_text=True)
    assert "daodu-embed-height" in script and "postMessage" in script


@pytest.mark.parametrize("query", ["kind=new", "member=A&kind=answers", "member=A&count=0", "member=A&count=x",
                                   "member=A&count=31", "member=A&style=neon", "member=A&clc=M1"])
def test_bad_embed_options_are_json_errors_not_500(client, site, query):
    """Missing member, unknown kind/style, count out of range, bad filter → 400 JSON."""
    response = client.get(f"/embed/feed.json?{query}")
    assert response.status_code == 400 and response.is_json and response.get_json()["message"]


def test_unknown_member_is_a_404_json_error(client, site):
    """An embed for a member that does not exist."""
    assert client.get("/embed/feed.json?member=NOPE").status_code == 404


def test_widget_script_is_served_as_javascript(client):
    """The custom element script, dependency-free."""
    response = client.get("/embed/widget.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    script = response.get_data(as_text=True)
    assert 'customElements.define("daodu-feed"' in script and "import " not in script


def test_origins_are_normalised_and_validated():
    """Default ports and trailing slashes go; paths, credentials and other schemes are refused."""
    assert normalise_origin("HTTPS://Lib.Example.edu.cn:443/") == "https://lib.example.edu.cn"
    assert normalise_origin("http://localhost:8080") == "http://localhost:8080"
    for bad in ("ftp://x.example", "https://x.example/path", "https://u:p@x.example", "x.example", "", "http://:80"):
        with pytest.raises(InvalidInput):
            normalise_origin(bad)


@given(st.text(max_size=60))
def test_normalising_any_text_is_an_origin_or_invalid_input(text):
    """Junk never crashes; a result always normalises to itself."""
    try:
        origin = normalise_origin(text)
    except InvalidInput:
        return
    assert normalise_origin(origin) == origin


def test_librarians_manage_only_their_own_members_origins(session, members):
    """B's librarian may not register origins for A."""
    from types import SimpleNamespace

    with pytest.raises(PermissionDenied):
        change_origins(session, SimpleNamespace(is_admin=False, member_id=members["B"].id), "A", add=[SITE])


def test_cli_adds_and_removes_site_origins(tmp_path):
    """`consortium members origins CODE --add URL --remove URL` on a real instance folder."""
    from click.testing import CliRunner

    from consortium.cli import main

    instance = str(tmp_path / "instance")

    def cli(*args):
        return CliRunner().invoke(main, ["--instance", instance, *args])

    assert cli("init").exit_code == 0
    assert cli("members", "add", "A", "--name", "甲馆").exit_code == 0
    result = cli("members", "origins", "A", "--add", "https://x.example/", "--add", "http://localhost:9000")
    assert result.exit_code == 0 and "https://x.example, http://localhost:9000" in result.output
    result = cli("members", "origins", "A", "--remove", "https://x.example")
    assert result.exit_code == 0 and result.output.strip().endswith("A: http://localhost:9000")
    bad = cli("members", "origins", "A", "--add", "nope")
    assert bad.exit_code == 1 and "not a web-site origin" in bad.output


def test_snippet_builder_page_manages_origins_with_csrf(client, session, site):
    """A librarian sees the builder, adds an origin (CSRF-protected) and sees it listed."""
    add_user(session, "lib@a.example", "lib-pass-1", "librarian", "A")
    html = client.get("/staff/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    client.post("/staff/login", data={"email": "lib@a.example", "password": "lib-pass-1", "csrf_token": token})
    page = client.get("/embed/builder").get_data(as_text=True)
    assert "snippet-code" in page and SITE in page and "/embed/widget.js" in page
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)  # login began a new session
    assert client.post("/embed/builder/origins", data={"member": "A", "origin": "https://new.example"}).status_code == 400
    client.post("/embed/builder/origins", data={"member": "A", "origin": "https://new.example", "action": "add",
                                                "csrf_token": token})
    assert "https://new.example" in client.get("/embed/builder").get_data(as_text=True)
    client.post("/embed/builder/origins", data={"member": "B", "origin": "https://x.example", "action": "add",
                                                "csrf_token": token})
    assert "https://x.example" not in client.get("/embed/builder?member=B").get_data(as_text=True)
