"""``load_record`` validates with a schema of the fields a record carries; its answers are
the full schema's, record for record, field defaults included."""
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from consortium.schemas.records import RecordSchema, _flatten, load_record

VALUES = {
    "local_id": st.sampled_from(["b1", "", " ", "x" * 201]),
    "title": st.sampled_from(["红楼梦", "Algorithms", "", None]),
    "subtitle": st.sampled_from(["第一卷", None, "  "]),
    "authors": st.sampled_from([["曹雪芹"], [], None, ["a", "a"], "not a list"]),
    "publisher": st.sampled_from(["人民文学出版社", None]),
    "year": st.sampled_from([1982, "1982", 999, "abc", None]),
    "language": st.sampled_from(["zh", "chi", "xx", None]),
    "format": st.sampled_from(["book", "ebook", "scroll", None]),
    "isbns": st.sampled_from([["9787020002207"], ["7-02-000220-X"], ["123"], [], None]),
    "issns": st.sampled_from([["0028-0836"], ["0028-0837"], []]),
    "clc": st.sampled_from(["TP311.13", "tp 3", "L99", None]),
    "subjects": st.sampled_from([["小说"], ["a", "a"], []]),
    "summary": st.sampled_from(["简介", "  ", None]),
    "acquired_on": st.sampled_from(["2026-01-01", "2099-01-01", "yesterday", None]),
    "call_number": st.sampled_from(["I242.4/C1", None]),
    "copies": st.sampled_from([2, 0, -1, "2", None]),
    "available": st.sampled_from([1, 5, None]),
    "url": st.sampled_from(["https://example.org/x", "ftp://x", None]),
    "access": st.sampled_from(["open", "member", "nobody", None]),
    "coverage": st.sampled_from(["1990-", None]),
    "unknown_field": st.just("ignored"),
}


@settings(max_examples=400)
@given(st.fixed_dictionaries({}, optional=VALUES))
def test_load_record_answers_as_the_full_schema(raw):
    try:
        expected = (RecordSchema().load(raw), {})
    except ValidationError as exc:
        expected = (None, _flatten(exc.messages))
    assert load_record(raw) == expected


def test_absent_fields_get_the_full_schemas_defaults():
    record, errors = load_record({"local_id": "b1", "title": "红楼梦"})
    assert not errors
    assert record["format"] == "book" and record["authors"] == [] and record["isbns"] == []
    assert "summary" not in record
