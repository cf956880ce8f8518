"""Text folding: traditional → simplified Chinese (OpenCC) and comparison keys.

Pure functions over plain values; OpenCC's tables load on the first conversion, never at
import.
"""
import re
import unicodedata
from functools import lru_cache

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # lazily: the conversion tables load on first use

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _t2s_triggers() -> frozenset | None:
    """Characters without which OpenCC's t2s conversion changes nothing: every character it
    converts, and every character of a phrase it converts that holds none of those (沈默).
    None when the converter's tables are not laid out as expected (then every text is
    converted)."""
    converter = _t2s()
    converter.convert("繁")  # the tables load on the first conversion
    try:
        tables = [table for group in converter._dict_chain_data for (_, _, table) in group]
        keys = [key for table in tables for key in table]
    except (AttributeError, TypeError, ValueError):
        return None
    singles = {key for key in keys if len(key) == 1}
    triggers = set(singles)
    for key in keys:
        if len(key) > 1 and singles.isdisjoint(key):
            triggers.update(key)
    return frozenset(triggers) if singles else None


def fold_chinese(text: str) -> str:
    """Traditional → simplified Chinese (紅樓夢 → 红楼梦); other scripts unchanged. Text
    with no character OpenCC would convert (most catalogue text is simplified already) is
    returned as it is without running the converter's phrase matching (characters beyond
    the Basic Multilingual Plane, 𠁞, are converted like any other)."""
    if text.isascii():
        return text
    triggers = _t2s_triggers()
    if triggers is not None:
        return text if triggers.isdisjoint(text) else _t2s().convert(text)
    if not any("\u3400" <= ch <= "\u9fff" for ch in text):
        return text
    return _t2s().convert(text)


# Simplified characters that stand for one another in catalogue records and that OpenCC's
# t2s conversion leaves apart (or produces from a traditional phrase: 錢鍾書 → 钱锺书, while
# most records write 钱钟书): each folded to its common form, for index and query terms alike.
# Curated from the variant forms the 通用规范汉字表 (2013) restored for names.
VARIANTS = {
    "锺": "钟", "於": "于", "堃": "坤", "喆": "哲", "邨": "村", "仝": "同", "迺": "乃", "衞": "卫", "姪": "侄",
}
_VARIANT_TABLE = str.maketrans(VARIANTS)


def fold_variants(text: str) -> str:
    """Traditional → simplified (``fold_chinese``), then variant characters to their common
    form (``VARIANTS``): 錢鍾書, 钱锺书 and 钱钟书 all give 钱钟书."""
    return fold_chinese(text).translate(_VARIANT_TABLE)


@lru_cache(maxsize=65536)
def fold_key(text: str | None) -> str:
    """A comparison key: NFKC, simplified Chinese, case-folded, accents and punctuation gone.

    Cached: the same titles and names come again and again (every member that holds a book
    pushes its title; a prolific author's name is on many records), and OpenCC's conversion
    is the costly part of a push's matching."""
    if not text:
        return ""
    text = fold_chinese(unicodedata.normalize("NFKC", text))
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", text.casefold()).strip()


def exact_key(text: str | None) -> str:
    """What a title or a query is compared by for an exact match: ``fold_key`` of the
    variant-folded text without spaces (so 钱钟书围城, 錢鍾書 围城 and "Nature." compare equal to
    their indexed forms)."""
    if not text:
        return ""
    return fold_key(fold_variants(text)).replace(" ", "")
