"""Text values: the one way a record's text is trimmed and normalised."""
import html
import re
import unicodedata

_SPACE = re.compile(r"\s+")
# what members' exports carry escaped: HTML/XML character references (``&#268;``, ``&quot;``)
# and backslash escapes of a quote or a backslash (``L\'Hebdo``); ``\n``, ``\t`` stand for space
_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?")
_BACKSLASH = re.compile(r"\\(['\"\\/])|\\[nrt]")
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def decode_escapes(text: str) -> str:
    """Character references and backslash escapes decoded until none is left (``&amp;#268;``
    → ``Č``), so decoding a decoded value changes nothing; control characters a reference
    stood for are dropped."""
    while "&" in text or "\\" in text:
        decoded = _BACKSLASH.sub(lambda m: m.group(1) or " ", _ENTITY.sub(_unescape, text))
        if decoded == text:
            break
        text = decoded
    return _CONTROLS.sub("", text)


def _unescape(match: re.Match) -> str:
    return html.unescape(match.group(0))


def clean_text(value, decode: bool = True) -> str | None:
    """Escapes decoded (``decode_escapes``; not for identifiers such as a local id or a URL),
    NFC, trimmed, inner whitespace collapsed; None for an empty value."""
    if value is None:
        return None
    text = str(value)
    if decode:
        text = decode_escapes(text)
    text = _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()
    return text or None
