"""Comparison keys: folded titles and names (identifiers are tested with the record package)."""
from hypothesis import given
from hypothesis import strategies as st

from consortium.catalogue import normalise


def test_traditional_and_simplified_titles_share_a_key():
    """紅樓夢 and 红楼梦 are one title for matching."""
    assert normalise.fold_key("紅樓夢") == normalise.fold_key("红楼梦") == "红楼梦"


def test_author_key_ignores_name_order_dates_and_punctuation():
    assert normalise.author_key("Knuth, Donald E., 1938-") == normalise.author_key("Donald E. Knuth")


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
