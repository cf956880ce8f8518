"""CNMARC/UNIMARC reader on records written from real Chinese books, broken ones, and pymarc's UNIMARC sample."""
import io

from member_sites.readers import read_records
from tests.member_sites.cnmarc_samples import BOOKS, gb18030_record, utf8_record


def read(data: bytes):
    return list(read_records(io.BytesIO(data), "cnmarc"))


def test_cnmarc_utf8_records_map_title_authors_publication_clc_and_holdings():
    """The fields a reader sees come from 200, 701, 210, 690, 606, 330 and the 905 holdings."""
    results = read(b"".join(utf8_record(b) for b in BOOKS))
    assert [r.ok for r in results] == [True, True, True]
    santi = results[0].record
    assert santi["local_id"] == "012008001234"
    assert santi["title"] == "三体"
    assert santi["title_romanized"] == "san ti"
    assert santi["authors"] == ["刘慈欣"]
    assert santi["publisher"] == "重庆出版社"
    assert santi["year"] == 2008
    assert santi["isbns"] == ["9787536692930"]
    assert santi["clc"] == "I247.55"
    assert santi["language"] == "chi"
    assert santi["subjects"] == ["长篇小说", "科学幻想小说"]
    assert santi["summary"].startswith("文化大革命")
    assert (santi["copies"], santi["location"], santi["call_number"]) == (2, "中文书库", "I247.55/1234")
    assert results[2].record["subtitle"] == "智者的低语"
    assert "copies" not in results[2].record


def test_cnmarc_gb18030_record_is_decoded_by_trial():
    """A GBK/GB18030 export (what many Chinese ILSs write) reads the same as UTF-8."""
    results = read(gb18030_record(BOOKS[1]) + utf8_record(BOOKS[0]))
    assert results[0].record["title"] == "图说中国节"
    assert results[0].record["publisher"] == "中国社会科学出版社"
    assert results[1].record["title"] == "三体"


def test_cnmarc_broken_records_are_reported_with_position_and_reading_goes_on():
    """A record with a bad directory, one without a title and a truncated tail are reported; good ones are kept."""
    good = utf8_record(BOOKS[0])
    bad_directory = good[:12] + b"abcde" + good[17:]  # base address is not a number
    no_title = utf8_record({**BOOKS[1], "title": "", "pinyin": "", "subtitle": "", "resp": ""})
    truncated = utf8_record(BOOKS[2])[:60]
    results = read(bad_directory + no_title + good + truncated)
    assert [r.ok for r in results] == [False, False, True, False]
    assert results[0].position == "record 1 (byte 0)"
    assert "cannot decode record" in results[0].problems[0]
    assert results[1].problems == ["unusable: no title (200 $a)"]
    assert results[3].position.startswith("record 4")
    assert "truncated" in results[3].problems[0]


def test_cnmarc_invalid_isbn_is_dropped_and_the_book_kept():
    """A mistyped ISBN would make the push API refuse the record, so it is dropped with a note."""
    (result,) = read(utf8_record({**BOOKS[0], "010": "978-7-5366-9293-1"}))
    assert result.ok and "isbns" not in result.record
    assert any("ISBN dropped" in p and "check digit" in p for p in result.problems)


def test_cnmarc_record_without_001_gets_a_stable_content_id():
    """Without 001 the local id is derived from the content, so a re-export gives the same id."""
    data = utf8_record({**BOOKS[0], "001": None})
    first, second = read(data)[0], read(data)[0]
    assert first.record["local_id"] == second.record["local_id"]
    assert first.record["local_id"].startswith("cnmarc:")
    assert any("no 001" in p for p in first.problems)


def test_pymarc_unimarc_sample_reads_with_names_and_without_non_sorting_marks(shared_data):
    """pymarc's Italian UNIMARC record: 200 title without the NSB/NSE marks, 700/702 names, 210 publisher."""
    with open(shared_data / "marc/pymarc/testunimarc.dat", "rb") as fh:
        (result,) = list(read_records(fh, "cnmarc"))
    record = result.record
    assert record["title"] == "L'altra faccia della spirale"
    assert record["authors"][0] == "Asimov, Isaac"
    assert record["publisher"] == "A. Mondadori"
    assert record["year"] == 1996
    assert record["isbns"] == ["9788804406822"]
    assert record["language"] == "ita"
