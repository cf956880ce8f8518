"""Pure normalisation of record values: identifiers, classification, language, text keys.

Every function takes and returns plain values and raises ``ValueError`` with a reader-facing
message when a value cannot be used. No Flask, no database.
"""
import re
import unicodedata
from functools import lru_cache

from stdnum import isbn as stdnum_isbn
from stdnum import issn as stdnum_issn
from stdnum.exceptions import InvalidChecksum, ValidationError

# Folding is analysis and lives with it; re-exported here until call sites import it there.
from search_index.analysis.folding import _t2s, _t2s_triggers, fold_chinese, fold_key  # noqa: F401

# CLC (中图法) class numbers: a main class letter (no L, M, W, Y), an optional second letter
# (TP, TN, ...), digits with dotted extensions, then the auxiliary-table notations the
# schedules use (-, =, (), "", <>, :, +, /).
_CLC_RE = re.compile(r"^[A-KN-VXZ][A-Z]?(\d+(\.\d+)*)?([-=()\"<>:+/.\dA-Z]*)$")
_ISBN_LEAD = re.compile(r"^[\s]*([0-9Xx][0-9Xx\-\s]{8,20}[0-9Xx])")
_SPACE_RE = re.compile(r"\s+")


def clean_text(value: str | None) -> str | None:
    """NFC, trimmed, inner whitespace collapsed; None for an empty value."""
    if value is None:
        return None
    text = _SPACE_RE.sub(" ", unicodedata.normalize("NFC", str(value))).strip()
    return text or None


@lru_cache(maxsize=65536)
def normalise_isbn(raw: str) -> str:
    """Return the ISBN-13 for an ISBN-10 or -13 written with or without hyphens.

    A trailing qualifier such as ``(pbk.)`` is ignored; a bad checksum is an error.
    """
    text = unicodedata.normalize("NFKC", str(raw))
    match = _ISBN_LEAD.match(text)
    candidate = match.group(1) if match else text
    if len(candidate) == 13 and candidate.isdigit() and candidate[:3] in ("978", "979") \
            and _ean_check(candidate[:12]) == candidate[12]:
        return candidate  # already a valid ISBN-13 (most pushed ISBNs): stdnum would return it as is
    try:
        return stdnum_isbn.validate(candidate, convert=True)  # compacted, checked, as ISBN-13
    except InvalidChecksum:
        raise ValueError(f"ISBN {raw!r} has a bad check digit.") from None
    except ValidationError:
        raise ValueError(f"{raw!r} is not an ISBN (10 or 13 digits).") from None


def _ean_check(digits: str) -> str:
    """The EAN-13 check digit of twelve digits (weights 1, 3, 1, 3, ...)."""
    return str(-sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10)


def isbn_forms(isbn13: str) -> list[str]:
    """Every written form of an ISBN-13 a reader might type: 13 and 10 digits, hyphenated."""
    forms = {isbn13, stdnum_isbn.format(isbn13)}
    isbn10 = stdnum_isbn.to_isbn10(isbn13) if isbn13.startswith("978") else None
    if isbn10:
        forms.update({isbn10, stdnum_isbn.format(isbn10)})
    return sorted(forms)


@lru_cache(maxsize=16384)
def normalise_issn(raw: str) -> str:
    """Return the ISSN as ``NNNN-NNNC``; a bad checksum is an error."""
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    try:
        return stdnum_issn.format(stdnum_issn.validate(text))
    except InvalidChecksum:
        raise ValueError(f"ISSN {raw!r} has a bad check digit.") from None
    except ValidationError:
        raise ValueError(f"{raw!r} is not an ISSN (8 characters).") from None


def normalise_clc(raw: str) -> str:
    """Return a CLC class number upper-cased without spaces; reject what is not one."""
    text = unicodedata.normalize("NFKC", str(raw)).upper().replace(" ", "")
    if not text or not _CLC_RE.match(text):
        raise ValueError(f"{raw!r} is not a CLC (中图法) class number such as TP311.13.")
    return text


@lru_cache(maxsize=16384)
def clc_prefixes(clc: str) -> tuple[str, ...]:
    """Hierarchy of a class number, broadest first: TP311.13 → T, TP, TP3, TP31, TP311, TP311.1, TP311.13.
    Cached (a catalogue uses a few thousand class numbers over and over)."""
    core = re.match(r"[A-Z]+[\d.]*", clc)
    text = core.group(0).rstrip(".") if core else clc
    prefixes = []
    for end in range(1, len(text) + 1):
        piece = text[:end]
        if not piece.endswith("."):
            prefixes.append(piece)
    return tuple(prefixes)


@lru_cache(maxsize=512)
def normalise_language(raw: str) -> str:
    """Return the ISO 639-2/B code (MARC's) for an ISO 639-1 or 639-2 code."""
    import pycountry  # loads its tables on first use, never at import

    code = str(raw).strip().lower()
    lang = None
    if len(code) == 2:
        lang = pycountry.languages.get(alpha_2=code)
    elif len(code) == 3:
        lang = pycountry.languages.get(alpha_3=code) or _by_bibliographic(pycountry, code)
    if lang is None:
        raise ValueError(f"{raw!r} is not an ISO 639-1 or 639-2 language code.")
    return getattr(lang, "bibliographic", None) or lang.alpha_3


def _by_bibliographic(pycountry, code):
    for lang in pycountry.languages:
        if getattr(lang, "bibliographic", None) == code:
            return lang
    return None


def author_key(author: str | None) -> str:
    """Key of a personal name in either order: "Knuth, Donald E., 1938-" == "Donald E. Knuth"."""
    key = re.sub(r"\d+", " ", fold_key(author))
    return " ".join(sorted(key.split()))


def match_key(title: str, authors: list[str], year: int | None) -> str:
    """Normalised title + first author + year: the last-resort identity of a work."""
    first = authors[0] if authors else ""
    return "|".join((fold_key(title).replace(" ", ""), author_key(first).replace(" ", ""), str(year or "")))
