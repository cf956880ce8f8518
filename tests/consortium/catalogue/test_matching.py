"""Pure matching decisions and work derivation."""
from hypothesis import given
from hypothesis import strategies as st

from consortium.catalogue.matching import (
    Candidate,
    Probe,
    candidate_of,
    carrier_of,
    decide_match,
    derive_work,
    probe_of,
    should_join,
)
from consortium.catalogue.normalise import title_tokens

CARRIERS = ["print", "electronic", "av"]
ISBN = "9787020002207"


def book(title="红楼梦", **fields) -> dict:
    return {"title": title, "format": "book", "isbns": [ISBN], **fields}


def work(work_id: int, title="红楼梦", **fields) -> Candidate:
    return candidate_of(work_id, {"format": "book", "isbns": [ISBN], "title": title, **fields})


def test_a_shared_isbn_wins_over_a_title_match():
    decision = decide_match(probe_of(book()), [work(5)], [], [work(2)])
    assert (decision.target_id, decision.matched_by, decision.absorb_ids) == (5, "isbn", ())


def test_a_record_linking_two_works_merges_them_into_the_oldest():
    decision = decide_match(probe_of(book(isbns=[ISBN, "9787020002214"])), [work(9), work(4)], [], [])
    assert (decision.target_id, decision.absorb_ids, decision.matched_by) == (4, (9,), "isbn")


def test_print_and_electronic_never_match():
    decision = decide_match(probe_of(book(format="ebook")), [work(1)], [], [])
    assert decision.target_id is None and decision.matched_by == "new"


def test_title_match_is_refused_for_a_different_edition():
    """Both carry ISBNs and share none: different editions stay different works."""
    decision = decide_match(probe_of(book(isbns=["9780000000001"])), [], [],
                            [work(3, isbns=["9780000000002"])])
    assert decision.target_id is None


def test_title_match_joins_the_oldest_and_merges_nothing():
    decision = decide_match(probe_of(book(isbns=[])), [], [], [work(8, isbns=[]), work(3, isbns=[])])
    assert (decision.target_id, decision.absorb_ids, decision.matched_by) == (3, (), "title")


def test_a_reused_isbn_whose_titles_share_nothing_is_not_joined_but_doubted():
    """Springer's ISBN 9780387095141 on a 1979 mathematics book and a surgery pocket manual."""
    maths = work(7, "Spectral representations for Schrödinger operators with long-range potentials",
                 isbns=["9780387095141"])
    surgery = probe_of({"title": "Surgical anatomy and technique: a pocket manual", "format": "book",
                        "isbns": ["9780387095141"]})
    decision = decide_match(surgery, [maths], [], [])
    assert decision.target_id is None and decision.doubtful == ((7, "title"),)


def test_an_isbn_match_with_another_edition_number_is_doubted():
    decision = decide_match(probe_of(book(edition="第3版")), [work(2, edition="第二版")], [], [])
    assert decision.target_id is None and decision.doubtful == ((2, "edition"),)
    same = decide_match(probe_of(book(edition="2nd ed.")), [work(2, edition="Second edition")], [], [])
    assert same.target_id == 2


def test_a_title_key_refuses_another_edition_and_other_issns():
    assert decide_match(probe_of(book(isbns=[], edition="3rd ed.")), [], [], [work(2, isbns=[], edition="2nd ed.")]
                        ).target_id is None
    journal = {"title": "Horizons", "format": "journal", "year": 1974}
    decision = decide_match(probe_of({**journal, "issns": ["0360-9669"]}), [], [],
                            [candidate_of(4, {**journal, "issns": ["1234-5679"]})])
    assert decision.target_id is None


def test_a_title_key_refuses_another_publishers_edition():
    """1Q84 from Knopf and from Harvill Secker, same year: two editions; a publisher missing on
    one side, or written differently, is no evidence against."""
    novel = {"title": "1Q84", "authors": ["Murakami, Haruki"], "year": 2011, "format": "book"}
    knopf = candidate_of(3, {**novel, "publisher": "Knopf"})
    assert decide_match(probe_of({**novel, "publisher": "Harvill Secker"}), [], [], [knopf]).target_id is None
    assert decide_match(probe_of(novel), [], [], [knopf]).target_id == 3
    assert decide_match(probe_of({**novel, "publisher": "Alfred A. Knopf"}), [], [], [knopf]).target_id == 3


