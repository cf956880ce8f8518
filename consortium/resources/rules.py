"""The e-resource navigator's pure rules: the A–Z letter of a title (pinyin initial for
Chinese), the years a coverage statement spans, how a member gives access, and whether the
reader's home library gives it (``consortium.catalogue.access``, as on record pages).

No Flask, no database.
"""
import re
from dataclasses import dataclass

from pypinyin import Style, lazy_pinyin

from consortium.catalogue.access import access_for

FORMATS = ("database", "ejournal")
LETTERS = tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZ") + ("#",)
OTHER = "#"
# How a member gives access, by the push contract's ``access``: anyone (open), every
# member's readers (consortium-wide), or its own readers on its campus network or VPN.
WAYS = {"open": "open", "consortium": "consortium", "member": "campus"}
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")
_PRESENT = re.compile(r"present|至今|现在|now", re.IGNORECASE)


def letter_of(title: str | None) -> str:
    """The A–Z heading of a title: its first Latin letter, or the pinyin initial of its
    first Han character (中国知网 → Z); "#" for anything else (digits, other scripts)."""
    for char in (title or "").strip():
        if char.isascii() and char.isalpha():
            return char.upper()
        if "\u3400" <= char <= "\u9fff":
            initial = lazy_pinyin(char, style=Style.FIRST_LETTER)[0][:1].upper()
            return initial if initial in LETTERS else OTHER
        if char.isalnum():
            return OTHER
    return OTHER


def coverage_years(coverage: str | None) -> tuple[int | None, int | None, bool]:
    """The first and last year a coverage statement names, and whether it runs to the present
    ("1994-01-01 (vol. 1) – present" → (1994, None, True))."""
    years = [int(y) for y in _YEAR.findall(coverage or "")]
    present = bool(_PRESENT.search(coverage or ""))
    if not years:
        return None, None, present
    return min(years), (None if present else max(years)), present


def way_of(access: str | None) -> str:
    """``open``, ``consortium``, ``campus`` or ``unknown``."""
    return WAYS.get(access or "", "unknown")


def available_at(holdings: list[dict], home: str | None) -> bool:
    """The reader's home library gives access through at least one member's holding."""
    return any(access_for(h.get("access"), h["member"], home) in ("open", "yours") for h in holdings)


@dataclass(frozen=True)
class Span:
    first: int | None
    last: int | None
    present: bool


def merge_spans(coverages: list[str | None]) -> Span:
    """The widest span of several holdings' coverage statements."""
    spans = [coverage_years(c) for c in coverages]
    firsts = [s[0] for s in spans if s[0] is not None]
    lasts = [s[1] for s in spans if s[1] is not None]
    present = any(s[2] for s in spans)
    return Span(min(firsts) if firsts else None, None if present else (max(lasts) if lasts else None), present)
