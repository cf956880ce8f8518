"""The push record (DESIGN.md "Record fields") at the consortium's boundary: validation and
normalisation, built from the one declaration in ``member_sites.record``.

``RecordSchema`` is the marshmallow schema made field by field from ``member_sites.record.fields``
(it words every error and documents the record in the OpenAPI document). ``load_record`` takes
a record whose every value is plainly valid through the record package's own checks instead —
marshmallow spends about four times as long per record, a third of a push — and anything else
through marshmallow. Tests hold the two paths to the same answers value by value.
"""
import re
from functools import lru_cache

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, pre_load, validate, validates

from member_sites.record import checks, messages
from member_sites.record.errors import RecordError
from member_sites.record.fields import BY_NAME, FIELDS, REQUIRED_NAMES, Field
from member_sites.record.normalise import normalise_record


class _CheckedText:
    """Text refused as ``checks.text_problems`` refuses it (lone surrogates; characters XML
    forbids in identifying values), after the field's own type check."""

    record_field: Field

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        problems = checks.text_problems(self.record_field, text)
        if problems:
            raise ValidationError(problems)
        return text


class RecordString(_CheckedText, fields.String):
    def __init__(self, record_field: Field, **kwargs):
        super().__init__(**kwargs)
        self.record_field = record_field


class RecordUrl(_CheckedText, fields.Url):
    def __init__(self, record_field: Field, **kwargs):
        super().__init__(**kwargs)
        self.record_field = record_field


class RecordList(fields.List):
    """A list refused for its length (``max_items``) before any item is looked at."""

    def __init__(self, record_field: Field, inner, **kwargs):
        super().__init__(inner, **kwargs)
        self.record_field = record_field

    def _deserialize(self, value, attr, data, **kwargs):
        limit = self.record_field.max_items
        if isinstance(value, list) and limit is not None and len(value) > limit:
            raise ValidationError(messages.TOO_MANY_ITEMS.format(max=limit))
        return super()._deserialize(value, attr, data, **kwargs)


def marshmallow_field(field: Field) -> fields.Field:
    """The marshmallow field of one declared field (its ``rule`` runs in the schema's hook)."""
    validators = []
    if field.length_message:
        validators.append(validate.Length(min=field.min_length, max=field.max_length, error=field.length_message))
    if field.range_message:
        validators.append(validate.Range(min=field.minimum, max=field.maximum, error=field.range_message))
    if field.choices:
        validators.append(validate.OneOf(field.choices, error=messages.ONE_OF))
    options = {"required": field.required, "allow_none": field.allow_none,
               "metadata": {"description": field.doc} if field.doc else {}}
    if field.has_default:
        options["load_default"] = field.default
    if field.kind == "list":
        # a list's rule is checked on the whole field, so messages read {"isbns": [msg]}, not "item 0: msg"
        if field.max_items is not None:
            options["metadata"] = {**options["metadata"], "maxItems": field.max_items}
        return RecordList(field, RecordString(field, validate=validators), **options)
    if field.kind == "int":
        return fields.Integer(strict=field.strict, validate=validators, **options)
    if field.kind == "date":
        return fields.Date(validate=validators, **options)
    if field.url_schemes:
        return RecordUrl(field, schemes=set(field.url_schemes), validate=validators, **options)
    return RecordString(field, validate=validators, **options)


class _RecordSchemaBase(Schema):
    class Meta:
        unknown = EXCLUDE

    @pre_load
    def _blank_is_none(self, data, **_kwargs):
        if not isinstance(data, dict):
            raise ValidationError(messages.NOT_OBJECT, "_schema")
        return {k: (None if checks.is_blank(v) else v) for k, v in data.items()}

    @validates(*(field.name for field in FIELDS if field.rule))
    def _check_rule(self, value, data_key, **_kwargs):
        problems = checks.rule_messages(BY_NAME[data_key], value)
        if problems:
            raise ValidationError(problems)

    @post_load
    def _normalise(self, data, **_kwargs):
        return normalise_record(data)


RecordSchema = type("RecordSchema", (_RecordSchemaBase,),
                    {"__doc__": "One record as a member pushes it; ``load`` returns it normalised.",
                     **{field.name: marshmallow_field(field) for field in FIELDS}})


@lru_cache(maxsize=256)
def _schema(names: frozenset) -> Schema:
    """A schema of the fields a record carries (plus the required ones): marshmallow spends
    as long on an absent field as on a present one. Building a schema costs more than loading
    a record, so one instance serves every record with the same fields."""
    return RecordSchema(only=names.union(REQUIRED_NAMES))


def load_record(raw) -> tuple[dict | None, dict]:
    """Validate one raw record: (normalised record, {}) or (None, {field: [messages]}).

    A record whose every value is plainly valid is loaded by ``_plain_load``; any other goes
    through marshmallow, which words the errors. Either way fields the record leaves out get
    their declared defaults."""
    record = _plain_load(raw)
    if record is not None:
        return record, {}
    names = frozenset(raw).intersection(BY_NAME) if isinstance(raw, dict) else frozenset()
    try:
        record = _schema(names).load(raw)
    except ValidationError as exc:
        return None, _flatten(exc.messages)
    return _with_defaults(record), {}


def _with_defaults(record: dict) -> dict:
    """The record with the declared defaults for the fields it leaves out."""
    for field in FIELDS:
        if field.has_default and field.name not in record:
            record[field.name] = field.default_value()
    return record


def _flatten(messages_) -> dict:
    """marshmallow nests list errors by index; the contract wants ``{field: [message]}``."""
    if isinstance(messages_, list):
        return {"_schema": [str(m) for m in messages_]}
    flat = {}
    for name, value in messages_.items():
        if isinstance(value, dict):
            flat[name] = [f"item {i}: {m}" for i, ms in value.items() for m in (ms if isinstance(ms, list) else [ms])]
        else:
            flat[name] = [str(m) for m in value]
    return flat


# The plain path: what ``RecordSchema().load`` returns for a record whose values all have
# their JSON type and pass the declaration's checks. It only accepts what it can vouch for
# (str for text, int for numbers, lists of str, YYYY-MM-DD dates) and leaves anything else to
# marshmallow; ``tests/consortium/catalogue/test_schema.py`` checks the two agree.
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _plain_load(raw) -> dict | None:
    if type(raw) is not dict:
        return None
    data = {}
    for name, value in raw.items():
        field = BY_NAME.get(name)
        if field is None:
            continue  # unknown fields are excluded
        if not (checks.is_blank(value) or _plain_value(field.kind, value)):
            return None
        try:
            data[name] = checks.check_field(field, value)
        except RecordError:
            return None
    if any(data.get(name) is None for name in REQUIRED_NAMES):
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
