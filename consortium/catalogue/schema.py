"""The push record (DESIGN.md "Record fields"): validation and normalisation."""
import datetime as dt
import re
from functools import lru_cache

from marshmallow import EXCLUDE, Schema, ValidationError, fields, missing, post_load, pre_load, validate, validates

from consortium.catalogue import normalise
from consortium.catalogue.matching import FORMATS

ACCESS = ("open", "consortium", "member")
_THIS_YEAR = dt.date.today().year


def _text(max_len: int, **kwargs):
    return fields.String(validate=validate.Length(max=max_len), allow_none=True, **kwargs)


class RecordSchema(Schema):
    """One record as a member pushes it; ``load`` returns it normalised."""

    class Meta:
        unknown = EXCLUDE

    local_id = fields.String(required=True, validate=validate.Length(min=1, max=200))
    title = fields.String(required=True, validate=validate.Length(min=1, max=1000))
    subtitle = _text(1000)
    authors = fields.List(fields.String(validate=validate.Length(max=500)), load_default=list)
    publisher = _text(500)
    year = fields.Integer(
        allow_none=True,
        strict=False,
        validate=validate.Range(min=1000, max=_THIS_YEAR + 5, error="Year must be between {min} and {max}."),
    )
    language = _text(16)
    format = fields.String(load_default="book", validate=validate.OneOf(FORMATS))
    isbns = fields.List(fields.String(), load_default=list)
    issns = fields.List(fields.String(), load_default=list)
    clc = _text(64)
    subjects = fields.List(fields.String(validate=validate.Length(max=500)), load_default=list)
    summary = _text(20000)
    acquired_on = fields.Date(allow_none=True)
    call_number = _text(200)
    location = _text(200)
    copies = fields.Integer(allow_none=True, strict=True, validate=validate.Range(min=0, max=100000))
    available = fields.Integer(allow_none=True, strict=True, validate=validate.Range(min=0, max=100000))
    url = fields.Url(allow_none=True, schemes={"http", "https"}, validate=validate.Length(max=2000))
    access = fields.String(allow_none=True, validate=validate.OneOf(ACCESS))
    coverage = _text(500)

    @pre_load
    def _blank_is_none(self, data, **_kwargs):
        if not isinstance(data, dict):
            raise ValidationError("A record must be a JSON object.", "_schema")
        return {k: (None if isinstance(v, str) and not v.strip() else v) for k, v in data.items()}

    @validates("isbns")
    def _check_isbns(self, values, **_kwargs):
        _all_valid(values, normalise.normalise_isbn)

    @validates("issns")
    def _check_issns(self, values, **_kwargs):
        _all_valid(values, normalise.normalise_issn)

    @validates("clc")
    def _check_clc(self, value, **_kwargs):
        if value is not None:
            _all_valid([value], normalise.normalise_clc)

    @validates("language")
    def _check_language(self, value, **_kwargs):
        if value is not None:
            _all_valid([value], normalise.normalise_language)

    @validates("acquired_on")
    def _check_acquired(self, value, **_kwargs):
        if value is not None and value > dt.date.today() + dt.timedelta(days=1):
            raise ValidationError("The acquisition date is in the future.")

    @post_load
    def _normalise(self, data, **_kwargs):
        return normalise_record(data)


def _all_valid(values, check) -> None:
    messages = []
    for value in values:
        try:
            check(value)
        except ValueError as exc:
            messages.append(str(exc))
    if messages:
        raise ValidationError(messages)


def normalise_record(data: dict) -> dict:
    """Normalised copy of a validated record (identifiers canonical, text NFC and trimmed)."""
    out = {k: (normalise.clean_text(v) if isinstance(v, str) else v) for k, v in data.items()}
    out["authors"] = [a for a in (normalise.clean_text(x) for x in data.get("authors") or []) if a]
    out["subjects"] = [s for s in (normalise.clean_text(x) for x in data.get("subjects") or []) if s]
    out["isbns"] = _dedup(normalise.normalise_isbn(x) for x in data.get("isbns") or [])
    out["issns"] = _dedup(normalise.normalise_issn(x) for x in data.get("issns") or [])
    if out.get("clc"):
        out["clc"] = normalise.normalise_clc(out["clc"])
    if out.get("language"):
        out["language"] = normalise.normalise_language(out["language"])
    if isinstance(out.get("acquired_on"), dt.date):
        out["acquired_on"] = out["acquired_on"].isoformat()
    if out.get("copies") is not None and out.get("available") is not None:
        out["available"] = min(out["available"], out["copies"])
    return out


