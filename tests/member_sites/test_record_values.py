"""The record package's value rules: ISBN, ISSN, CLC, language codes, text, dates."""
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import ean as stdnum_ean
from stdnum import isbn as stdnum_isbn

from member_sites.record import dates, errors
from member_sites.record.clc import clc_prefixes, normalise_clc
from member_sites.record.identifiers import ean13_check_digit, isbn_forms, normalise_isbn, normalise_issn
from member_sites.record.language import normalise_language
from member_sites.record.text import clean_text

digits = st.text(alphabet="0123456789", min_size=9, max_size=9)


def _isbn10(body: str) -> str:
    """ISBN-10 check digit: weights 10..2, modulo 11, 10 written as X."""
    check = (11 - sum((10 - i) * int(d) for i, d in enumerate(body)) % 11) % 11
    return body + ("X" if check == 10 else str(check))


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_the_ean13_check_digit_is_stdnums(twelve):
    """The one check-digit computation agrees with stdnum's EAN."""
    assert ean13_check_digit(twelve) == stdnum_ean.calc_check_digit(twelve)


@given(digits)
def test_isbn10_and_its_isbn13_normalise_to_the_same_value(body):
    """Any valid ISBN-10, hyphenated or not, normalises to the ISBN-13 of the same book."""
    ten = _isbn10(body)
    thirteen = stdnum_isbn.to_isbn13(ten)
    assert normalise_isbn(ten) == thirteen
    assert normalise_isbn(f"{ten[0]}-{ten[1:4]}-{ten[4:9]}-{ten[9]}") == thirteen
    assert normalise_isbn(thirteen) == thirteen


@given(st.text(alphabet="0123456789", min_size=13, max_size=13)
       | st.tuples(st.sampled_from(["978", "979", "977"]), st.text(alphabet="0123456789", min_size=10, max_size=10))
       .map("".join)
       | st.sampled_from(["9780000000002", "9787020002207", "9791234567896", "979-1-234-56789-6", "9787020002208"]))
def test_thirteen_digit_isbns_are_judged_as_stdnum_judges_them(text):
    """The fast path for a plain ISBN-13 accepts and rejects exactly what stdnum does."""
    try:
        expected = stdnum_isbn.validate(text, convert=True)
    except Exception:
        expected = None
    normalise_isbn.cache_clear()
    try:
        ours = normalise_isbn(text)
    except errors.InvalidISBN:
        ours = None
    assert ours == expected


@given(digits, st.integers(min_value=1, max_value=9))
def test_isbn_with_a_changed_check_digit_is_rejected(body, shift):
    """A single wrong check digit is reported as a bad check digit."""
    good = _isbn10(body)
    alphabet = "0123456789X"
    bad = good[:9] + alphabet[(alphabet.index(good[9]) + shift) % 11]
    with pytest.raises(errors.InvalidISBN, match="check digit"):
        normalise_isbn(bad)


def test_isbn_qualifier_after_the_number_is_ignored():
    """MARC 020 values such as '7-02-000220-X (pbk.)' still yield the ISBN."""
    assert normalise_isbn("7-02-000220-X (pbk.)") == "9787020002207"


def test_isbn_forms_cover_every_written_form():
    """An ISBN-13 is findable by its 10- and 13-digit forms, hyphenated or not."""
    assert {"9787020002207", "978-7-02-000220-7", "702000220X", "7-02-000220-X"} <= set(isbn_forms("9787020002207"))


@pytest.mark.parametrize("raw", ["12345", "abcdefghij", "978702000220"])
def test_non_isbns_are_rejected_with_a_reason(raw):
    with pytest.raises(errors.InvalidISBN, match="not an ISBN"):
        normalise_isbn(raw)


def test_issn_is_formatted_and_checked():
    assert normalise_issn("00280836") == "0028-0836"
    with pytest.raises(errors.InvalidISSN, match="check digit"):
        normalise_issn("0028-0837")
    with pytest.raises(errors.InvalidISSN, match="not an ISSN"):
        normalise_issn("123")


@pytest.mark.parametrize("raw, expected", [
    ("tp311.13", "TP311.13"), (" I242.4 ", "I242.4"), ("Ｋ８２５．６", "K825.6"),
    ("D922.291.91-44", "D922.291.91-44"), ("F0", "F0"), ("O4-0", "O4-0"), ("I561.45=533", "I561.45=533"),
])
def test_clc_class_numbers_are_normalised(raw, expected):
    assert normalise_clc(raw) == expected


@pytest.mark.parametrize("raw", ["L123", "123", "", "TP 3 11 $", "W1"])
def test_things_that_are_not_clc_numbers_are_rejected(raw):
    with pytest.raises(errors.InvalidCLC, match="CLC"):
        normalise_clc(raw)


def test_clc_prefixes_run_from_main_class_to_the_full_number():
    assert clc_prefixes("TP311.13") == ("T", "TP", "TP3", "TP31", "TP311", "TP311.1", "TP311.13")
    assert clc_prefixes("D922.291.91-44")[-1] == "D922.291.91"


@pytest.mark.parametrize("raw, expected", [("zh", "chi"), ("en", "eng"), ("zho", "chi"), ("chi", "chi"), ("FR", "fre")])
def test_languages_become_marc_codes(raw, expected):
    assert normalise_language(raw) == expected


def test_unknown_language_code_is_rejected():
    with pytest.raises(errors.UnknownLanguage, match="ISO 639"):
        normalise_language("xx")


@given(st.text(max_size=40))
def test_clean_text_is_idempotent(text):
    once = clean_text(text)
    assert clean_text(once) == once


def test_acquisitions_may_be_dated_tomorrow_but_no_later():
    """Tomorrow is today somewhere; the day after is in the future everywhere."""
    today = dt.date.today()
    assert dates.check_acquired_on(today + dt.timedelta(days=1))
    with pytest.raises(errors.FutureDate, match="in the future"):
        dates.check_acquired_on(today + dt.timedelta(days=2))


def test_every_record_error_is_a_value_error():
    """Callers that only need usable-or-not catch ValueError."""
    for leaf in (errors.InvalidISBN, errors.InvalidISSN, errors.InvalidCLC, errors.UnknownLanguage,
                 errors.FutureDate, errors.InvalidValue):
        assert issubclass(leaf, errors.RecordError) and issubclass(leaf, ValueError)
