"""Identifiers and subject found in a reader's question text."""
from hypothesis import given
from hypothesis import strategies as st
from stdnum import ean
from stdnum import isbn as stdnum_isbn

from consortium.reference.question_text import find_identifiers, infer_clc
from member_sites.record.identifiers import isbn_forms


def test_isbn_13_with_hyphens_and_isbn_10_without_are_found():
    """Both written forms normalise to the ISBN-13."""
    ids = find_identifiers("请问 ISBN 978-7-02-000220-7 和 7020002207 有电子版吗？")
    assert ids.isbns == ("9787020002207",)


def test_issn_and_doi_are_found_and_normalised():
    """An ISSN with a hyphen and a DOI at the end of a sentence are picked up."""
    ids = find_identifiers("Is ISSN 0028-0836 (Nature) available? See doi 10.1038/nature14539.")
    assert ids.issns == ("0028-0836",)
    assert ids.dois == ("10.1038/nature14539",)


def test_numbers_with_bad_check_digits_are_not_identifiers():
    """A phone number or a wrong ISBN is not taken for one."""
    ids = find_identifiers("我的电话 13912345678，ISBN 978-7-02-000220-8")
    assert not ids


def test_computer_questions_infer_class_tp():
    """Chinese and English keyword tables agree on TP."""
    assert infer_clc("怎样学习 Python 编程和数据库设计？") == "TP"
    assert infer_clc("Where can I find books on machine learning algorithms?") == "TP"


def test_english_keywords_match_whole_words_only():
    """'start' does not make a question about art."""
    assert infer_clc("How do I start?") is None
    assert infer_clc("水稻栽培的土壤要求") == "S"


isbn13_st = st.integers(978000000000, 979999999999).map(lambda n: str(n) + ean.calc_check_digit(str(n)))
isbn13_st = isbn13_st.filter(stdnum_isbn.is_valid)
filler = st.text(st.sampled_from("请问这本书在哪里有馆藏 abc?,。"), max_size=20)


@given(isbn13_st, filler, filler, st.data())
def test_any_written_form_of_an_isbn_is_found_in_text(isbn13, before, after, data):
    """Every form a reader might type (10/13 digits, hyphens) yields the same ISBN-13."""
    form = data.draw(st.sampled_from(isbn_forms(isbn13)))
    assert find_identifiers(f"{before} {form} {after}").isbns == (isbn13,)
