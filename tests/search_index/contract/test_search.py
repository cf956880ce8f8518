"""Reader search through the search port: the issue's "Done when" cases and the contract."""
import datetime as dt

import pytest
from sqlalchemy import update

from consortium.catalogue.models import Holding
from consortium.db.columns import utcnow
from consortium.errors import InvalidInput
from consortium.ports import SEARCH
from consortium.search.operations import rebuild_index, sync_index
from tests.search_index.conftest import push_books

pytestmark = pytest.mark.needs_search


def ids(answer) -> set[int]:
    return {r["id"] for r in answer["results"]}


def test_traditional_and_simplified_titles_return_the_same_works(catalogue, search):
    """紅樓夢 and 红楼梦 find the same works, including the one pushed in each script."""
    traditional, simplified = search(q="紅樓夢"), search(q="红楼梦")
    assert ids(traditional) == ids(simplified) == {catalogue["a1"]}
    assert {h["member"] for h in traditional["results"][0]["holdings"]} == {"A", "B"}


def test_algorithm_finds_algorithms(catalogue, search):
    """A singular English word finds the plural in a title (stemming)."""
    assert catalogue["a2"] in ids(search(q="algorithm"))


def test_hyphenated_isbn10_finds_the_work_pushed_with_its_isbn13(catalogue, search):
    """An ISBN-10 with hyphens, fielded or not, finds the work pushed with its ISBN-13."""
    assert ids(search(q="isbn:0-262-03384-4")) == {catalogue["a2"]}
    assert ids(search(q="0-262-03384-4")) == {catalogue["a2"]}
    assert ids(search(q="7-02-000220-X")) == {catalogue["a1"]}


def test_clc_prefix_finds_deeper_class_numbers(catalogue, search):
    """clc:TP3 finds TP311.13 and TP301.6, and the clc filter does the same."""
    assert ids(search(q="clc:TP3")) == {catalogue["a2"], catalogue["a3"]}
    assert ids(search(clc="TP31")) == {catalogue["a3"]}


def test_issn_finds_the_journal(catalogue, search):
    """An ISSN finds its journal."""
    assert ids(search(q="0028-0836")) == {catalogue["b3"]}


def test_chinese_words_inside_a_longer_title_are_found(catalogue, search):
    """Two words of a longer Chinese title find it (bigrams), in any order."""
    assert ids(search(q="算法 数据结构")) == {catalogue["a3"]}


def test_english_title_words_find_the_translation(catalogue, search):
    """"dream of the red chamber" finds the English edition."""
    assert ids(search(q="dream of the red chamber")) == {catalogue["b2"]}


def test_facets_count_members_formats_and_classes(catalogue, search):
    """Facets count holding members, formats, CLC top classes and year ranges of the results."""
    facets = search()["facets"]
    assert {r["value"]: r["count"] for r in facets["member"]} == {"A": 3, "B": 3, "C": 1}
    assert {r["value"]: r["count"] for r in facets["format"]} == {"book": 4, "ejournal": 1}
    assert {r["value"]: r["count"] for r in facets["clc"]} == {"I": 2, "T": 2, "N": 1}
    assert {"value": "1980-1989", "count": 1, "year_from": 1980, "year_to": 1989} in facets["year"]


def test_member_filter_and_available_filter(catalogue, search):
    """Filtering by member and by availability narrows the results."""
    assert ids(search(member="C")) == {catalogue["c1"]}
    only_b = search(member=["B"], format="book")
    assert ids(only_b) == {catalogue["a1"], catalogue["b2"]}
    assert catalogue["a2"] in ids(search(available="true"))  # C has a copy on the shelf


def test_home_member_is_listed_first_in_holdings(catalogue, search):
    """The reader's home member comes first among a result's holdings."""
    answer = search(q="红楼梦", home_member="B")
    assert [h["member"] for h in answer["results"][0]["holdings"]] == ["B", "A"]


def test_sorts_by_title_year_and_newest(catalogue, search):
    """Sorting by title, year and newest acquisition orders the results."""
    by_year = [r["year"] for r in search(sort="year")["results"] if r["year"]]
    assert by_year == sorted(by_year, reverse=True)
    assert search(sort="newest")["results"][0]["id"] == catalogue["a3"]
    titles = [r["title"] for r in search(q="algorithms OR nature", sort="title")["results"]]
    assert titles == ["Introduction to Algorithms", "Nature"]


def test_paging_and_the_deep_paging_cap(catalogue, search, app):
    """Pages slice the results; a page beyond the cap is refused as invalid input."""
    first, second = search(per_page=2, sort="title"), search(per_page=2, page=2, sort="title")
    assert first["total"] == 5 and len(first["results"]) == 2
    assert not ids(first) & ids(second)
    with pytest.raises(InvalidInput):
        search(page=app.config["SEARCH_INDEX_MAX_RESULTS"] + 1, per_page=1)


