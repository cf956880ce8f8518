"""Finishing a read record so the push API accepts it: bad optional values are dropped with a
problem note instead of getting the whole record rejected by the consortium.

The checks are the push record's own (``member_sites.record``), which the consortium's push
schema is built from, so a record a reader calls usable is one the push API accepts.
"""
import hashlib
import re
import unicodedata

from member_sites.readers import ReadResult
from member_sites.record.checks import field_errors
from member_sites.record.clc import normalise_clc
from member_sites.record.errors import RecordError
from member_sites.record.fields import BY_NAME, names_of_kind
from member_sites.record.identifiers import normalise_isbn, normalise_issn
from member_sites.record.language import normalise_language
from member_sites.record.normalise import dedup
from member_sites.record.text import clean_text

# C0/C1 controls: UNIMARC non-sorting marks (U+0088/U+0089), MARC21 NSB/NSE (U+0098/U+009C)
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# ISBD punctuation left at the end of a MARC subfield: " /", " :", " ;", " =", ",", "."
_TRAILING_ISBD = re.compile(r"[\s/:;=,／：；＝，、]+$")
_INITIAL_STOP = re.compile(r"(\b\w|\.\.)\.$")
_LIST_FIELDS = names_of_kind("list")
# Free text a reader may shorten (with "…") rather than lose; limits are the record's.
_SHORTENED = ("title", "subtitle", "edition", "publisher", "summary", "coverage", "call_number", "location")
_IDENTIFIERS = (("isbns", normalise_isbn, "ISBN"), ("issns", normalise_issn, "ISSN"))
_CODES = (("clc", normalise_clc), ("language", normalise_language))


def clean(value) -> str | None:
    """NFC text without control characters, whitespace collapsed; None when empty."""
    if value is None:
        return None
    return clean_text(_CONTROLS.sub("", unicodedata.normalize("NFC", str(value))))


def strip_isbd(value) -> str | None:
    """Drop trailing ISBD punctuation (and a final full stop that is not an initial's)."""
    text = clean(value)
    if text is None:
        return None
    text = _TRAILING_ISBD.sub("", text)
    if text.endswith(".") and not _INITIAL_STOP.search(text):
        text = text[:-1]
    return clean(text)


def content_id(prefix: str, *parts) -> str:
    """A stable id from a record's content, for sources that give none (documented per reader)."""
    digest = hashlib.sha1("\x1f".join(str(p or "") for p in parts).encode("utf-8")).hexdigest()
    return f"{prefix}:{digest[:16]}"


def _present(record: dict) -> dict:
    return {k: v for k, v in record.items() if v not in (None, "", [])}


def _filter_identifiers(record: dict, problems: list[str]) -> None:
    for key, normalise, label in _IDENTIFIERS:
        kept = []
        for raw in record.get(key) or []:
            try:
                kept.append(normalise(raw))
            except RecordError as exc:
                problems.append(f"{label} dropped: {exc}")
        record[key] = dedup(kept)


def _check_single(record: dict, problems: list[str]) -> None:
    for key, normalise in _CODES:
        if record.get(key):
            try:
                record[key] = normalise(record[key])
            except RecordError as exc:
                problems.append(f"{key} dropped: {exc}")
                record.pop(key)
    for key in _SHORTENED:
        limit = BY_NAME[key].max_length if key in BY_NAME else None  # edition: once the record declares it
        if limit and record.get(key) and len(record[key]) > limit:
            problems.append(f"{key} shortened to {limit} characters")
            record[key] = record[key][: limit - 1] + "…"


def finish(position: str, record: dict, problems: list[str], derived_id: bool = False) -> ReadResult:
    """Tidy a mapped record and check it against the push record's fields; drop what would be
    refused. Without a usable ``local_id`` or ``title`` the record itself is unusable.
    ``derived_id``: the local id was derived from the content (``content_id``)."""
    record = _present(record)
    for key in _LIST_FIELDS:
        if key in record:
            record[key] = dedup(v for v in (clean(v) for v in record[key]) if v)
    _filter_identifiers(record, problems)
    _check_single(record, problems)
    errors = field_errors(record)
    for key in ("local_id", "title"):
        if key in errors:
            problems.insert(0, f"unusable: {key}: {'; '.join(errors[key])}")
            return ReadResult(position, None, problems)
    for key, messages in errors.items():
        problems.append(f"{key} dropped: {'; '.join(messages)}")
        record.pop(key, None)
    return ReadResult(position, _present(record), problems, derived_id=derived_id)