def _dedup(values) -> list:
    return list(dict.fromkeys(values))


_REQUIRED = frozenset(name for name, f in RecordSchema._declared_fields.items() if f.required)
_DEFAULTS = {name: f.load_default for name, f in RecordSchema._declared_fields.items()
             if f.load_default is not missing}


@lru_cache(maxsize=256)
def _schema(names: frozenset) -> RecordSchema:
    """A schema of the fields a record carries (plus the required ones): marshmallow spends
    as long on an absent field as on a present one. Building a schema costs more than loading
    a record, so one instance serves every record with the same fields."""
    return RecordSchema(only=names | _REQUIRED)


def load_record(raw) -> tuple[dict | None, dict]:
    """Validate one raw record: (normalised record, {}) or (None, {field: [messages]}).

    A record whose every value is plainly valid is loaded by ``_plain_load``; any other goes
    through marshmallow, which words the errors. Either way fields the record leaves out get
    their defaults as the full schema gives them."""
    record = _plain_load(raw)
    if record is not None:
        return record, {}
    names = frozenset(raw).intersection(RecordSchema._declared_fields) if isinstance(raw, dict) else frozenset()
    try:
        record = _schema(names).load(raw)
    except ValidationError as exc:
        return None, _flatten(exc.messages)
    return _with_defaults(record), {}


def _with_defaults(record: dict) -> dict:
    """The record with the full schema's defaults for the fields it leaves out."""
    for name, default in _DEFAULTS.items():
        if name not in record:
            record[name] = default() if callable(default) else default
    return record


def _flatten(messages) -> dict:
    """marshmallow nests list errors by index; the contract wants ``{field: [message]}``."""
    if isinstance(messages, list):
        return {"_schema": [str(m) for m in messages]}
    flat = {}
    for name, value in messages.items():
        if isinstance(value, dict):
            flat[name] = [f"item {i}: {m}" for i, ms in value.items() for m in (ms if isinstance(ms, list) else [ms])]
        else:
            flat[name] = [str(m) for m in value]
    return flat


# The plain path: what ``RecordSchema().load`` returns for a record whose values all have
# their JSON type and pass the schema's own validators and checks. It only accepts what it
# can vouch for (str for text, int for numbers, lists of str, YYYY-MM-DD dates) and leaves
# anything else to marshmallow; ``tests/consortium/test_record_schema.py`` checks the two
# agree. marshmallow spends about four times as long per record, a third of a push.
_FIELDS = RecordSchema._declared_fields
_KIND = {name: ("list" if isinstance(f, fields.List) else "int" if isinstance(f, fields.Integer)
                else "date" if isinstance(f, fields.Date) else "str")
         for name, f in _FIELDS.items()}
assert all(isinstance(f, (fields.List, fields.Integer, fields.Date, fields.String)) for f in _FIELDS.values())
_VALIDATORS = {name: tuple(f.inner.validators if isinstance(f, fields.List) else f.validators)
               for name, f in _FIELDS.items()}
_CHECKS = {"isbns": RecordSchema._check_isbns, "issns": RecordSchema._check_issns, "clc": RecordSchema._check_clc,
           "language": RecordSchema._check_language, "acquired_on": RecordSchema._check_acquired}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _plain_load(raw) -> dict | None:
    if type(raw) is not dict:
        return None
    data = {}
    for name, value in raw.items():
        kind = _KIND.get(name)
        if kind is None:
            continue  # unknown fields are excluded
        if type(value) is str and not value.strip():
            value = None
        if value is None:
            if not _FIELDS[name].allow_none:
                return None
            data[name] = None
            continue
        if not _plain_value(kind, value):
            return None
        try:
            if kind == "date":
                value = dt.date.fromisoformat(value)
            for item in (value if kind == "list" else (value,)):
                for validator in _VALIDATORS[name]:
                    validator(item)
            if name in _CHECKS:
                _CHECKS[name](None, value)
        except (ValidationError, ValueError):
            return None
        data[name] = value
    if any(data.get(name) is None for name in _REQUIRED):
        return None
    return normalise_record(_with_defaults(data))


def _plain_value(kind: str, value) -> bool:
    if kind == "str":
        return type(value) is str
    if kind == "int":
        return type(value) is int
    if kind == "list":
        return type(value) is list and all(type(item) is str for item in value)
    return type(value) is str and _ISO_DATE.fullmatch(value) is not None
