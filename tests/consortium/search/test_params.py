"""Search parameters, e-resource access statements and citations (pure helpers)."""
import datetime as dt

import pytest

from consortium.catalogue.access import access_for
from consortium.catalogue.citations import to_bibtex, to_ris
from consortium.errors import InvalidInput
from consortium.search.errors import DeepPaging, InvalidSearch
from consortium.search.params import parse_params
from search_index.ports import SearchParams


def test_params_accept_query_strings_and_python_values_alike():
    """Strings from a URL and typed values from a service give the same parameters."""
    from_url = parse_params({"available": "true", "year_from": "2000", "acquired_since": "2026-01-01"})
    typed = parse_params({"available": True, "year_from": 2000, "acquired_since": dt.date(2026, 1, 1)})
    assert from_url == typed


def test_params_are_frozen_engine_neutral_values():
    """Repeatable parameters become tuples of a frozen ``SearchParams``, whatever came in."""
    params = parse_params({"member": ["a", "B"], "format": "Book", "language": "zh", "home_member": "c"})
    assert params == SearchParams(member=("A", "B"), format=("book",), language=("chi",), home_member="C")
    assert hash(params) == hash(parse_params({"member": ("A", "B"), "format": ["book"], "language": ["chi"],
                                              "home_member": "C"}))


def test_invalid_search_is_the_consortiums_invalid_input_with_todays_messages():
    """Bad values are ``InvalidInput`` (422 on the web) naming each field as before."""
    with pytest.raises(InvalidInput) as caught:
        parse_params({"year_from": "soon", "sort": "best", "format": "scroll", "q": "x" * 501})
    assert caught.value.errors == {
        "year_from": ["Must be a whole number from 0 to 9999."],
        "format": ["Must be one of: book, ebook, journal, ejournal, database, av, thesis, other."],
        "sort": ["Must be one of: relevance, newest, year, title."],
        "q": ["A query may be at most 500 characters long."],
    }


def test_deep_paging_cap_names_the_last_page():
    """Page 51 of 20 is beyond 1,000 results."""
    assert parse_params({"page": 50}, max_results=1000).page == 50
    with pytest.raises(DeepPaging) as caught:
        parse_params({"page": 51}, max_results=1000)
    assert caught.value.cap == 1000 and "50" in caught.value.errors["page"][0]


def test_booleans_are_not_page_numbers():
    """page=True is refused rather than read as 1."""
    with pytest.raises(InvalidSearch):
        parse_params({"page": True})


@pytest.mark.parametrize("access, holder, home, expected", [
    ("open", "A", None, "open"), ("consortium", "A", "B", "yours"), ("consortium", "A", None, "members"),
    ("member", "A", "A", "yours"), ("member", "A", "B", "not_yours"), ("member", "A", None, "member_only"),
    (None, "A", "A", "unknown"),
])
def test_access_is_stated_for_the_home_member(access, holder, home, expected):
    """Who may open an e-resource, from the reader's home member's side."""
    assert access_for(access, holder, home) == expected


WORK = {"id": 7, "title": "C {braces} & 100%", "subtitle": None, "authors": ["Knuth, Donald E."], "year": 1968,
        "publisher": "Addison-Wesley", "isbns": ["9780201896831"], "issns": [], "clc": "TP311", "subjects": [],
        "summary": None, "format": "book", "language": "eng"}


def test_bibtex_escapes_special_characters():
    """Braces, ampersands and percent signs are escaped."""
    text = to_bibtex(WORK, "http://x/works/7")
    assert "title = {C \\{braces\\} \\& 100\\%}" in text and text.startswith("@book{daodu7,")


def test_ris_lines_end_with_crlf_and_the_record_ends_with_er():
    """RIS records are tagged lines ending in ER."""
    text = to_ris(WORK, "http://x/works/7")
    assert text.endswith("ER  - \r\n") and "AU  - Knuth, Donald E.\r\n" in text
