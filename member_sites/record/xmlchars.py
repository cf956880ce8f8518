"""Characters a record's text may not carry: what XML 1.0 forbids, and lone surrogates.

Every feed, OAI-PMH response and MARCXML export of the consortium is XML, and XML 1.0 allows
only tab, line feed, carriage return and U+0020–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF. A
NUL or another C0 control character (common in ILS exports: MARC's own field and subfield
separators leak into text) would make every document holding the record unparseable. A lone
surrogate (U+D800–U+DFFF) is not text at all: it cannot be encoded as UTF-8, so no database,
JSON answer or XML document can hold it.
"""
import re

# Everything XML 1.0 forbids, lone surrogates included (they lie outside its ranges too).
_FORBIDDEN = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def first_forbidden(text: str) -> str | None:
    """The first character of ``text`` that XML 1.0 forbids, or None."""
    match = _FORBIDDEN.search(text)
    return match.group(0) if match else None


def first_surrogate(text: str) -> str | None:
    """The first lone surrogate of ``text`` (it cannot be written as UTF-8), or None."""
    match = _SURROGATE.search(text)
    return match.group(0) if match else None


def strip_forbidden(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids."""
    return _FORBIDDEN.sub("", text)


def codepoint(char: str) -> str:
    """``U+0000`` notation of one character, as people read it in an error."""
    return f"U+{ord(char):04X}"
