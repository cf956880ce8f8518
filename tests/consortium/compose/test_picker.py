"""The shared work picker: the reader search's relevance over real Chinese books, what each
candidate shows, the catalogue standing in when search cannot answer, and the Markdown preview."""
import pytest

from consortium.accounts.service import add_user
from consortium.catalogue.service import ingest_batch
from consortium.compose import picker
from consortium.ports import SEARCH
from consortium.search.operations import sync_index
from tests.consortium.compose.books import douban_records
from tests.staff import csrf_token, login


@pytest.fixture
def three_body(app, session, members, shared_data):
    """The 三体 books of the Douban list plus 150 others; 三体Ⅲ is pushed last (the newest record)."""
    family = {r["title"]: r for r in douban_records(shared_data, containing="三体", limit=20)}
    assert {"三体", "三体Ⅱ", "三体Ⅲ"} <= set(family)
    third = family.pop("三体Ⅲ")
    ingest_batch(session, members["A"], douban_records(shared_data, limit=150) + list(family.values()))
    ingest_batch(session, members["B"], [dict(family["三体"], local_id="b-santi"), dict(third, local_id="b-3")])
    sync_index(app)
    return third


@pytest.mark.needs_search
def test_the_picker_lists_the_exact_title_first_not_the_newest_record(app, session, three_body):
    """三体 before 三体Ⅲ (pushed last), each with author, year, format and holders."""
    with app.app_context():
        found = picker.pick(session, app.extensions[SEARCH], "三体")
    titles = [c.title for c in found.candidates]
    assert found.source == "search" and titles[0] == "三体" and titles.index("三体") < titles.index("三体Ⅲ")
    first = found.candidates[0]
    assert first.authors == ("刘慈欣",) and first.year == 2008 and first.format == "book"
    assert first.holders == ("A", "B")
    third = next(c for c in found.candidates if c.title == "三体Ⅲ")
    assert third.holders == ("B",) and third.year == 2010


@pytest.mark.needs_search
def test_the_picker_finds_an_isbn_in_any_form_and_an_author(app, session, members):
    """ISBN-10 with hyphens finds the ISBN-13 record; an author's name finds the author's books."""
    ingest_batch(session, members["A"], [
        {"local_id": "h1", "title": "红楼梦", "authors": ["曹雪芹"], "isbns": ["9787020002207"], "year": 1996},
        {"local_id": "h2", "title": "红楼梦魇", "authors": ["张爱玲"], "year": 2009}])
    sync_index(app)
    with app.app_context():
        by_isbn = picker.pick(session, app.extensions[SEARCH], "7-02-000220-X")
        by_author = picker.pick(session, app.extensions[SEARCH], "张爱玲")
    assert [c.title for c in by_isbn.candidates] == ["红楼梦"]
    assert [c.title for c in by_author.candidates] == ["红楼梦魇"]


def test_a_record_not_indexed_yet_is_found_in_the_catalogue(app, session, members):
    """Pushed a moment ago, before the indexer ran: the catalogue answers, the exact title first."""
    ingest_batch(session, members["A"], [{"local_id": "x2", "title": "三体Ⅲ", "authors": ["刘慈欣"]}])
    ingest_batch(session, members["A"], [{"local_id": "x1", "title": "三体", "authors": ["刘慈欣"]}])
    ingest_batch(session, members["C"], [{"local_id": "x3", "title": "《三体》中的物理学", "authors": ["李淼"]}])
    with app.app_context():
        found = picker.pick(session, app.extensions[SEARCH], "三体")
    assert found.source == "catalogue" and not found.search_unavailable
    assert [c.title for c in found.candidates] == ["三体", "三体Ⅲ", "《三体》中的物理学"]
    assert found.candidates[2].holders == ("C",)


def test_without_a_search_port_the_catalogue_answers_and_says_so(session, members):
    """A deployment without search still picks, flagged, and odd input finds nothing instead of failing."""
    ingest_batch(session, members["A"], [{"local_id": "a1", "title": "红楼梦", "isbns": ["9787020002207"]}])
    found = picker.pick(session, None, "7-02-000220-X")
    assert found.search_unavailable and [c.title for c in found.candidates] == ["红楼梦"]
    assert picker.pick(session, None, "100%_").candidates == ()
    assert picker.pick(session, None, "   ") == picker.Found()


def test_chosen_works_keep_their_order_and_skip_what_is_not_a_work(session, members):
    """The draft's cited works come back in the order picked; junk and unknown ids are dropped."""
    result = ingest_batch(session, members["A"], [{"local_id": "a1", "title": "史记"}, {"local_id": "a2", "title": "汉书"}])
    first, second = [w["work_id"] for w in result.works]
    works = picker.chosen(session, [str(second), "x", "99999999999", str(first), str(second), "0"])
    assert [w.title for w in works] == ["汉书", "史记"] and works[0].holders == ("A",)


def test_markdown_preview_renders_sanitised_html_for_logged_in_staff(client, session, members):
    """Staff get the HTML readers will see; scripts are gone; anonymous visitors and missing tokens are refused."""
    add_user(session, "lib@a.example", "lib-pass-1", "librarian", "A")
    assert client.post("/staff/compose/preview", data={"text": "x"}).status_code in (302, 400)
    login(client, "lib@a.example", "lib-pass-1")
    assert client.post("/staff/compose/preview", data={"text": "**x**"}).status_code == 400  # no CSRF token
    token = csrf_token(client, "/staff/guides/new")
    response = client.post("/staff/compose/preview", data={"text": "**好书**\n\n- 一\n<script>alert(1)</script>",
                                                           "csrf_token": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "<strong>好书</strong>" in html and "<li>一</li>" in html and "<script" not in html
