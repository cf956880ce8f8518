"""Small helpers to write XML text safely: escaping, and dropping characters XML 1.0 forbids.

Pushed records are untrusted text; a stray control character (common in ILS exports) would
make the whole OAI response unparseable for the harvester, so it is removed, never emitted.
"""
from xml.sax.saxutils import escape, quoteattr

from member_sites.record.xmlchars import strip_forbidden


def clean(text) -> str:
    """``text`` as a string with every character XML 1.0 forbids removed."""
    return strip_forbidden(str(text))


def element(tag: str, text=None, attrs: dict | None = None) -> str:
    """``<tag attr="...">text</tag>`` (or ``<tag/>`` without text), escaped."""
    opening = tag + "".join(f" {name}={quoteattr(clean(value))}" for name, value in (attrs or {}).items()
                            if value is not None)
    if text is None or text == "":
        return f"<{opening}/>"
    return f"<{opening}>{escape(clean(text))}</{tag}>"
