"""``load_record`` answers as the full marshmallow schema, record for record, field defaults
included, whether it takes the plain path (plainly valid values) or marshmallow's."""
import json

from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from consortium.catalogue.schema import RecordSchema, _flatten, _plain_load, load_record
from consortium.demo.synthetic import synthetic_records

VALUES = {  # candidate values of each field, valid and not
    "local_id": ["b1", "", " ", "x" * 201],
    "title": ["红楼梦", "Algorithms", "", None],
    "subtitle": ["第一卷", None, "  "],
    "authors": [["曹雪芹"], [], None, ["a", "a"], "not a list", [1], ["x" * 501], [" "]],
    "publisher": ["人民文学出版社", None],
    "year": [1982, "1982", 1982.0, 999, 2999, True, "abc", None],
    "language": ["zh", "chi", "xx", None],
    "format": ["book", "ebook", "scroll", None],
    "isbns": [["9787020002207"], ["7-02-000220-X"], ["123"], [], None],
    "issns": [["0028-0836"], ["0028-0837"], []],
    "clc": ["TP311.13", "tp 3", "L99", None],
    "subjects": [["小说"], ["a", "a"], []],
    "summary": ["简介", "  ", None],
    "acquired_on": ["2026-01-01", "2099-01-01", "2026-1-1", "2026-02-30", "20260101", "yesterday",
                   20260101, None],
    "call_number": ["I242.4/C1", None],
    "copies": [2, 0, -1, "2", False, None],
    "available": [1, 5, None],
    "url": ["https://example.org/x", "ftp://x", "https://" + "x" * 2000 + ".org", "not a url", None],
    "access": ["open", "member", "nobody", None],
    "coverage": ["1990-", None],
    "unknown_field": ["ignored"],
}


BASE = {"local_id": "b1", "title": "红楼梦", "authors": ["曹雪芹"], "isbns": ["9787020002207"], "year": 1982,
        "language": "zh", "format": "book", "clc": "I242.4", "copies": 2, "available": 1, "acquired_on": "2026-01-01"}


def test_each_value_in_a_valid_record_is_answered_as_the_full_schema():
    """One field changed at a time in a valid record: every candidate value of every field."""
    for name, values in VALUES.items():
        for value in values:
            got, expected = _answers({**BASE, name: value})
            assert got == expected, (name, value)


@settings(max_examples=400)
@given(st.fixed_dictionaries({}, optional={name: st.sampled_from(values) for name, values in VALUES.items()}))
def test_load_record_answers_as_the_full_schema(raw):
    got, expected = _answers(raw)
    assert got == expected


def _answers(raw) -> tuple[str, str]:
    """``load_record``'s answer and the full schema's, as JSON (equal values of the same JSON
    types: ``0 == False`` in Python, not in the stored record)."""
    try:
        expected = (RecordSchema().load(raw), {})
    except ValidationError as exc:
        expected = (None, _flatten(exc.messages))
    return (json.dumps(load_record(raw), sort_keys=True, default=str),
            json.dumps(expected, sort_keys=True, default=str))


def test_absent_fields_get_the_full_schemas_defaults():
    record, errors = load_record({"local_id": "b1", "title": "红楼梦"})
    assert not errors
    assert record["format"] == "book" and record["authors"] == [] and record["isbns"] == []
    assert "summary" not in record


def test_plainly_valid_records_take_the_plain_path():
    """Pushed records of the usual shape never reach marshmallow (so the comparison above
    exercises the plain path, and pushes get its speed)."""
    for raw in synthetic_records(200):
        assert _plain_load(raw) is not None
        assert _plain_load(raw) == RecordSchema().load(raw)
    assert _plain_load({"local_id": "b1", "title": "红楼梦", "url": "https://example.org/x",
                        "access": "open", "acquired_on": "2026-01-01"}) is not None
