"""Pure matching decisions and work derivation."""
from hypothesis import given
from hypothesis import strategies as st

from consortium.catalogue.matching import Candidate, carrier_of, decide_match, derive_work

CARRIERS = ["print", "electronic", "av"]


def test_a_shared_isbn_wins_over_a_title_match():
    decision = decide_match("print", {"9787020002207"}, [Candidate(5, "print")], [], [Candidate(2, "print")])
    assert (decision.target_id, decision.matched_by, decision.absorb_ids) == (5, "isbn", ())


def test_a_record_linking_two_works_merges_them_into_the_oldest():
    decision = decide_match("print", {"x"}, [Candidate(9, "print")], [Candidate(4, "print")], [])
    assert decision.target_id == 4
    assert decision.absorb_ids == (9,)
    assert decision.matched_by == "isbn"


def test_print_and_electronic_never_match():
    decision = decide_match("electronic", {"x"}, [Candidate(1, "print")], [], [])
    assert decision.target_id is None and decision.matched_by == "new"


def test_title_match_is_refused_for_a_different_edition():
    """Both carry ISBNs and share none: different editions stay different works."""
    decision = decide_match("print", {"9780000000001"}, [], [], [Candidate(3, "print", frozenset({"9780000000002"}))])
    assert decision.target_id is None


def test_title_match_joins_the_oldest_and_merges_nothing():
    decision = decide_match("print", set(), [], [], [Candidate(8, "print"), Candidate(3, "print")])
    assert (decision.target_id, decision.absorb_ids, decision.matched_by) == (3, (), "title")


@given(
    st.sampled_from(CARRIERS),
    st.lists(st.sampled_from(CARRIERS + ["unknown"]), max_size=6),
    st.lists(st.sampled_from(CARRIERS + ["unknown"]), max_size=6),
)
def test_matching_never_joins_or_merges_conflicting_carriers(carrier, isbn_carriers, title_carriers):
    by_isbn = [Candidate(i + 1, c) for i, c in enumerate(isbn_carriers)]
    by_title = [Candidate(100 + i, c) for i, c in enumerate(title_carriers)]
    decision = decide_match(carrier, set(), by_isbn, [], by_title)
    carrier_by_id = {c.id: c.carrier for c in by_isbn + by_title}
    chosen = [decision.target_id, *decision.absorb_ids] if decision.target_id is not None else []
    assert all(carrier_by_id[i] in (carrier, "unknown") for i in chosen)
    if any(c in (carrier, "unknown") for c in isbn_carriers):
        assert decision.matched_by == "isbn" and decision.target_id == min(chosen)


def test_format_carriers():
    assert [carrier_of(f) for f in ("book", "ebook", "journal", "ejournal", "database", "av", "thesis", "other")] == [
        "print", "electronic", "print", "electronic", "electronic", "av", "print", "unknown"]


def test_derived_work_takes_the_most_complete_record_and_unions_identifiers():
    sparse = {"title": "红楼梦", "isbns": ["9787020002207"], "authors": ["曹雪芹"]}
    full = {"title": "红楼梦", "subtitle": "校注本", "publisher": "人民文学出版社", "year": 1982, "clc": "I242.4",
            "isbns": ["9787020002214"], "authors": ["曹雪芹", "高鹗"], "subjects": ["章回小说"], "language": "chi"}
    work = derive_work([sparse, full])
    assert work["publisher"] == "人民文学出版社"
    assert work["authors"] == ["曹雪芹", "高鹗"]
    assert work["isbns"] == ["9787020002207", "9787020002214"]
    assert work["format"] == "book"
