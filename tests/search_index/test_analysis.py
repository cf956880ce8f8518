"""Analysis of Chinese, Latin, identifiers and CLC numbers (no index needed)."""
from hypothesis import given
from hypothesis import strategies as st

from search_index import facets
from search_index.analysis import terms as analysis_terms
from search_index.analysis.folding import fold_variants
from search_index.whoosh_common import analyzers as analysis
from search_index.whoosh_common.facet_key import facet_key, split_counts


def texts(analyzer, value, mode="index"):
    return [t.text for t in analyzer(value, mode=mode)]


def test_traditional_and_simplified_give_the_same_terms():
    """紅樓夢 and 红楼梦 analyse alike, in both modes."""
    a = analysis.text_analyzer()
    assert texts(a, "紅樓夢") == texts(a, "红楼梦") == ["红楼", "楼梦", "红楼梦"]
    assert texts(a, "紅樓夢", "query") == texts(a, "红楼梦", "query")


def test_jieba_words_are_optional_at_query_time():
    """Bigrams are required, jieba's longer words only boost."""
    tokens = [(t.text, t.optional) for t in analysis.text_analyzer()("数据结构", mode="query")]
    assert ("数据", False) in tokens and ("数据结构", True) in tokens


def test_latin_words_are_lowercased_accent_folded_stemmed_and_stopped():
    """"The Cafés of Algorithms" → cafe, algorithm, and their shingle (stop words left out)."""
    assert texts(analysis.text_analyzer(), "The Cafés of Algorithms") == ["cafe", "algorithm", "cafe algorithm"]
    assert texts(analysis.text_analyzer(), "The Cafés of Algorithms", "query") == ["cafe", "algorithm"]


def test_a_han_run_breaks_the_shingle_chain():
    """Latin words on either side of Chinese text are not one phrase."""
    terms = texts(analysis.text_analyzer(), "open 开源 source code")
    assert "sourc code" in terms and "open sourc" not in terms


def test_han_beyond_the_basic_plane_is_han_next_to_a_digit():
    """An Extension B character (𠮷), or a traditional one OpenCC folds beyond the BMP
    (痮 → 𪽪), forms bigrams with its run and is no word of the digit before it: no
    shingle in the index, none asked by a quoted phrase."""
    a = analysis.text_analyzer()
    assert texts(a, "版本2𠮷字考") == ["版本", "2", "𠮷字", "字考"]
    assert texts(a, "第0痮集") == texts(a, "第0𪽪集") == ["第", "0", "𪽪集"]
    assert analysis_terms.phrase_terms(texts(a, "0痮", "query")) == ["0", "𪽪"]
    assert analysis_terms.index_terms("0痮") == (("0", 1), ("𪽪", 1))


def test_every_han_character_folds_to_han_characters():
    """What the shingle filter and quoted phrases rely on: every term of a Han run is Han by
    its text, also where OpenCC folds a character beyond the BMP (痮 → 𪽪, 頫 → 𫖯)."""
    blocks = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00), (0x20000, 0x20100), (0x2A700, 0x2A800))
    chars = [chr(code) for start, end in blocks for code in range(start, end)]
    assert fold_variants("痮頫") == "𪽪𫖯"
    assert [ch for ch in chars if not all(analysis_terms.is_han(folded) for folded in fold_variants(ch))] == []
    assert not analysis_terms.is_han("0") and not analysis_terms.is_han("a𠮷")


def test_variant_characters_fold_to_one_form_in_both_scripts():
    """錢鍾書, 钱锺书 and 钱钟书 give the same terms, indexed and queried."""
    a = analysis.text_analyzer()
    for mode in ("index", "query"):
        assert texts(a, "錢鍾書", mode) == texts(a, "钱锺书", mode) == texts(a, "钱钟书", mode)


def test_a_phrase_requires_its_words_bigrams_and_shingles_but_not_jieba_words():
    """The terms of a quoted phrase: words, Han bigrams and the shingles of Latin words in a row."""
    tokens = texts(analysis.text_analyzer(), "红楼梦 open source software", "query")
    assert analysis_terms.phrase_terms(tokens) == ["红楼", "楼梦", "open", "sourc", "open sourc", "softwar",
                                                   "sourc softwar"]


def test_full_width_latin_is_folded():
    """Full-width letters typed with a Chinese input method match ASCII."""
    assert texts(analysis.text_analyzer(), "ＡＬＧＯＲＩＴＨＭＳ") == ["algorithm"]


def test_isbn_is_indexed_in_every_form_and_queried_as_isbn13():
    """The ISBN-13 of a work yields its 13- and 10-digit forms; a hyphenated ISBN-10 query
    becomes the ISBN-13."""
    indexed = texts(analysis.identifier_analyzer(), "9787020002207")
    assert indexed == ["702000220X", "9787020002207"]
    assert texts(analysis.identifier_analyzer(), "7-02-000220-x", "query") == ["9787020002207"]


def test_clc_is_indexed_hierarchically():
    """TP311.13 is found under T, TP, TP3 … TP311.13."""
    indexed = texts(analysis.clc_analyzer(), "TP311.13")
    assert {"T", "TP", "TP3", "TP31", "TP311", "TP311.1", "TP311.13"} == set(indexed)
    assert texts(analysis.clc_analyzer(), "tp3", "query") == ["TP3"]


def test_importing_analysis_does_not_load_jieba():
    """The dictionary loads on first use, never at import."""
    import subprocess
    import sys

    code = ("import search_index.analysis.terms, search_index.whoosh_common.analyzers, sys; "
            "print('jieba' in sys.modules, 'opencc' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False False"


@given(st.text(max_size=60))
def test_any_text_analyses_without_error_with_offsets_inside_the_text(text):
    """Arbitrary text never breaks the analyzer; character offsets stay inside the NFKC text."""
    for token in analysis.text_analyzer()(text, chars=True, mode="query"):
        assert 0 <= token.startchar <= token.endchar and token.text


@given(st.lists(st.tuples(st.sets(st.sampled_from("ABCD"), min_size=1), st.sampled_from(["book", "ebook"]),
                          st.integers(1, 5)), max_size=10))
def test_split_facet_counts_sum_per_value(rows):
    """Counting combined keys then splitting equals counting each facet directly."""
    keys: dict[str, int] = {}
    for members, fmt, n in rows:
        key = facet_key({"member": tuple(sorted(members)), "format": (fmt,), "language": ("chi",), "clc": ("T",),
                         "clc_sub": ("TP",), "year": ("2000",), "available": ("1",)})
        keys[key] = keys.get(key, 0) + n
    rows_by_facet = facets.facet_rows(split_counts(keys))
    for code in "ABCD":
        expected = sum(n for members, _f, n in rows if code in members)
        got = {r.value: r.count for r in rows_by_facet["member"]}.get(code, 0)
        assert got == expected
    assert sum(r.count for r in rows_by_facet["format"]) == sum(n for *_x, n in rows)


def test_a_writer_process_is_prepared_before_its_first_batch():
    """``consortium worker`` loads the dictionaries and tunes the collector when it starts."""
    import gc

    from consortium.search.operations import prepare_writer_process
    from consortium.server import GC_THRESHOLD

    before = gc.get_threshold()
    try:
        prepare_writer_process()
        assert gc.get_threshold() == GC_THRESHOLD != before
        assert analysis_terms._jieba is not None
    finally:
        gc.set_threshold(*before)
