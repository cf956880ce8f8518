"""Mapping a work and its holdings (plain dicts) to an index document. No Flask, no DB."""
import hashlib
import json

from consortium.catalogue import normalise
from member_sites.record.clc import clc_prefixes
from search_index import facets

RESULT_FIELDS = ("id", "title", "subtitle", "authors", "publisher", "year", "format", "language",
                 "clc", "isbns", "issns", "subjects")
# the stored result body's JSON (one encoder: ``json.dumps`` with options builds one per call)
_ENCODE = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=str).encode
HOLDING_FIELDS = ("member", "call_number", "location", "available", "copies", "url", "access")


def is_available(holding: dict) -> bool:
    """Available now: a copy on the shelf, or an e-resource with a link."""
    return bool(holding.get("available")) or bool(holding.get("url"))


def newest_acquisition(holdings: list[dict]) -> int:
    """Newest ``acquired_on`` of the holdings as ``YYYYMMDD`` (0 when none is known)."""
    dates = [h["acquired_on"] for h in holdings if h.get("acquired_on")]
    return int(max(dates).replace("-", "")) if dates else 0


def result_payload(work: dict, holdings: list[dict]) -> dict:
    """The ``/api/v1/search`` result body of a work (holdings by member code)."""
    payload = {name: work.get(name) for name in RESULT_FIELDS}
    payload["holdings"] = [{name: h.get(name) for name in HOLDING_FIELDS}
                           for h in sorted(holdings, key=lambda h: (h["member"], h.get("local_id") or ""))]
    payload["acquired_on"] = max((h["acquired_on"] for h in holdings if h.get("acquired_on")), default=None)
    return payload


def work_document(work: dict, holdings: list[dict]) -> dict:
    """The Whoosh document of a work that at least one member holds."""
    payload = result_payload(work, holdings)
    body = _ENCODE(payload)
    members = sorted({h["member"] for h in holdings})
    clc = work.get("clc") or ""
    prefixes = clc_prefixes(clc) if clc else []
    year = work.get("year")
    latin = " ".join([work.get("title") or "", " ".join(work.get("authors") or []),
                      " ".join(work.get("subjects") or [])])
    doc = {
        "id": str(work["id"]),
        "title": _join(work.get("title"), work.get("subtitle")),
        "authors": " ; ".join(work.get("authors") or []),
        "subjects": " ; ".join(work.get("subjects") or []),
        "text": _join(work.get("publisher"), work.get("summary")),
        "spell": latin,
        "isbn": " ".join((work.get("isbns") or []) + (work.get("issns") or [])),
        "clc": clc,

        "acquired": newest_acquisition(holdings),
        "title_sort": normalise.fold_key(work.get("title")) or "~",
        "payload": body,
    }
    fmt, language = work.get("format") or "other", work.get("language") or ""
    available = "1" if any(is_available(h) for h in holdings) else "0"
    doc["tags"] = tags(members, fmt, language, available)
    doc["facet_key"] = facets.facet_key(",".join(members), fmt, language,
                                        prefixes[0] if prefixes else "", prefixes[1] if len(prefixes) > 1 else "",
                                        str(year - year % 10) if year else "", available)
    if year:
        doc["year"] = int(year)
    return {k: v for k, v in doc.items() if v != "" or k in ("title",)}


def tag(kind: str, value: str) -> str:
    """A filter term of the ``tags`` field: ``member:NJU``, ``format:book``, ``available:1``."""
    return f"{kind}:{value}"


def tags(members: list[str], fmt: str, language: str, available: str) -> str:
    values = [tag("member", m) for m in members] + [tag("format", fmt), tag("available", available)]
    if language:
        values.append(tag("language", language))
    return ",".join(values)


def fingerprint(payload: str) -> str:
    """What ``index check`` compares: the stored result body decides everything indexed."""
    return hashlib.sha1(payload.encode()).hexdigest()


def _join(*parts) -> str:
    return " ".join(p for p in parts if p)
