"""Matching keys: titles folded as search folds them, names in either order, serial titles as
their ISSN's holders spell them, title words, edition numbers."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from consortium.catalogue import normalise
from search_index.analysis.folding import fold_key


def test_traditional_and_simplified_titles_share_a_key():
    """紅樓夢 and 红楼梦 are one title for matching."""
    assert fold_key("紅樓夢") == fold_key("红楼梦") == "红楼梦"


def test_author_key_ignores_name_order_dates_and_punctuation():
    assert normalise.author_key("Knuth, Donald E., 1938-") == normalise.author_key("Donald E. Knuth")


def test_match_key_is_folded_title_first_author_and_year():
    assert normalise.match_key("紅樓夢", ["曹雪芹"], 1982) == normalise.match_key("红楼梦 ", ["曹 雪芹"], 1982)
    assert normalise.match_key("红楼梦", ["曹雪芹"], None) == "红楼梦|曹雪芹|"
    assert normalise.match_key("红楼梦", [], None) is None  # a title alone names many works


def test_a_title_alone_is_no_key_but_a_year_is_enough():
    """"Oasis" the 2004 e-journal and "Oasis" the 1837 periodical have no author: only a year keys them."""
    assert normalise.match_key("Oasis (via EBSCO Host)", [], None) is None
    assert normalise.match_key("Oasis", [], 1837) != normalise.match_key("Oasis", [], 2004)


@pytest.mark.parametrize("statement, number", [
    ("2nd ed.", 2), ("Second edition", 2), ("3. Aufl.", 3), ("3d. ed. --", 3), ("2e éd.", 2),
    ("Deuxième édition", 2), ("第二版", 2), ("第2版", 2), ("第十二版", 12), ("新1版", 1), ("First edition.", 1),
    ("2nd ed., rev.", 2), ("Large print ed.", None), ("1985 ed.", None), ("2000 Modern Library paperback ed.", None),
    ("10th anniversary limited collector's ed.", None), ("修订版", None), ("", None), (None, None),
])
def test_edition_numbers_are_read_in_the_catalogue_s_languages(statement, number):
    assert normalise.edition_number(statement) == number


@given(st.integers(1, 99))
def test_every_way_of_writing_an_edition_number_reads_the_same(n):
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10 if n % 100 not in (11, 12, 13) else 0, "th")
    forms = [f"{n}{suffix} ed.", f"{n}. Aufl.", f"第{n}版", f"{n}版", f"{n}th edition"]
    assert {normalise.edition_number(form) for form in forms} == {n}


def test_only_two_stated_numbers_make_different_editions():
    assert normalise.editions_differ(2, 3)
    assert not normalise.editions_differ(2, None) and not normalise.editions_differ(None, None)


@pytest.mark.parametrize("a, b", [
    ("Orbis : A Journal of World Affairs", "Orbis."),
    ("Journal of Medicine and Philosophy, The", "The Journal of Medicine and Philosophy (via EBSCO Host)"),
    ("International & Comparative Law Quarterly", "International and Comparative Law Quarterly (via Hein Online)"),
    ("Language (aktuelle Jahrgänge)", "Language (ältere Jahrgänge via JSTOR)"),
    ("Eighteenth-Century Music", "Eighteenth Century Music"),
    ("Symposium: A Quarterly Journal in Modern Literatures", "Symposium. (via EBSCO Host)"),
])
def test_a_serial_title_key_ignores_provider_notes_subtitles_and_articles(a, b):
    assert normalise.serial_title_key(a) == normalise.serial_title_key(b)


@pytest.mark.parametrize("a, b", [
    ("Journal of Geophysical Research JGR / A - Space Physics", "Journal of Geophysical Research JGR / B - Solid Earth"),
    ("Journal of Physics A", "Journal of Physics B"),
    ("OECD Economic Surveys: India", "OECD Economic Surveys: Bulgaria"),
    ("OECD Economic Surveys", "OECD Economic Surveys: India"),
    ("Journal of Mass Media Ethics", "Journal of Media Ethics (Formerly: Journal of Mass Media Ethics)"),
    ("Latin Trade (Spanish) (via EBSCO Host)", "Latin trade (via EBSCO Host)"),
])
def test_a_serial_title_key_keeps_sections_and_country_reports_apart(a, b):
    assert normalise.serial_title_key(a) != normalise.serial_title_key(b)


def test_title_words_leave_out_stopwords_and_pair_chinese_characters():
    assert normalise.title_tokens("Surgical anatomy and technique: a pocket manual") == {
        "surgical", "anatomy", "technique", "pocket", "manual"}
    assert normalise.title_tokens("紅樓夢") == {"红楼", "楼梦"}
    assert normalise.titles_share_words(normalise.title_tokens("水浒传"), normalise.title_tokens("水浒全传"))
    assert not normalise.titles_share_words(normalise.title_tokens("The art of war"),
                                            normalise.title_tokens("A history of the world"))


@given(st.text(max_size=30))
def test_title_words_never_include_a_stopword_or_a_single_letter(text):
    for token in normalise.title_tokens(text):
        assert token not in normalise.STOPWORDS and len(token) >= 1
        assert len(token) > 1 or "\u3400" <= token <= "\U0002ffff"


@pytest.mark.parametrize("a, b, same", [
    ("译林出版社", "上海译文出版社", False), ("天津人民出版社", "陕西师范大学出版总社", False),
    ("人民文学出版社", "天津人民出版社", False), ("生活·读书·新知三联书店", "三联书店", True),
    ("上海译文出版社", "上海译文", True), ("Knopf", "Alfred A. Knopf", True),
    ("Bloomsbury", "Bloomsbury Publishing PLC", True), ("Oxford University Press", "Oxford Univ. Press", True),
    ("Simon & Schuster", "Little, Brown", False), ("", "Knopf", True),
])
def test_publishers_are_compared_by_their_names_not_by_the_word_press(a, b, same):
    assert normalise.publishers_agree(normalise.publisher_key(a), normalise.publisher_key(b)) is same
