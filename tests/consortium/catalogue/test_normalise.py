"""Pure normalisation: identifiers, CLC, language and comparison keys."""
import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import isbn as stdnum_isbn

from consortium.catalogue import normalise

isbn9 = st.text(alphabet="0123456789", min_size=9, max_size=9)


def _isbn10(body: str) -> str:
    """ISBN-10 check digit: weights 10..2, modulo 11, 10 written as X."""
    check = (11 - sum((10 - i) * int(d) for i, d in enumerate(body)) % 11) % 11
    return body + ("X" if check == 10 else str(check))


@given(isbn9)
def test_isbn10_and_its_isbn13_normalise_to_the_same_value(body):
    """Any valid ISBN-10, hyphenated or not, normalises to the ISBN-13 of the same book."""
    ten = _isbn10(body)
    thirteen = stdnum_isbn.to_isbn13(ten)
    assert normalise.normalise_isbn(ten) == thirteen
    assert normalise.normalise_isbn(f"{ten[0]}-{ten[1:4]}-{ten[4:9]}-{ten[9]}") == thirteen
    assert normalise.normalise_isbn(thirteen) == thirteen


@given(st.text(alphabet="0123456789", min_size=13, max_size=13)
       | st.tuples(st.sampled_from(["978", "979", "977"]), st.text(alphabet="0123456789", min_size=10, max_size=10))
       .map("".join)
       | st.sampled_from(
    ["9780000000002", "9787020002207", "9791234567896", "979-1-234-56789-6", "9787020002208"]))
def test_thirteen_digit_isbns_are_judged_as_stdnum_judges_them(text):
    """The quick path for a plain ISBN-13 accepts and rejects exactly what stdnum does."""
    try:
        expected = stdnum_isbn.validate(text, convert=True)
    except Exception:
        expected = None
    normalise.normalise_isbn.cache_clear()
    try:
        ours = normalise.normalise_isbn(text)
    except ValueError:
        ours = None
    assert ours == expected


@given(isbn9, st.integers(min_value=1, max_value=9))
def test_isbn_with_a_changed_check_digit_is_rejected(body, shift):
    """A single wrong check digit is reported as a bad check digit."""
    good = _isbn10(body)
    digits = "0123456789X"
    bad = good[:9] + digits[(digits.index(good[9]) + shift) % 11]
    with pytest.raises(ValueError, match="check digit"):
        normalise.normalise_isbn(bad)


def test_isbn_qualifier_after_the_number_is_ignored():
    """MARC 020 values such as '7-02-000220-X (pbk.)' still yield the ISBN."""
    assert normalise.normalise_isbn("7-02-000220-X (pbk.)") == "9787020002207"


def test_isbn_forms_cover_every_written_form():
    """An ISBN-13 is findable by its 10- and 13-digit forms, hyphenated or not."""
    forms = normalise.isbn_forms("9787020002207")
    assert {"9787020002207", "978-7-02-000220-7", "702000220X", "7-02-000220-X"} <= set(forms)


@pytest.mark.parametrize("raw", ["12345", "abcdefghij", "978702000220"])
def test_non_isbns_are_rejected_with_a_reason(raw):
    with pytest.raises(ValueError, match="not an ISBN"):
        normalise.normalise_isbn(raw)


def test_issn_is_formatted_and_checked():
    assert normalise.normalise_issn("00280836") == "0028-0836"
    with pytest.raises(ValueError, match="check digit"):
        normalise.normalise_issn("0028-0837")


@pytest.mark.parametrize("raw, expected", [
    ("tp311.13", "TP311.13"), (" I242.4 ", "I242.4"), ("Ｋ８２５．６", "K825.6"),
    ("D922.291.91-44", "D922.291.91-44"), ("F0", "F0"), ("O4-0", "O4-0"), ("I561.45=533", "I561.45=533"),
])
def test_clc_class_numbers_are_normalised(raw, expected):
    assert normalise.normalise_clc(raw) == expected


@pytest.mark.parametrize("raw", ["L123", "123", "", "TP 3 11 $", "W1"])
def test_things_that_are_not_clc_numbers_are_rejected(raw):
    with pytest.raises(ValueError, match="CLC"):
        normalise.normalise_clc(raw)


def test_clc_prefixes_run_from_main_class_to_the_full_number():
    assert normalise.clc_prefixes("TP311.13") == ("T", "TP", "TP3", "TP31", "TP311", "TP311.1", "TP311.13")
    assert normalise.clc_prefixes("D922.291.91-44")[-1] == "D922.291.91"


@pytest.mark.parametrize("raw, expected", [("zh", "chi"), ("en", "eng"), ("zho", "chi"), ("chi", "chi"), ("FR", "fre")])
def test_languages_become_marc_codes(raw, expected):
    assert normalise.normalise_language(raw) == expected


def test_unknown_language_code_is_rejected():
    with pytest.raises(ValueError, match="ISO 639"):
        normalise.normalise_language("xx")


def test_traditional_and_simplified_titles_share_a_key():
    """紅樓夢 and 红楼梦 are one title for matching."""
    assert normalise.fold_key("紅樓夢") == normalise.fold_key("红楼梦") == "红楼梦"


def test_author_key_ignores_name_order_dates_and_punctuation():
    assert normalise.author_key("Knuth, Donald E., 1938-") == normalise.author_key("Donald E. Knuth")


@given(st.text(max_size=40))
def test_clean_text_is_idempotent(text):
    once = normalise.clean_text(text)
    assert normalise.clean_text(once) == once


def _converter_keys() -> list[str]:
    converter = normalise._t2s()
    converter.convert("繁")
    return [key for group in converter._dict_chain_data for (_, _, table) in group for key in table]


def test_folding_skips_the_converter_only_for_text_it_would_leave_alone():
    """Every key of OpenCC's t2s tables (each converted character and phrase) is still
    converted, alone and inside simplified text; plainly simplified text takes the quick path."""
    keys = _converter_keys()
    assert len(keys) > 4000 and normalise._t2s_triggers() is not None
    converter = normalise._t2s()
    for key in keys:
        for text in (key, f"图书{key}馆", f"{key}沈默"):
            assert normalise.fold_chinese(text) == converter.convert(text), text
    assert normalise.fold_chinese("沈默的图书馆") == "沉默的图书馆"  # a phrase of no converted character
    assert normalise._t2s_triggers().isdisjoint("红楼梦 中国图书馆分类法")


_HAN_SAMPLE = "".join(sorted({ch for key in ("紅樓夢圖書館沈默有序乾隆", "红楼梦图书馆干隆的一了") for ch in key}))


@given(st.text(alphabet=_HAN_SAMPLE + "ab ·", max_size=12) | st.lists(
    st.sampled_from(["紅樓", "沈默", "有序", "乾隆", "图书", "一", "後", "后"]), max_size=6).map("".join))
def test_folding_agrees_with_the_converter(text):
    assert normalise.fold_chinese(text) == normalise._t2s().convert(text)
