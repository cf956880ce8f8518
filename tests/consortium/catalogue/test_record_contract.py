"""The record declaration at the consortium's boundary: the push schema built from it keeps the
messages the push API has always given, and the record package's plain checks (which readers
and the fast loader use) answer as that schema, value by value and message by message."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from consortium.catalogue.schema import RecordSchema
from member_sites.record import checks
from member_sites.record.errors import InvalidValue
from member_sites.record.fields import BY_NAME, FIELDS, MAX_YEAR, Field, names_of_kind

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


# What the push API answered before the schema was built from the declaration (the
# hand-written marshmallow schema of 2026-11), record for record.
GOLDEN = [
    ({"title": "书"}, {"local_id": ["Missing data for required field."]}),
    ({"local_id": "b1", "title": ""}, {"title": ["Field may not be null."]}),
    ({"local_id": "b1", "title": "书", "year": "1e3", "copies": "2", "format": "scroll"},
     {"copies": ["Not a valid integer."], "year": ["Not a valid integer."],
      "format": ["Must be one of: book, ebook, journal, ejournal, database, av, thesis, other."]}),
    ({"local_id": "b1", "title": "书", "isbns": ["9787020002208", "123"], "issns": ["0028-0837"]},
     {"isbns": ["ISBN '9787020002208' has a bad check digit.", "'123' is not an ISBN (10 or 13 digits)."],
      "issns": ["ISSN '0028-0837' has a bad check digit."]}),
    ({"local_id": "b1", "title": "书", "clc": "L99", "language": "xx", "acquired_on": "2099-01-01"},
     {"acquired_on": ["The acquisition date is in the future."],
      "clc": ["'L99' is not a CLC (中图法) class number such as TP311.13."],
      "language": ["'xx' is not an ISO 639-1 or 639-2 language code."]}),
    ({"local_id": "b1", "title": "书", "url": "ftp://x", "access": "all", "authors": ["x" * 501]},
     {"access": ["Must be one of: open, consortium, member."], "authors": {0: ["Longer than maximum length 500."]},
      "url": ["Not a valid URL."]}),
    ({"local_id": "b1", "title": "书", "authors": "not a list", "available": -1, "year": 999},
     {"authors": ["Not a valid list."],
      "available": ["Must be greater than or equal to 0 and less than or equal to 100000."],
      "year": [f"Year must be between 1000 and {MAX_YEAR}."]}),
]


@pytest.mark.parametrize(("raw", "expected"), GOLDEN)
def test_the_push_schema_words_errors_as_it_always_has(raw, expected):
    with pytest.raises(ValidationError) as caught:
        RecordSchema().load(raw)
    assert caught.value.messages == expected


def test_the_push_schema_normalises_a_good_record():
    raw = {"local_id": "b1", "title": "红楼梦", "authors": ["曹雪芹"], "isbns": ["7-02-000220-X"], "year": " 1982 ",
           "clc": "i 242.4"}
    assert RecordSchema().load(raw) == {"local_id": "b1", "title": "红楼梦", "authors": ["曹雪芹"], "clc": "I242.4",
                                        "format": "book", "isbns": ["9787020002207"], "issns": [], "subjects": [],
                                        "year": 1982}


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
