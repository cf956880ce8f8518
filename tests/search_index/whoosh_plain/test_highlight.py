"""Whoosh's highlighter with the merging formatter marks titles exactly as the fast path does."""
from hypothesis import given
from hypothesis import strategies as st

from search_index.whoosh_common.analyzers import text_analyzer
from search_index.whoosh_fast.highlight import highlight as fast_highlight
from search_index.whoosh_plain.highlight import highlight_title

WORDS = ["数据", "结构", "數據結構", "算法", "红楼梦", "紅樓夢", "Algorithms", "the", "naïve", "<b>", "&", "x", "12"]
ANALYZER = text_analyzer()


def terms_of(text: str) -> set[str]:
    return {t.text for t in ANALYZER(text, mode="query")}


def test_adjacent_and_overlapping_matches_are_one_mark():
    """数据 and 结构 matched in 数据结构 read as one marked word; the rest is escaped."""
    marked = highlight_title(ANALYZER, "数据结构 & <算法>", terms_of("数据 结构"))
    assert marked == "<mark>数据结构</mark> &amp; &lt;算法&gt;"
    assert highlight_title(ANALYZER, "Introduction", terms_of("algorithm")) is None


@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join),
       st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join))
def test_plain_highlights_equal_the_fast_ones(title, query):
    terms = terms_of(query)
    assert highlight_title(ANALYZER, title, terms) == fast_highlight(ANALYZER, title, terms)
