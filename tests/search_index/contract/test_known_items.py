"""Known-item search on every backend (the misses of the real-data benchmark, issue #14's
"Search"): a title's first words typed with its punctuation, editions that score alike, a
transposed letter, and a slip that makes another indexed word."""
import pytest

from consortium.catalogue.service import ingest_batch
from consortium.ports import SEARCH
from consortium.search.operations import sync_index

pytestmark = pytest.mark.needs_search

SERIALS = [
    {"local_id": "law1", "title": "Law, The : a Monthly Magazine of Legal Matters (via Hein Online)", "format": "ebook"},
    {"local_id": "law2", "title": "Virginia law review", "format": "journal"},
    {"local_id": "law3", "title": "Business Law Review", "format": "ejournal"},
    {"local_id": "law4", "title": "European Company Law", "format": "ejournal"},
    {"local_id": "law5", "title": "Air and Space Law (formerly: Air Law)", "format": "ejournal"},
    {"local_id": "ev1", "title": "Research on Evaluation: New Directions for Evaluation, Number 148", "format": "ebook"},
    {"local_id": "ev2", "title": "Research Evaluation", "format": "ejournal"},
    {"local_id": "ev3", "title": "Educational Research and Evaluation", "format": "ejournal"},
    {"local_id": "ajpm", "title": "American Journal of Preventive Medicine", "format": "ejournal"},
    {"local_id": "med1", "title": "Tropical medicne and hygiene", "format": "ebook"},
    {"local_id": "med2", "title": "Internal medicine", "format": "ebook"},
    {"local_id": "med3", "title": "Medicine and the law", "format": "ebook"},
    {"local_id": "cb", "title": "The cathedral & the bazaar", "subtitle": "musings on Linux and open source",
     "authors": ["Raymond, Eric S."], "year": 1999, "format": "ebook"},
    {"local_id": "bz1", "title": "Utica Daily Bazar (via EBSCO Host)", "format": "ebook"},
    {"local_id": "bz2", "title": "Matrimonial Bazar", "format": "ebook"},
    {"local_id": "bz3", "title": "Bazaar economies", "authors": ["Geertz, Clifford"], "year": 1978, "format": "book"},
    {"local_id": "bz4", "title": "The bazaar of the bizarre", "authors": ["Leiber, Fritz"], "year": 1984,
     "format": "book"},
    {"local_id": "bz5", "title": "Bazaar politics", "authors": ["Ray, Rajat"], "year": 2001, "format": "book"},
]
# Three editions of one novel, kept apart by the catalogue (other publishers and ISBNs), pushed
# oldest work id first: the 1991 one by A alone, the 2007 one by A alone, the 1985 one by A and B.
EDITIONS = {
    "A": [{"local_id": "w1991", "title": "围城", "authors": ["钱锺书"], "publisher": "人民文学出版社", "year": 1991,
           "isbns": ["9787020024759"], "format": "book"},
          {"local_id": "w2007", "title": "围城", "authors": ["钱锺书"], "publisher": "生活·读书·新知三联书店",
           "year": 2007, "isbns": ["9787108028259"], "format": "book"},
          {"local_id": "w1985", "title": "围城", "authors": ["钱锺书"], "publisher": "四川文艺出版社", "year": 1985,
           "isbns": ["9787541100017"], "format": "book"},
          {"local_id": "about", "title": "围城内外", "authors": ["李四"], "year": 2010, "format": "book"}],
    "B": [{"local_id": "b1985", "title": "圍城", "authors": ["錢鍾書"], "publisher": "四川文艺出版社", "year": 1985,
           "isbns": ["9787541100017"], "format": "book"}],
}


@pytest.fixture
def serials(app, session, members) -> dict:
    ids = {w["local_id"]: w["work_id"] for w in ingest_batch(session, members["A"], SERIALS).works}
    sync_index(app)
    return ids


@pytest.fixture
def editions(app, session, members) -> dict:
    ids = {}
    for code, records in EDITIONS.items():
        ids.update({w["local_id"]: w["work_id"] for w in ingest_batch(session, members[code], records).works})
    sync_index(app)
    return ids


@pytest.fixture
def search(app):
    port = app.extensions[SEARCH]
    return lambda q, **params: port.search(dict(params, q=q))


def found(body) -> list[int]:
    return [r["id"] for r in body["results"]]


@pytest.mark.parametrize("q, known", [("Law, The :", "law1"), ("law the", "law1"),
                                      ("Research on Evaluation:", "ev1"), ("research on evaluation", "ev1")])
def test_a_titles_first_words_find_that_title_first_whatever_their_punctuation(serials, search, q, known):
    """The first words of a long title, as pasted (the trailing colon is the title's, no field)
    or typed, put that title before shorter ones that merely hold the words."""
    assert found(search(q))[0] == serials[known]


def test_a_whole_title_still_ranks_before_the_titles_it_begins(serials, search):
    """"Research evaluation" equals one title and begins none: that one first; "Law" equal to
    no title begins two: the one whose first word it is comes before those that hold it later."""
    assert found(search("Research Evaluation"))[0] == serials["ev2"]
    assert found(search("law"))[0] == serials["law1"]


def test_editions_that_score_alike_list_the_most_held_then_the_newest_first(editions, search):
    """The three editions of 围城 equal the query alike: the one two members hold comes first,
    then the newer of the others; the book about it after them, on every backend."""
    expected = [editions["w1985"], editions["w2007"], editions["w1991"], editions["about"]]
    assert editions["w1985"] == editions["b1985"]
    assert found(search("围城")) == expected
    assert found(search("錢鍾書 圍城"))[:3] == expected[:3]


def test_a_word_with_two_letters_swapped_is_corrected_to_the_common_word(serials, search):
    """"Medicnie" swaps two letters of medicine; a record's misspelt "medicne" is as near but
    rare: the query is answered as "… medicine", the journal first."""
    body = search("American Journal of Preventive Medicnie")
    assert body["suggestion"] == "American Journal of Preventive medicine"
    assert body["corrected_from"] == "American Journal of Preventive Medicnie"
    assert found(body)[0] == serials["ajpm"]


def test_a_slip_that_makes_another_indexed_word_is_corrected_by_the_titles_word_order(serials, search):
    """"bazar" is a word of two titles, but no title has it after "cathedral" and one has
    "bazaar" there: "cathedrl bazar" is answered as "cathedral bazaar"; "Daily Bazar" stays."""
    body = search("cathedrl bazar")
    assert body["suggestion"] == "cathedral bazaar" and found(body) == [serials["cb"]]
    body = search("daily bazar")
    assert body["suggestion"] is None and found(body) == [serials["bz1"]]
