"""Pure comparison keys of records: a personal name in either order, and the title + first
author + year key that matching falls back on.

Text is folded (traditional → simplified Chinese, case, accents, punctuation) by the search
analysis's ``fold_key``, so a work matches on the same forms readers search by; identifiers,
class numbers and language codes are the record contract's (``member_sites.record``).
"""
import re

from search_index.analysis.folding import fold_key


def author_key(author: str | None) -> str:
    """Key of a personal name in either order: "Knuth, Donald E., 1938-" == "Donald E. Knuth"."""
    key = re.sub(r"\d+", " ", fold_key(author))
    return " ".join(sorted(key.split()))


def match_key(title: str, authors: list[str], year: int | None) -> str:
    """Normalised title + first author + year: the last-resort identity of a work."""
    first = authors[0] if authors else ""
    return "|".join((fold_key(title).replace(" ", ""), author_key(first).replace(" ", ""), str(year or "")))