def serial(work_id: int, title: str, issns=("0148-0227", "2156-2202"), fmt="ejournal") -> Candidate:
    return candidate_of(work_id, {"title": title, "format": fmt, "issns": list(issns)})


def serial_probe(title: str, issns=("0148-0227", "2156-2202"), fmt="ejournal") -> Probe:
    return probe_of({"title": title, "format": fmt, "issns": list(issns)})


def test_journal_sections_sharing_the_parent_issn_stay_apart():
    """JGR's sections are catalogued separately though the provider gives each the parent's ISSNs."""
    space = serial(1, "Journal of Geophysical Research JGR / A - Space Physics")
    decision = decide_match(serial_probe("Journal of Geophysical Research JGR / B - Solid Earth"), [], [space], [])
    assert decision.target_id is None and decision.absorb_ids == ()


def test_country_reports_of_one_series_stay_apart():
    india = serial(1, "OECD Economic Surveys: India", ("0376-6438", "1609-7513"))
    general = serial(2, "OECD Economic Surveys", ("0376-6438", "1609-7513"))
    decision = decide_match(serial_probe("OECD Economic Surveys: Bulgaria", ("0376-6438", "1999-0626")),
                            [], [india, general], [])
    assert decision.target_id is None


def test_a_journal_joins_its_title_spelled_with_provider_notes():
    stored = serial(5, "Journal of Medicine and Philosophy, The", ("0360-5310",))
    decision = decide_match(serial_probe("The Journal of Medicine and Philosophy (via EBSCO Host)", ("0360-5310",)),
                            [], [stored], [])
    assert (decision.target_id, decision.matched_by) == (5, "issn")


def test_a_row_listing_two_journals_issns_joins_one_and_merges_nothing():
    """A provider row carried the Literary Examiner's ISSN beside the Literary Gazette's."""
    gazette = serial(3, "Literary Gazette : A Weekly Journal of Literature", ("2043-3700",))
    examiner = serial(8, "Literary Examiner : Consisting of the Indicator", ("2043-3646",))
    row = serial_probe("Literary Examiner : Consisting of the Indicator, a Review of Books", ("2043-3646", "2043-3700"))
    decision = decide_match(row, [], [gazette, examiner], [])
    assert (decision.target_id, decision.absorb_ids) == (8, ())


def test_a_title_change_does_not_join_its_successor():
    successor = serial(3, "Journal of Media Ethics (Formerly: Journal of Mass Media Ethics)", ("0890-0523", "1532-7728"))
    decision = decide_match(serial_probe("Journal of Mass Media Ethics (via EBSCO Host)", ("0890-0523",)),
                            [], [successor], [])
    assert decision.target_id is None


def test_a_books_series_issn_is_no_evidence():
    review = candidate_of(3, {"title": "Environmental performance reviews: Denmark", "format": "book",
                              "issns": ["1990-0104"]})
    decision = decide_match(probe_of({"title": "Environmental performance reviews: Japan", "format": "book",
                                      "issns": ["1990-0104"]}), [], [review], [])
    assert decision.target_id is None


def test_works_kept_apart_are_not_merged_and_the_record_joins_the_closer_title():
    whole = work(2, "Surgical anatomy and technique")
    split_off = work(9, "Surgical anatomy and technique: a pocket manual")
    probe = probe_of(book("Surgical anatomy and technique: a pocket manual"))
    decision = decide_match(probe, [whole, split_off], [], [], apart=frozenset({frozenset((2, 9))}))
    assert (decision.target_id, decision.absorb_ids) == (9, ())


ids = st.integers(1, 30)
candidates = st.builds(lambda i, c, t: Candidate(i, c, frozenset({ISBN}), title_words=title_tokens(t)),
                       ids, st.sampled_from(CARRIERS + ["unknown"]),
                       st.sampled_from(["红楼梦", "红楼梦 校注本", "Surgical anatomy", "Anatomy"]))


@given(st.sampled_from(CARRIERS + ["unknown"]), st.lists(candidates, max_size=6, unique_by=lambda c: c.id),
       st.lists(candidates, max_size=4, unique_by=lambda c: c.id))
