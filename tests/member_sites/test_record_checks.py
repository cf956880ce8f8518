"""The record declaration: the schema built from it answers as the consortium's push schema,
and the plain checks answer as that schema, value by value and message by message."""
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from consortium.schemas.records import RecordSchema as ConsortiumSchema
from member_sites.record import checks
from member_sites.record.errors import InvalidValue
from member_sites.record.fields import BY_NAME, FIELD_NAMES, FIELDS, Field, names_of_kind
from tests.member_sites.record_schema import RecordSchema

SPECIAL = ["b1", "红楼梦", "", " ", "x" * 201, "x" * 1001, "x" * 20001, "1982", " 1982 ", "1e3", "2026-01-01",
           "2099-01-01", "2026-1-1", "20260101", "2026-02-30", "book", "ebook", "scroll", "open", "member",
           "zh", "chi", "xx", "TP311.13", "tp 3", "L99", "9787020002207", "7-02-000220-X", "9787020002208",
           "0028-0836", "0028-0837", "https://example.org/x", "ftp://x", "not a url", "http://localhost:5000/",
           "https://例子.中国/路径", "https://" + "x" * 2000 + ".org", 1982, 999, 2999, 0, -1, 100001, 1982.0,
           True, False, None, [], ["曹雪芹"], ["x" * 501], [" "], [1], [None], ["9787020002207", "123"],
           ["0028-0836"], "not a list"]
urls = st.builds("{}://{}{}".format, st.sampled_from(["http", "https", "HTTP", "ftp", ""]),
                 st.from_regex(r"[a-z0-9\-.\u00e9\u4e2d@:\[\]]{0,24}", fullmatch=True), st.text(max_size=8))
values = st.one_of(st.sampled_from(SPECIAL), st.text(max_size=12), st.integers(-10, 200_000), urls,
                   st.lists(st.one_of(st.text(max_size=6), st.sampled_from(SPECIAL[:30])), max_size=3))


def _answer(schema, raw) -> str:
    try:
        result = schema().load(raw)
    except ValidationError as exc:
        result = exc.messages
    return json.dumps(result, sort_keys=True, default=str, ensure_ascii=False)


def test_the_declaration_names_the_consortium_schemas_fields():
    """Same fields, required and nullable alike, with the same defaults."""
    theirs = ConsortiumSchema().fields
    assert set(FIELD_NAMES) == set(theirs)
    for field in FIELDS:
        other = theirs[field.name]
        assert (field.required, field.allow_none) == (other.required, other.allow_none), field.name
        expected = other.load_default() if callable(other.load_default) else other.load_default
        assert (field.default_value() if field.has_default else None) == (expected if field.has_default else None)


@settings(max_examples=500)
@given(st.fixed_dictionaries({}, optional={name: values for name in FIELD_NAMES}))
def test_the_schema_built_from_the_declaration_answers_as_the_consortiums(raw):
    """Loaded records and error messages are the same, field for field."""
    assert _answer(RecordSchema, raw) == _answer(ConsortiumSchema, raw)


@pytest.mark.parametrize("value", SPECIAL)
def test_each_special_value_is_answered_alike_in_every_field(value):
    for name in FIELD_NAMES:
        raw = {"local_id": "b1", "title": "书", name: value}
        assert _answer(RecordSchema, raw) == _answer(ConsortiumSchema, raw), name


def _schema_messages(field: Field, value) -> list[str] | None:
    """The schema's messages for one value of ``field`` (a list: its first bad item's)."""
    raw = {"local_id": "b1", "title": "书", field.name: value}
    try:
        RecordSchema().load(raw)
    except ValidationError as exc:
        found = exc.messages.get(field.name)
        if isinstance(found, dict):
            found = found[min(found)]
        return found
    return None


def _plain_messages(field: Field, value) -> list[str] | None:
    try:
        checks.check_field(field, value)
    except InvalidValue as exc:
        return exc.messages
    return None


@settings(max_examples=600)
@given(st.sampled_from(FIELDS), values)
def test_plain_checks_give_the_schemas_messages(field, value):
    """``check_field`` refuses exactly what the schema refuses, in the schema's words."""
    assert _plain_messages(field, value) == _schema_messages(field, value)


@pytest.mark.parametrize("value", SPECIAL)
def test_plain_checks_give_the_schemas_messages_for_special_values(value):
    for field in FIELDS:
        assert _plain_messages(field, value) == _schema_messages(field, value), field.name


def test_check_field_loads_values_as_the_schema_does():
    """Numeric text becomes a number where the field is not strict; ISO text a date; blank null."""
    assert checks.check_field(BY_NAME["year"], " 1982 ") == 1982
    assert str(checks.check_field(BY_NAME["acquired_on"], "2026-01-01")) == "2026-01-01"
    assert checks.check_field(BY_NAME["subtitle"], "  ") is None
    with pytest.raises(InvalidValue, match="Not a valid integer"):
        checks.check_field(BY_NAME["copies"], "2")


def test_field_errors_report_missing_required_fields_and_ignore_unknown_keys():
    errors = checks.field_errors({"title": "书", "format": "scroll", "title_romanized": 5})
    assert errors == {"local_id": ["Missing data for required field."],
                      "format": ["Must be one of: book, ebook, journal, ejournal, database, av, thesis, other."]}


def test_kinds_cover_the_list_fields():
    assert names_of_kind("list") == ("authors", "isbns", "issns", "subjects")
    assert names_of_kind("int") == ("year", "copies", "available")
