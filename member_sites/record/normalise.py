"""A validated record in canonical form: what the consortium stores and matches on."""
import datetime as dt

from member_sites.record.clc import normalise_clc
from member_sites.record.identifiers import normalise_isbn, normalise_issn
from member_sites.record.language import normalise_language
from member_sites.record.text import clean_text
from member_sites.record.xmlchars import strip_forbidden

# values kept as the member wrote them: keys and links, never display text
VERBATIM = frozenset({"local_id", "url"})


def dedup(values) -> list:
    """The values in their first order, each once."""
    return list(dict.fromkeys(values))


def _text(value: str, decode: bool = True) -> str | None:
    # stripped again after decoding: an escape such as "&#1;" names a forbidden character too
    text = clean_text(strip_forbidden(value), decode=decode)
    return clean_text(strip_forbidden(text), decode=False) if text else None


def normalise_record(data: dict) -> dict:
    """Normalised copy of a validated record (identifiers canonical, text NFC and trimmed,
    escapes decoded except in keys and links, characters XML 1.0 forbids removed: ``checks``
    refused them where they may not be)."""
    out = {k: (_text(v, decode=k not in VERBATIM) if isinstance(v, str) else v) for k, v in data.items()}
    out["authors"] = [a for a in (_text(x) for x in data.get("authors") or []) if a]
    out["subjects"] = [s for s in (_text(x) for x in data.get("subjects") or []) if s]
    out["isbns"] = dedup(normalise_isbn(x) for x in data.get("isbns") or [])
    out["issns"] = dedup(normalise_issn(x) for x in data.get("issns") or [])
    if out.get("clc"):
        out["clc"] = normalise_clc(out["clc"])
    if out.get("language"):
        out["language"] = normalise_language(out["language"])
    if isinstance(out.get("acquired_on"), dt.date):
        out["acquired_on"] = out["acquired_on"].isoformat()
    if out.get("copies") is not None and out.get("available") is not None:
        out["available"] = min(out["available"], out["copies"])
    return out
