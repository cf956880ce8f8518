"""Folding traditional to simplified Chinese: the quick path never changes OpenCC's answer."""
from hypothesis import given
from hypothesis import strategies as st

from search_index.analysis import folding


def _converter_keys() -> list[str]:
    converter = folding._t2s()
    converter.convert("繁")
    return [key for group in converter._dict_chain_data for (_, _, table) in group for key in table]


def test_folding_skips_the_converter_only_for_text_it_would_leave_alone():
    """Every key of OpenCC's t2s tables (each converted character and phrase) is still
    converted, alone and inside simplified text; plainly simplified text takes the quick path."""
    keys = _converter_keys()
    assert len(keys) > 4000 and folding._t2s_triggers() is not None
    converter = folding._t2s()
    for key in keys:
        for text in (key, f"图书{key}馆", f"{key}沈默"):
            assert folding.fold_chinese(text) == converter.convert(text), text
    assert folding.fold_chinese("沈默的图书馆") == "沉默的图书馆"  # a phrase of no converted character
    assert folding._t2s_triggers().isdisjoint("红楼梦 中国图书馆分类法")


_HAN_SAMPLE = "".join(sorted({ch for key in ("紅樓夢圖書館沈默有序乾隆", "红楼梦图书馆干隆的一了") for ch in key}))


@given(st.text(alphabet=_HAN_SAMPLE + "ab ·", max_size=12) | st.lists(
    st.sampled_from(["紅樓", "沈默", "有序", "乾隆", "图书", "一", "後", "后"]), max_size=6).map("".join))
def test_folding_agrees_with_the_converter(text):
    assert folding.fold_chinese(text) == folding._t2s().convert(text)
