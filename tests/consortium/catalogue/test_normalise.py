"""Matching keys: titles folded as search folds them, names in either order."""
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
