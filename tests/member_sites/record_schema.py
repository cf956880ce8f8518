"""The push schema built from ``member_sites.record``'s declaration alone, the way the
consortium builds its ``RecordSchema``: no marshmallow internals read, every message the
record package's. Tests compare it with the consortium's schema and with the plain checks."""
from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, pre_load, validate, validates

from member_sites.record import checks, messages
from member_sites.record.fields import BY_NAME, FIELDS, Field
from member_sites.record.normalise import normalise_record


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
        return fields.List(fields.String(validate=validators), **options)
    if field.kind == "int":
        return fields.Integer(strict=field.strict, validate=validators, **options)
    if field.kind == "date":
        return fields.Date(validate=validators, **options)
    if field.url_schemes:
        return fields.Url(schemes=set(field.url_schemes), validate=validators, **options)
    return fields.String(validate=validators, **options)


class _RecordSchema(Schema):
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


RecordSchema = type("RecordSchema", (_RecordSchema,), {field.name: marshmallow_field(field) for field in FIELDS})
