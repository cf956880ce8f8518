"""Minimal ISBN and CLC helpers for analysis and query parsing (a stop-gap shim).

TODO(record): import from member_sites.record — the shared record contract (ISBN/ISSN/CLC/
language helpers, declared once) is being written on another branch; until it lands this
module wraps python-stdnum for exactly what ``search_index`` needs, and nothing else.
"""
import re
import unicodedata
from functools import lru_cache

from stdnum import isbn as stdnum_isbn
from stdnum.exceptions import ValidationError

_ISBN_LEAD = re.compile(r"^[\s]*([0-9Xx][0-9Xx\-\s]{8,20}[0-9Xx])")
_CLC_CORE = re.compile(r"[A-Z]+[\d.]*")


@lru_cache(maxsize=65536)
def normalise_isbn(raw: str) -> str:
    """The ISBN-13 of an ISBN-10 or -13 written with or without hyphens (a trailing
    qualifier such as ``(pbk.)`` is ignored); ``ValueError`` when it is not one."""
    text = unicodedata.normalize("NFKC", str(raw))
    match = _ISBN_LEAD.match(text)
    try:
        return stdnum_isbn.validate(match.group(1) if match else text, convert=True)
    except ValidationError:
        raise ValueError(f"{raw!r} is not a valid ISBN.") from None


@lru_cache(maxsize=16384)
def clc_prefixes(clc: str) -> tuple[str, ...]:
    """The hierarchy of a CLC class number, broadest first: TP311.13 → T, TP, TP3, TP31,
    TP311, TP311.1, TP311.13."""
    core = _CLC_CORE.match(clc)
    text = core.group(0).rstrip(".") if core else clc
    return tuple(text[:end] for end in range(1, len(text) + 1) if not text[:end].endswith("."))
