"""Finishing read records: whatever a reader maps, the result is one the push schema accepts."""
from hypothesis import given, settings
from hypothesis import strategies as st

from consortium.catalogue.schema import RecordSchema
from member_sites.readers.dublin_core import map_dc
from member_sites.readers.values import clean, finish, strip_isbd
from member_sites.record.checks import field_errors
from member_sites.record.xmlchars import first_forbidden

texts = st.text(max_size=60)
maybe = st.one_of(st.none(), texts)


@settings(max_examples=200, deadline=None)
@given(st.fixed_dictionaries({
    "local_id": maybe, "title": maybe, "subtitle": maybe, "authors": st.lists(texts, max_size=3),
    "year": st.one_of(st.none(), st.integers(-5, 3000)), "language": maybe, "clc": maybe,
    "isbns": st.lists(st.one_of(texts, st.just("978-7-5366-9293-0")), max_size=3), "issns": st.lists(texts, max_size=2),
    "url": st.one_of(maybe, st.just("https://example.cn/x")), "format": st.sampled_from(["book", "ebook", "nonsense"]),
    "copies": st.one_of(st.none(), st.integers(-3, 200000)), "subjects": st.lists(texts, max_size=3),
}))
def test_finished_records_always_pass_the_push_schema(record):
    """Bad optional values are dropped with a note; a record is unusable only without local id or title,
    or with a local id the consortium refuses (a character XML forbids: stripping it would change the id)."""
    result = finish("record 1", dict(record), [])
    if result.ok:
        assert RecordSchema().validate(result.record) == {}
    else:
        assert any(p.startswith("unusable:") for p in result.problems)
        assert not clean(record["local_id"]) or not clean(record["title"]) or first_forbidden(record["local_id"])


@given(st.text(max_size=40))
def test_strip_isbd_is_idempotent(text):
    """Stripping ISBD punctuation twice changes nothing more."""
    once = strip_isbd(text)
    assert strip_isbd(once) == once


def test_strip_isbd_drops_trailing_punctuation_but_keeps_initials():
    """" /", " :", full stops and full-width marks go; an initial's full stop stays."""
    assert strip_isbd("三体 /") == "三体"
    assert strip_isbd("Beijing :") == "Beijing"
    assert strip_isbd("Science Press,") == "Science Press"
    assert strip_isbd("Neuroprotection／") == "Neuroprotection"
    assert strip_isbd("Rowling, J. K.") == "Rowling, J. K."


def test_dublin_core_subject_is_clc_only_when_labelled():
    """A labelled 中图分类号 fills clc; a bare class-number-looking subject (could be LCC) stays a subject."""
    from defusedxml.ElementTree import fromstring

    dc = fromstring(
        '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        "<dc:title>三体</dc:title><dc:creator>刘慈欣</dc:creator><dc:subject>中图分类号: I247.55</dc:subject>"
        "<dc:subject>QA76.73</dc:subject><dc:identifier>ISBN 978-7-5366-9293-0</dc:identifier>"
        "<dc:identifier>https://example.cn/santi</dc:identifier><dc:date>2008-01</dc:date>"
        "<dc:language>zh-CN</dc:language><dc:type>Electronic book</dc:type></oai_dc:dc>".encode())
    record = map_dc(dc)
    assert record["clc"] == "I247.55" and record["subjects"] == ["QA76.73"]
    assert record["isbns"] == ["978-7-5366-9293-0"] and record["url"] == "https://example.cn/santi"
    assert (record["year"], record["language"], record["format"]) == (2008, "zh", "ebook")


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(
    st.sampled_from(["local_id", "title", "subtitle", "publisher", "year", "format", "url", "access", "copies",
                     "available", "coverage", "call_number", "authors", "subjects", "summary", "title_romanized"]),
    st.one_of(st.text(max_size=30), st.integers(-10, 200000), st.lists(st.text(max_size=5), max_size=2),
              st.sampled_from(["book", "open", "https://example.cn/", "x" * 1001])),
    max_size=8))
def test_record_checks_flag_the_fields_the_push_schema_rejects(record):
    """The readers' field checks (the record package's) flag exactly the fields the push schema would reject."""
    expected = {k for k in RecordSchema().validate(record) if k != "_schema"}
    assert set(field_errors(record)) == expected


def test_a_bad_isbn_is_dropped_with_a_note_and_a_good_one_kept_as_isbn13():
    """ISBN-10s become ISBN-13s; a wrong check digit drops that ISBN alone."""
    result = finish("record 1", {"local_id": "b1", "title": "红楼梦", "isbns": ["7-02-000220-X", "9787020002208"]}, [])
    assert result.record["isbns"] == ["9787020002207"]
    assert result.problems == ["ISBN dropped: ISBN '9787020002208' has a bad check digit."]


def test_long_text_is_shortened_to_the_records_limit():
    """A title over the push record's 1,000 characters is cut with an ellipsis, not lost."""
    result = finish("record 1", {"local_id": "b1", "title": "长" * 1200}, [])
    assert len(result.record["title"]) == 1000 and result.record["title"].endswith("…")
    assert result.problems == ["title shortened to 1000 characters"]
