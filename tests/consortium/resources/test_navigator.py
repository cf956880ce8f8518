"""The e-resource navigator over the demo consortium's e-resources: the issue's question
"which databases cover TP that my library gives me access to", A–Z, the API and bad input."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from consortium.accounts.service import add_member, add_user
from consortium.catalogue.service import ingest_batch
from consortium.compose.picker import pick
from consortium.demo import resources as demo_resources
from consortium.demo.loader import MEMBERS
from consortium.ports import SEARCH
from consortium.resources import rules
from consortium.search.operations import sync_index
from consortium.search.views import HOME_COOKIE
from tests.consortium.subscriptions.conftest import post_form
from tests.staff import login


@pytest.fixture
def demo_eresources(session):
    """The demo's five members and the e-resources they push."""
    members = {code: add_member(session, code, name, name_en) for code, name, name_en, *_ in MEMBERS}
    for code, records in demo_resources.records().items():
        assert not ingest_batch(session, members[code], records).rejected
    return members


def titles(body) -> list[str]:
    return [r["title"] for r in body["resources"]]


def test_databases_covering_tp_that_my_library_gives_access_to(client, demo_eresources):
    """SEU readers get IEEE Xplore, ACM DL (campus) and dblp (open); NJAU readers only dblp."""
    seu = client.get("/api/v1/resources?subject=TP&format=database&home_member=SEU&available=1").get_json()
    assert titles(seu) == ["ACM Digital Library", "dblp computer science bibliography", "IEEE Xplore"]
    ieee = next(r for r in seu["resources"] if r["title"] == "IEEE Xplore")
    assert ieee["holdings"][0]["member"] == "SEU" and ieee["holdings"][0]["way"] == "campus"
    assert ieee["coverage"]["first_year"] == 1988 and ieee["coverage"]["to_present"]
    assert ieee["coverage"]["titles"] == 2  # the two IEEE Transactions listed on ieeexplore.ieee.org
    njau = client.get("/api/v1/resources?subject=TP&format=database&home_member=NJAU&available=true").get_json()
    assert titles(njau) == ["dblp computer science bibliography"]
    assert njau["resources"][0]["holdings"][0]["way"] == "open"


def test_a_to_z_uses_pinyin_initials_for_chinese_titles(client, demo_eresources):
    """中国知网 is under Z and 万方 under W, beside the Latin titles; letters are counted."""
    body = client.get("/api/v1/resources?letter=Z").get_json()
    assert titles(body) == ["中国知网 CNKI 中国学术期刊全文数据库"]
    assert body["letters"]["W"] == 1 and body["letters"]["I"] == 3
    assert "万方数据知识服务平台" in titles(client.get("/api/v1/resources?q=万方").get_json())


def test_member_filter_lists_what_that_member_gives(client, demo_eresources):
    """member=NJAU lists the resources NJAU holds, with every member's access to them."""
    body = client.get("/api/v1/resources?member=NJAU").get_json()
    assert set(titles(body)) == {"中国知网 CNKI 中国学术期刊全文数据库", "SpringerLink", "CAB Direct"}


def test_navigator_page_in_both_languages(client, demo_eresources):
    """The page answers the TP question for a reader whose library is remembered in the cookie."""
    client.set_cookie(HOME_COOKIE, "NJAU")
    page = client.get("/resources?subject=TP&format=database&available=1").get_data(as_text=True)
    assert "dblp computer science bibliography" in page and "IEEE Xplore" not in page and "任何人均可访问" in page
    english = client.get("/resources?subject=TP&lang=en").get_data(as_text=True)
    assert "IEEE Xplore" in english and "on its campus network or VPN" in english


@pytest.mark.parametrize("query, field", [
    ("letter=AB", "letter"), ("subject=123", "subject"), ("available=maybe", "available"),
    ("available=1", "home_member"), ("format=book", "format"), ("q=" + "x" * 250, "q"),
])
def test_bad_parameters_are_422_naming_the_field(client, demo_eresources, query, field):
    """Each bad value is a 422 naming it, on the API and on the page; never a 500."""
    api = client.get(f"/api/v1/resources?{query}")
    assert api.status_code == 422 and field in api.get_json()["errors"]
    assert client.get(f"/resources?{query}").status_code == 422


@given(st.text(max_size=20))
def test_every_title_gets_one_heading(title):
    """Any title has exactly one of the A–Z headings or #."""
    assert rules.letter_of(title) in rules.LETTERS


@given(st.integers(1500, 2099), st.integers(0, 30))
def test_coverage_years_span_first_to_last(first, length):
    """"first – last" gives both years; "– present" gives no last year."""
    last = min(2099, first + length)
    assert rules.coverage_years(f"{first}-01-01 – {last}-12-31") == (first, last, False)
    assert rules.coverage_years(f"{first} – present") == (first, None, True)


def _librarian(session, client, code):
    add_user(session, f"lib@{code.lower()}.example", "lib-pass-1", "librarian", code, display_name=code)
    assert login(client, f"lib@{code.lower()}.example", "lib-pass-1").status_code == 302


def _ieee(client) -> dict:
    return client.get("/api/v1/resources?q=IEEE Xplore").get_json()["resources"][0]


def test_a_holding_librarian_writes_a_note_readers_see(client, session, demo_eresources):
    """SEU's librarian writes how to search IEEE Xplore (Markdown, sanitised); readers see it; empty removes it."""
    _librarian(session, client, "SEU")
    work_id = _ieee(client)["id"]
    page = "/resources?q=IEEE"
    body = "检索技巧：用 **Command Search** 组合字段<script>alert(1)</script>"
    assert post_form(client, page, f"/resources/{work_id}/note", {"body": body}).status_code == 302
    [note] = _ieee(client)["notes"]
    assert note["member"] == "SEU" and "<strong>Command Search</strong>" in note["html"] and "<script" not in note["html"]
    assert "Command Search" in app_client_page(client, page)
    assert post_form(client, page, f"/resources/{work_id}/note", {"body": ""}).status_code == 302
    assert _ieee(client)["notes"] == []


def test_librarians_of_other_libraries_may_not_write_the_note(client, session, demo_eresources):
    """NJAU does not hold IEEE Xplore: its librarian gets 403 and no note is stored."""
    _librarian(session, client, "NJAU")
    work_id = _ieee(client)["id"]
    assert post_form(client, "/resources", f"/resources/{work_id}/note", {"body": "x"}).status_code == 403
    assert post_form(client, "/resources", "/resources/999999/note", {"body": "x"}).status_code == 404
    assert _ieee(client)["notes"] == []


def app_client_page(client, path) -> str:
    return client.get(path).get_data(as_text=True)


def test_the_work_picker_finds_databases_for_guides_and_answers(app, session, demo_eresources):
    """E-resources are catalogue works: the picker guides and answers share finds them by name."""
    sync_index(app)
    found = pick(session, app.extensions[SEARCH], "IEEE Xplore")
    assert [c.format for c in found.candidates if c.title == "IEEE Xplore"] == ["database"]
    assert set(next(c for c in found.candidates if c.title == "IEEE Xplore").holders) >= {"SEU", "NUAA"}
