"""Simple Dublin Core (OAI ``oai_dc``) → push record.

- ``title``: first dc:title; ``authors``: every dc:creator; ``publisher``: first dc:publisher;
  ``year``: first four-digit year in dc:date; ``language``: first dc:language ("en-US" → "en");
  ``summary``: first dc:description.
- dc:identifier: http(s) URLs → ``url`` (the first), ISBNs ("ISBN …", "urn:isbn:…", or bare
  13/10-digit numbers) → ``isbns``, ISSNs ("ISSN …", "urn:issn:…", or NNNN-NNNC) → ``issns``.
- dc:subject → ``subjects``. A subject becomes ``clc`` only when it is labelled as a CLC number
  ("中图分类号: TP311.13", "CLC: TP311", "中图法 …"): oai_dc carries no scheme, and a bare
  "QA76.73" (LCC) looks exactly like a CLC number.
- dc:type → ``format`` (journal/serial/periodical → journal, thesis/dissertation → thesis,
  sound/video/moving image → av, dataset/database → database, article → other, else book);
  a book or journal whose dc:format/dc:type says electronic becomes ebook/ejournal.
"""
import re

from member_sites.oai import local
from member_sites.readers import ReadResult
from member_sites.readers.values import clean, finish

_CLC_LABEL = re.compile(r"^\s*(中图分类号|中图法分类号|中图法|CLC)\s*[:：]?\s*(.+)$", re.IGNORECASE)
_ISBN = re.compile(r"^(?:urn:isbn:|isbn[:：]?\s*)?([\d\-\s]{9,17}[\dXx])(?:\s.*)?$", re.IGNORECASE)
_ISSN = re.compile(r"^(?:urn:issn:|issn[:：]?\s*)?(\d{4}-?\d{3}[\dXx])$", re.IGNORECASE)
_YEAR = re.compile(r"(1[0-9]{3}|20[0-9]{2})")
_TYPES = (("journal", "journal"), ("serial", "journal"), ("periodical", "journal"), ("thesis", "thesis"),
          ("dissertation", "thesis"), ("sound", "av"), ("video", "av"), ("moving", "av"),
          ("dataset", "database"), ("database", "database"), ("article", "other"))


def dc_values(elem) -> dict[str, list[str]]:
    """Element local name → its non-empty texts, in order."""
    values: dict[str, list[str]] = {}
    for child in elem:
        text = clean("".join(child.itertext()))
        if text:
            values.setdefault(local(child.tag), []).append(text)
    return values


def _identifiers(values: list[str], out: dict) -> None:
    for value in values:
        if value.lower().startswith(("http://", "https://")):
            out.setdefault("url", value)
        elif match := _ISSN.match(value):
            out["issns"].append(match.group(1))
        elif (match := _ISBN.match(value)) and len(re.sub(r"\D", "", match.group(1))) in (9, 10, 13):
            out["isbns"].append(match.group(1))


def _subjects(values: list[str], out: dict) -> None:
    for value in values:
        match = _CLC_LABEL.match(value)
        if match and "clc" not in out:
            out["clc"] = match.group(2).split()[0]
        elif not match:
            out["subjects"].append(value)


def _format(types: list[str], formats: list[str]) -> str:
    text = " ".join(types).lower()
    kind = next((fmt for word, fmt in _TYPES if word in text), "book")
    electronic = any(w in " ".join(types + formats).lower() for w in ("electronic", "online", "e-book", "ebook"))
    if electronic and kind in ("book", "journal"):
        return "ebook" if kind == "book" else "ejournal"
    return kind


def _language(values: list[str]) -> str | None:
    if not values:
        return None
    code = values[0].strip().lower()
    match = re.match(r"^([a-z]{2,3})([-_][a-z0-9]+)*$", code)
    return match.group(1) if match else code


def map_dc(elem) -> dict:
    """Push fields of one oai_dc metadata element (no validation)."""
    values = dc_values(elem)
    first = {k: v[0] for k, v in values.items()}
    out: dict = {"title": first.get("title"), "authors": values.get("creator", []),
                 "publisher": first.get("publisher"), "summary": first.get("description"),
                 "isbns": [], "issns": [], "subjects": [], "language": _language(values.get("language", []))}
    match = _YEAR.search(first.get("date", ""))
    out["year"] = int(match.group(1)) if match else None
    _identifiers(values.get("identifier", []), out)
    _subjects(values.get("subject", []), out)
    out["format"] = _format(values.get("type", []), values.get("format", []))
    return out


def record_from_dc(elem, local_id: str, position: str, problems: list[str] | None = None) -> ReadResult:
    """Map an oai_dc element to a ReadResult with the given local id."""
    problems = list(problems or [])
    out = map_dc(elem)
    out["local_id"] = local_id
    if not out.get("title"):
        problems.append("unusable: no dc:title")
        return ReadResult(position, None, problems)
    return finish(position, out, problems)
