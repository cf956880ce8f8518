"""Finishing a read record so the push API accepts it: bad optional values are dropped with a
problem note instead of getting the whole record rejected by the consortium.

The checks are the consortium's own (``consortium.normalise`` and the push ``RecordSchema``),
so a record a reader calls usable is one the push API accepts.
"""
import hashlib
import re
import unicodedata
from functools import lru_cache

from member_sites.readers import ReadResult

_SPACE = re.compile(r"\s+")
# C0/C1 controls: UNIMARC non-sorting marks (U+0088/U+0089), MARC21 NSB/NSE (U+0098/U+009C)
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# ISBD punctuation left at the end of a MARC subfield: " /", " :", " ;", " =", ",", "."
_TRAILING_ISBD = re.compile(r"[\s/:;=,／：；＝，、]+$")
_LIST_FIELDS = ("authors", "subjects", "isbns", "issns")
_LIMITS = {"title": 1000, "subtitle": 1000, "publisher": 500, "summary": 20000, "coverage": 500,
           "call_number": 200, "location": 200}


def clean(value) -> str | None:
    """NFC text with whitespace collapsed; None when empty."""
    if value is None:
        return None
    text = _SPACE.sub(" ", _CONTROLS.sub("", unicodedata.normalize("NFC", str(value)))).strip()
    return text or None


def strip_isbd(value) -> str | None:
    """Drop trailing ISBD punctuation (and a final full stop that is not an initial's)."""
    text = clean(value)
    if text is None:
        return None
    text = _TRAILING_ISBD.sub("", text)
    if text.endswith(".") and not re.search(r"(\b\w|\.\.)\.$", text):
        text = text[:-1]
    return clean(text)


def content_id(prefix: str, *parts) -> str:
    """A stable id from a record's content, for sources that give none (documented per reader)."""
    digest = hashlib.sha1("\x1f".join(str(p or "") for p in parts).encode("utf-8")).hexdigest()
    return f"{prefix}:{digest[:16]}"


def _dedup(values) -> list:
    seen, out = set(), []
    for value in values:
        if value and value not in seen:
            seen.add(value)
            out.append(value)
    return out


_ISBN13 = re.compile(r"97[89]\d{10}")


def _isbn(raw: str) -> str:
    """ISBN-13; the common case (13 bare digits, good check digit) without the general parser."""
    from consortium.catalogue import normalise

    if _ISBN13.fullmatch(raw):
        total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(raw[:12]))
        if (10 - total % 10) % 10 == int(raw[12]):
            return raw
    return normalise.normalise_isbn(raw)


def _filter_identifiers(record: dict, problems: list[str]) -> None:
    from consortium.catalogue import normalise

    for key, check, label in (("isbns", _isbn, "ISBN"),
                              ("issns", normalise.normalise_issn, "ISSN")):
        kept = []
        for raw in record.get(key) or []:
            try:
                kept.append(check(raw))
            except ValueError as exc:
                problems.append(f"{label} dropped: {exc}")
        record[key] = _dedup(kept)


def _check_single(record: dict, problems: list[str]) -> None:
    from consortium.catalogue import normalise

    for key, check in (("clc", normalise.normalise_clc), ("language", normalise.normalise_language)):
        if record.get(key):
            try:
                record[key] = check(record[key])
            except ValueError as exc:
                problems.append(f"{key} dropped: {exc}")
                record.pop(key)
    for key, limit in _LIMITS.items():
        if record.get(key) and len(record[key]) > limit:
            problems.append(f"{key} shortened to {limit} characters")
            record[key] = record[key][: limit - 1] + "…"


@lru_cache(maxsize=1)
def _schema():
    """The consortium's own push schema, minus the fields already checked (and normalised) here."""
    from consortium.catalogue.schema import RecordSchema

    return RecordSchema(exclude=("isbns", "issns", "clc", "language"))


def finish(position: str, record: dict, problems: list[str]) -> ReadResult:
    """Tidy a mapped record and validate it against the push schema; drop what would be refused."""
    record = {k: v for k, v in record.items() if v not in (None, "", [])}
    for key in _LIST_FIELDS:
        if key in record:
            record[key] = _dedup(clean(v) for v in record[key])
    _filter_identifiers(record, problems)
    _check_single(record, problems)
    errors = field_errors(record)
    for key in ("local_id", "title"):
        if key in errors:
            problems.append(f"unusable: {key}: {'; '.join(map(str, _flat(errors[key])))}")
            return ReadResult(position, None, problems)
    for key, messages in errors.items():
        problems.append(f"{key} dropped: {'; '.join(map(str, _flat(messages)))}")
        record.pop(key, None)
    record = {k: v for k, v in record.items() if v not in (None, "", [])}
    return ReadResult(position, record, problems)


@lru_cache(maxsize=1)
def _field_checks() -> dict:
    """Per push field: (field, inner field of a list or None), from the consortium's schema."""
    from marshmallow import fields

    return {name: (field, field.inner if isinstance(field, fields.List) else None)
            for name, field in _schema().fields.items()}


def _check_value(field, value) -> None:
    from marshmallow import ValidationError, fields

    if isinstance(field, fields.String) and not isinstance(value, str):
        raise ValidationError("Not a valid string.")
    if isinstance(field, fields.Integer):
        if isinstance(value, str) and not field.strict:
            try:
                value = int(value.strip())
            except ValueError:
                raise ValidationError("Not a valid integer.") from None
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValidationError("Not a valid integer.")
    if not isinstance(field, (fields.String, fields.Integer)):
        _schema().load({"local_id": "x", "title": "x", field.name: value})  # rare types: the full schema
        return
    for validator in field.validators:
        validator(value)


def field_errors(record: dict) -> dict:
    """The push schema's field checks, run directly on values (4x faster than ``Schema.validate``,
    which readers would otherwise pay per record); same messages, extra keys ignored."""
    from marshmallow import ValidationError

    errors = {key: ["Missing data for required field."] for key in ("local_id", "title")
              if not isinstance(record.get(key), str) or not record[key].strip()}
    checks = _field_checks()
    for key, value in record.items():
        if key not in checks or key in errors:
            continue
        field, inner = checks[key]
        if value is None or (isinstance(value, str) and not value.strip()):  # the schema reads blank as null
            if not field.allow_none:
                errors[key] = ["Field may not be null."]
            continue
        try:
            if inner is None:
                _check_value(field, value)
            elif not isinstance(value, list):
                raise ValidationError("Not a valid list.")
            else:
                for item in value:
                    _check_value(inner, item)
        except ValidationError as exc:
            errors[key] = exc.messages
    return errors


def _flat(messages):
    if isinstance(messages, dict):
        for value in messages.values():
            yield from _flat(value)
    elif isinstance(messages, list):
        for value in messages:
            yield from _flat(value)
    else:
        yield messages