def test_highlight_marks_the_matched_words(catalogue, search):
    """Matched title words come back marked, the rest escaped."""
    answer = search(q="algorithm")
    assert answer["results"][0]["highlight"]["title"] == "Introduction to <mark>Algorithms</mark>"


def test_misspelt_latin_query_gets_a_suggestion(catalogue, search):
    """A misspelt English word gets a did-you-mean; a good query gets none."""
    assert search(q="algoritms")["suggestion"] == "algorithms"
    assert search(q="algorithms")["suggestion"] is None


@pytest.mark.parametrize("q", ["title:(", "author:\"unclosed", "AND", "((红楼梦", "[2000 TO", "*", "title:"])
def test_query_syntax_errors_search_the_plain_words(catalogue, search, q):
    """Broken query syntax never raises: the plain words are searched."""
    answer = search(q=q)
    assert answer["total"] >= 0
    if "红楼梦" in q:
        assert ids(answer) == {catalogue["a1"]}


def test_bad_parameter_values_raise_invalid_input_with_field_errors(catalogue, search):
    """Bad values name each bad field."""
    with pytest.raises(InvalidInput) as caught:
        search(year_from="soon", sort="best", language="xx", clc="12.3", per_page=1000)
    assert set(caught.value.errors) == {"year_from", "sort", "language", "clc", "per_page"}


def test_count_matching_counts_works_per_member(catalogue, app):
    """Question routing's holdings signal: matching works per member, by text or identifier."""
    port = app.extensions[SEARCH]
    assert port.count_matching("算法", []) == {"A": 1}
    assert port.count_matching("", ["0-262-03384-4"]) == {"A": 1, "C": 1}
    assert port.count_matching("红楼梦", ["0028-0836"]) == {"A": 1, "B": 2}
    assert port.count_matching("", []) == {}
    question = "请问有没有《紅樓夢》的英文译本 Dream of the Red Chamber？"
    assert port.count_matching(question, []) == {"A": 1, "B": 2}  # 红楼梦 (A, B) and its translation (B)


def test_search_before_any_index_exists_is_empty_not_an_error(app):
    """With no index yet, a search answers no results."""
    assert app.extensions[SEARCH].search({"q": "x"})["total"] == 0


def test_searches_over_an_empty_index_then_a_filled_one(app, session, members):
    """An index created empty answers repeated searches, then sees works once they arrive."""
    sync_index(app)
    port = app.extensions[SEARCH]
    assert port.search({"q": "红楼梦"})["total"] == 0
    assert port.search({"q": "红楼梦"})["total"] == 0
    push_books(session, members)
    sync_index(app)
    assert port.search({"q": "红楼梦"})["total"] == 1


def test_acquired_since_keeps_only_newer_acquisitions(catalogue, search):
    """``acquired_since`` filters on the newest acquisition of a work's holdings."""
    assert ids(search(acquired_since="2026-10-01")) == {catalogue["a1"], catalogue["a3"]}
    assert ids(search(acquired_since="2026-10-02")) == {catalogue["a3"]}


def test_first_seen_after_keeps_only_works_new_to_the_consortium(app, catalogue, session, members, search):
    """``first_seen_after`` finds works whose earliest holding arrived later; a second
    member's holding of an old work does not make it new."""
    # the catalogue was seen last month; the index learns it by a rebuild
    session.exec(update(Holding).values(first_seen_at=dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)))
    session.commit()
    rebuild_index(app)
    before = utcnow()
    # a second holding of an old work (a2 exists at A and C) and one new work
    push_books(session, members, {"B": [
        {"local_id": "b9", "title": "Introduction to Algorithms", "isbns": ["9780262033848"], "year": 2009},
        {"local_id": "b10", "title": "深度学习", "authors": ["Goodfellow"], "clc": "TP181", "year": 2017}]})
    sync_index(app)
    after = utcnow() + dt.timedelta(seconds=1)
    new = ids(search(first_seen_after=dt.datetime(2026, 11, 2, tzinfo=dt.timezone.utc)))
    assert catalogue["a2"] not in new and catalogue["a1"] not in new
    assert len(new) == 1 and search(first_seen_after="2026-11-02T00:00:00+08:00")["results"][0]["title"] == "深度学习"
    assert ids(search(first_seen_after=after)) == set()
    everything = ids(search(per_page=50))
    assert ids(search(first_seen_until="2026-11-01T00:00:00Z", per_page=50)) == everything - new
    assert ids(search(first_seen_after="2026-11-01T00:00:00Z", per_page=50)) == new
    assert ids(search(first_seen_after=before - dt.timedelta(seconds=1), q="深度学习")) == new
