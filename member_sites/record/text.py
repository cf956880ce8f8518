"""Text values: the one way a record's text is trimmed and normalised."""
import re
import unicodedata

_SPACE = re.compile(r"\s+")


def clean_text(value) -> str | None:
    """NFC, trimmed, inner whitespace collapsed; None for an empty value."""
    if value is None:
        return None
    text = _SPACE.sub(" ", unicodedata.normalize("NFC", str(value))).strip()
    return text or None