def test_matching_never_joins_or_merges_conflicting_carriers(carrier, by_isbn, by_title):
    probe = Probe(carrier, frozenset({ISBN}), title_words=title_tokens("红楼梦 Surgical anatomy"))
    by_title = [Candidate(100 + c.id, c.carrier, c.isbns, title_words=c.title_words) for c in by_title]
    decision = decide_match(probe, by_isbn, [], by_title)
    carrier_by_id = {c.id: c.carrier for c in by_isbn + by_title}
    chosen = [decision.target_id, *decision.absorb_ids] if decision.target_id is not None else []
    assert all(carrier_by_id[i] in (carrier, "unknown") or carrier == "unknown" for i in chosen)
    assert all(carrier_by_id[a] == carrier_by_id[b] or "unknown" in (carrier_by_id[a], carrier_by_id[b])
               for a in chosen for b in chosen)
    if chosen:
        assert decision.target_id == min(chosen)


@given(st.lists(candidates, min_size=1, max_size=6, unique_by=lambda c: c.id),
       st.sets(st.frozensets(ids, min_size=2, max_size=2), max_size=6))
def test_works_kept_apart_are_never_merged_by_a_push(by_isbn, apart):
    probe = Probe("unknown", frozenset({ISBN}), title_words=title_tokens("红楼梦 Surgical anatomy"))
    decision = decide_match(probe, by_isbn, [], [], apart=frozenset(apart))
    chosen = [decision.target_id, *decision.absorb_ids] if decision.target_id is not None else []
    assert not any(frozenset((a, b)) in apart for a in chosen for b in chosen if a != b)


@given(st.lists(st.tuples(ids, st.sampled_from(["Nature", "Nature (via EBSCO Host)", "Nature Physics", "Science"]),
                          st.sampled_from([("0028-0836",), ("0028-0836", "1476-4687"), ("1476-4687",)])),
                max_size=6, unique_by=lambda t: t[0]))
def test_a_serial_joins_only_its_own_title_and_never_merges(rows):
    probe = serial_probe("Nature", ("0028-0836",))
    by_issn = [serial(i, title, issns) for i, title, issns in rows]
    decision = decide_match(probe, [], by_issn, [])
    assert decision.absorb_ids == ()
    if decision.target_id is not None:
        chosen = next(c for c in by_issn if c.id == decision.target_id)
        assert chosen.serial_title == "nature" and "0028-0836" in chosen.issns


def test_should_join_follows_the_matching_rules():
    assert should_join(work(1), work(2, "红楼梦 校注本"))
    assert not should_join(work(1), work(2, "Surgical anatomy"))  # a reused ISBN
    assert not should_join(work(1), work(2), apart=frozenset({frozenset((1, 2))}))
    assert not should_join(work(1, edition="2nd ed."), work(2, edition="3rd ed."))
    assert not should_join(work(1), candidate_of(2, {"format": "ebook", "isbns": [ISBN], "title": "红楼梦"}))
    assert should_join(serial(1, "Nature"), serial(2, "Nature (via EBSCO Host)"))
    assert not should_join(serial(1, "JGR / A - Space Physics"), serial(2, "JGR / B - Solid Earth"))


def test_format_carriers():
    assert [carrier_of(f) for f in ("book", "ebook", "journal", "ejournal", "database", "av", "thesis", "other")] == [
        "print", "electronic", "print", "electronic", "electronic", "av", "print", "unknown"]


def test_derived_work_takes_the_most_complete_record_and_unions_identifiers():
    sparse = {"title": "红楼梦", "isbns": ["9787020002207"], "authors": ["曹雪芹"], "edition": "第3版"}
    full = {"title": "红楼梦", "subtitle": "校注本", "publisher": "人民文学出版社", "year": 1982, "clc": "I242.4",
            "isbns": ["9787020002214"], "authors": ["曹雪芹", "高鹗"], "subjects": ["章回小说"], "language": "chi"}
    derived = derive_work([sparse, full])
    assert derived["publisher"] == "人民文学出版社"
    assert derived["authors"] == ["曹雪芹", "高鹗"]
    assert derived["isbns"] == ["9787020002207", "9787020002214"]
    assert derived["format"] == "book"
    assert derived["edition"] == "第3版"
