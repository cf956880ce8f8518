"""MARC21 and MARCXML readers on every real MARC file in ../shared/data/marc and on built records."""
import csv
import io

import pytest
from pymarc import Field, Indicators, Record, Subfield

from member_sites.readers import read_records
from member_sites.readers.marc import read_marc21, read_marcxml
from tests.member_sites.sample_records import sample_records

READER_FOR = {"binary": "marc21", "xml": "marcxml"}  # MARC-in-JSON (13 files) is not a push format


def book(*fields, leader="00000nam a2200000 a 4500", control="rec-1") -> bytes:
    record = Record(leader=leader, force_utf8=True)
    if control:
        record.add_field(Field("001", data=control))
    record.add_field(Field("008", data="240101s2023    cc            000 0 chi d"))
    for tag, subfields, *ind in fields:
        record.add_field(Field(tag, Indicators(*(ind[0] if ind else (" ", " "))),
                               [Subfield(c, v) for c, v in subfields]))
    return record.as_marc()


def one(data: bytes):
    (result,) = list(read_marc21(io.BytesIO(data)))
    return result


def test_every_shared_marc_file_is_read_and_unusable_records_are_reported(shared_data):
    """No file crashes the readers; every record yields a result, and each unusable one says why."""
    with open(shared_data / "marc/marc_stats.tsv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    totals = {"files": 0, "records": 0, "usable": 0, "unusable": 0, "with problems": 0}
    for row in rows:
        fmt = READER_FOR.get(row["format"])
        if fmt is None:
            continue
        with open(shared_data / "marc" / row["file"], "rb") as fh:
            results = list(read_records(fh, fmt))
        totals["files"] += 1
        totals["records"] += len(results)
        for result in results:
            assert result.position
            if result.ok:
                totals["usable"] += 1
                assert result.record["local_id"] and result.record["title"]
            else:
                totals["unusable"] += 1
                assert any(p.startswith("unusable:") for p in result.problems), result
            totals["with problems"] += bool(result.problems)
    print("shared MARC:", totals)
    assert totals["files"] == 863
    assert totals["records"] >= 8600  # marc_stats.tsv counts 8,648 records in these files
    assert totals["usable"] > 7000


def test_880_vernacular_title_and_authors_are_what_readers_see(shared_data):
    """A NOBLE record with 880s: Chinese title/author/publisher shown, romanised forms kept searchable."""
    path = shared_data / "marc/evergreen/concerto_marcxml/bibs_graphic_880.marcxml"
    with open(path, "rb") as fh:
        record = next(read_marcxml(fh)).record
    assert record["title"] == "图说中国节"
    assert record["authors"] == ["大乔", "Da, Qiao"]
    assert record["authors_romanized"] == ["Da, Qiao"]
    assert record["publisher"] == "中国社会科学出版社"
    assert record["title_romanized"].startswith("Tu shuo Zhongguo jie")
    assert "Tu shuo Zhongguo jie" in record["subtitle"]
    assert record["isbns"] == ["9787500473817"]
    assert "clc" not in record and "LCC GT4883.A2 D326 2009" in record["subjects"]


def test_marc8_records_are_converted_to_unicode(shared_data):
    """The French MARC-8 records (leader/09 blank) come out with proper accented letters."""
    with open(shared_data / "marc/evergreen/datasets/lul_fre_500.mrc", "rb") as fh:
        results = list(read_marc21(fh))
    assert len(results) == 500 and all(r.ok for r in results)
    text = " ".join(r.record["title"] for r in results)
    assert "é" in text and "\ufffd" not in text


def test_broken_binary_records_are_reported_and_reading_goes_on():
    """A record with a non-numeric base address is reported with its number and offset; the next one is read."""
    good = book(("245", [("a", "活着 /"), ("c", "余华著.")], ("1", "0")))
    bad = good[:12] + b"xxxxx" + good[17:]
    results = list(read_marc21(io.BytesIO(bad + good + good[:40])))
    assert [r.ok for r in results] == [False, True, False]
    assert results[0].position == "record 1 (byte 0)" and "cannot decode" in results[0].problems[0]
    assert results[1].position == f"record 2 (byte {len(bad)})"
    assert results[1].record["title"] == "活着"
    assert "truncated" in results[2].problems[0]


def test_clc_comes_only_from_084_with_source_clc():
    """084 $2 clc fills clc; LCC and DDC never do, they go to subjects."""
    with_clc = one(book(("245", [("a", "三体")]), ("084", [("a", "I247.55"), ("2", "clc")]),
                        ("050", [("a", "PL2877.I195"), ("b", "S36 2008")], (" ", "4"))))
    assert with_clc.record["clc"] == "I247.55"
    without = one(book(("245", [("a", "三体")]), ("084", [("a", "813.54"), ("2", "ddc")]),
                       ("082", [("a", "895.1/352")], ("0", "4"))))
    assert "clc" not in without.record
    assert "DDC 895.1352" in without.record["subjects"]


def test_isbd_punctuation_is_stripped_from_title_subtitle_and_publisher():
    """245 $a "Title :" $b "subtitle /" and 264 $b "Publisher," lose their ISBD punctuation."""
    result = one(book(("245", [("a", "Spectral theory :"), ("b", "an introduction /"), ("c", "by X.")]),
                      ("264", [("a", "Beijing :"), ("b", "Science Press,"), ("c", "2019.")], (" ", "1")),
                      ("100", [("a", "Li, Ming,"), ("d", "1970-")], ("1", " "))))
    record = result.record
    assert (record["title"], record["subtitle"]) == ("Spectral theory", "an introduction")
    assert record["publisher"] == "Science Press"
    assert record["authors"] == ["Li, Ming"]


def test_electronic_records_become_ebook_or_ejournal_with_their_url():
    """008 form of item 'o' makes a book an ebook and a serial an ejournal; 856 $u is the url."""
    fixed = "240101s2023    cc            000 0 eng d"
    fixed = fixed[:23] + "o" + fixed[24:]  # 008/23 form of item: online
    ebook = Record(leader="00000nam a2200000 a 4500", force_utf8=True)
    ebook.add_field(Field("001", data="e1"), Field("008", data=fixed),
                    Field("245", Indicators("0", "0"), [Subfield("a", "Open book")]),
                    Field("856", Indicators("4", "0"), [Subfield("u", "https://example.edu/book")]))
    result = one(ebook.as_marc())
    assert result.record["format"] == "ebook" and result.record["url"] == "https://example.edu/book"
    serial = one(book(("245", [("a", "Journal of things")]), leader="00000cas a2200000 a 4500"))
    assert serial.record["format"] == "journal"


def test_authority_records_are_reported_as_not_bibliographic():
    """An authority record (leader/06 z) is not a holding: reported, not pushed."""
    result = one(book(("100", [("a", "Lu, Xun")]), leader="00000nz  a2200000n  4500"))
    assert not result.ok and "authority record" in result.problems[0]


def test_koha_items_give_copies_availability_and_call_number(shared_data):
    """A Koha export's 952 items: call number $o, branch/location, copies and available ones."""
    with open(shared_data / "marc/solrmarc/datos-20161010-ajob.mrc", "rb") as fh:
        record = next(read_marc21(fh)).record
    assert (record["call_number"], record["copies"], record["available"]) == ("861.42 C955", 1, 1)
    assert record["location"] == "BC CG"


def test_marcxml_bad_record_is_reported_and_the_rest_read(shared_data):
    """A datafield without a tag spoils only its record; XML junk after the document stops with a report."""
    with open(shared_data / "marc/marc4j/test_resources/chabon-missing-datafield-tag.xml", "rb") as fh:
        results = list(read_marcxml(fh))
    assert not results[0].ok and "without a tag" in results[0].problems[0]
    with open(shared_data / "marc/evergreen/datasets/serials_marc21.xml", "rb") as fh:
        results = list(read_marcxml(fh))
    assert results[0].ok and "not well-formed" in results[-1].problems[0]


@pytest.mark.parametrize("payload", [
    b'<?xml version="1.0"?><!DOCTYPE c [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
    b'<collection xmlns="http://www.loc.gov/MARC21/slim"><record><datafield tag="245" ind1=" " ind2=" ">'
    b'<subfield code="a">&b;</subfield></datafield></record></collection>',
    b'<?xml version="1.0"?><!DOCTYPE c [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<collection xmlns="http://www.loc.gov/MARC21/slim"><record><controlfield tag="001">&x;</controlfield>'
    b'</record></collection>',
])
def test_marcxml_entities_are_refused(payload):
    """Entity expansion and external entities are refused by defusedxml and reported, never expanded."""
    results = list(read_marcxml(io.BytesIO(payload)))
    assert [r.ok for r in results] == [False]
    assert "not well-formed" in results[0].problems[0] or "forbidden" in results[0].problems[0].lower()


def test_marc_export_round_trips_the_main_push_fields():
    """Records written by marc_export read back with the same id, title, authors, ISBN, CLC, year and place."""
    from member_sites.marc_export import write_marc21

    records = sample_records(20)
    buffer = io.BytesIO()
    assert write_marc21(records, buffer) == 20
    results = list(read_marc21(io.BytesIO(buffer.getvalue())))
    assert all(r.ok and not r.problems for r in results)
    for original, result in zip(records, results):
        got = result.record
        assert (got["local_id"], got["title"], got["authors"]) == (original["local_id"], original["title"], original["authors"])
        assert (got["isbns"], got["clc"], got["year"]) == (original["isbns"], original["clc"], original["year"])
        assert (got["call_number"], got["publisher"]) == (original["call_number"], original["publisher"])
        assert got["language"] == {"zh": "chi", "en": "eng"}[original["language"]]


def test_gzipped_marc_export_is_read_like_the_plain_one(shared_data):
    """traject's .mrc.gz gives the same 30 records as its .mrc."""
    with open(shared_data / "marc/traject/test_data.utf8.mrc.gz", "rb") as fh:
        packed = [r.record for r in read_marc21(fh)]
    with open(shared_data / "marc/traject/test_data.utf8.mrc", "rb") as fh:
        plain = [r.record for r in read_marc21(fh)]
    assert len(packed) == 30 and packed == plain


def test_damaged_gzip_export_keeps_the_records_before_the_damage():
    """A .mrc.gz cut short yields the records read so far and a report, not an exception."""
    import gzip

    from member_sites.marc_export import write_marc21

    plain = io.BytesIO()
    write_marc21(sample_records(200), plain)
    packed = gzip.compress(plain.getvalue())
    results = list(read_marc21(io.BytesIO(packed[: len(packed) // 2])))
    assert results[0].ok and 0 < len(results) < 200
    assert "compressed file is damaged" in results[-1].problems[-1]


def test_marcxml_without_records_or_well_formedness_is_reported_once():
    """A document with no record elements says so; a broken one reports the XML error once, not twice."""
    assert [r.problems for r in read_marcxml(io.BytesIO(b"<collection/>"))] == [
        ["unusable: no MARCXML <record> elements found"]]
    results = list(read_marcxml(io.BytesIO(b"<collection><record><leader>x</leader></collection>")))
    assert len(results) == 1 and "not well-formed" in results[0].problems[0]
