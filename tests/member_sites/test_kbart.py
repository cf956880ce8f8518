"""KBART reader on the providers' real files in ../shared/data/kbart and on their quirks."""
import io

from member_sites.readers import read_records
from member_sites.readers.kbart import KBART_COLUMNS, coverage_text

HEADER = "\t".join(KBART_COLUMNS)


def kbart(*rows: dict, line_end="\n", encoding="utf-8") -> bytes:
    lines = [HEADER] + ["\t".join(row.get(c, "") for c in KBART_COLUMNS) for row in rows]
    return (line_end.join(lines) + line_end).encode(encoding)


def read(data: bytes):
    return list(read_records(io.BytesIO(data), "kbart"))


def read_file(path):
    with open(path, "rb") as fh:
        return list(read_records(fh, "kbart"))


JOURNAL = {"publication_title": "中国科学：数学", "print_identifier": "1674-7216", "online_identifier": "1869-1862",
           "date_first_issue_online": "2010-01-01", "num_first_vol_online": "53", "title_url": "https://example.cn/scm",
           "title_id": "SCM", "embargo_info": "P1Y", "coverage_depth": "fulltext", "publisher_name": "科学出版社",
           "publication_type": "serial", "access_type": "P"}


def test_serial_row_becomes_an_ejournal_with_issns_coverage_and_access():
    """A serial row: ISSNs, title_url, coverage from first issue and embargo, P → consortium."""
    (result,) = read(kbart(JOURNAL))
    record = result.record
    assert record["format"] == "ejournal" and record["local_id"] == "SCM"
    assert record["issns"] == ["1674-7216", "1869-1862"]
    assert record["url"] == "https://example.cn/scm"
    assert record["access"] == "consortium"
    assert record["coverage"] == "2010-01-01 (vol. 53) – present; embargo P1Y; fulltext"


def test_monograph_row_becomes_an_ebook_and_a_bad_isbn_is_dropped_not_the_title():
    """Monograph: ISBNs (an invalid one reported and dropped), year, F → open."""
    row = {"publication_title": "三体", "print_identifier": "9787536692930", "online_identifier": "9787536692931",
           "publication_type": "monograph", "date_monograph_published_online": "2008-01", "access_type": "F",
           "first_author": "刘慈欣", "title_url": "https://example.cn/santi"}
    (result,) = read(kbart(row))
    assert result.ok
    assert result.record["isbns"] == ["9787536692930"]
    assert (result.record["year"], result.record["access"], result.record["authors"]) == (2008, "open", ["刘慈欣"])
    assert result.record["local_id"] == "9787536692931"
    assert any("ISBN dropped" in p for p in result.problems)


def test_line_ends_and_encodings_all_read_the_same():
    """CR, LF, CRLF; UTF-8, UTF-8 with BOM, UTF-16 with BOM give the same records; cp1252 falls back, reported."""
    expected = read(kbart(JOURNAL))[0].record
    for data in (kbart(JOURNAL, line_end="\r"), kbart(JOURNAL, line_end="\r\n"),
                 b"\xef\xbb\xbf" + kbart(JOURNAL), kbart(JOURNAL, encoding="utf-16")):
        assert read(data)[0].record == expected
    latin = {**JOURNAL, "publication_title": "Revue générale", "publisher_name": "Éditions"}
    (result,) = read(kbart(latin, encoding="cp1252"))
    assert result.record["title"] == "Revue générale"
    assert "read as Windows-1252" in result.problems[0]


def test_ragged_rows_are_reported_and_blank_lines_skipped():
    """A short row is padded and reported; extra non-empty cells are reported; trailing tabs are not."""
    short = HEADER + "\n" + "Short journal\t\t1234-5679\n\n" + kbart(JOURNAL).decode().split("\n", 1)[1]
    results = read(short.encode())
    assert len(results) == 2
    assert results[0].position == "line 2" and "missing cells" in results[0].problems[0]
    assert results[1].position == "line 4"
    extra = kbart(JOURNAL).decode().rstrip("\n") + "\tsurprise\n"
    assert "extra cells ignored" in read(extra.encode())[0].problems[0]
    trailing = kbart(JOURNAL).decode().rstrip("\n") + "\t\n"
    assert read(trailing.encode())[0].problems == []


def test_coverage_text_handles_closed_ranges():
    """A closed range names both ends."""
    row = {"date_first_issue_online": "1990", "num_first_vol_online": "1", "date_last_issue_online": "1999",
           "num_last_vol_online": "10", "num_last_issue_online": "4"}
    assert coverage_text(row) == "1990 (vol. 1) – 1999 (vol. 10, no. 4)"


def test_header_only_file_gives_no_records(shared_data):
    """Brill's empty package: a header and nothing else reads as zero records, no error."""
    assert read_file(shared_data / "kbart/gokb/archive_collections_brill_Empty-Pkg.tsv") == []
    assert read(b"") == []


def test_real_provider_files_with_their_quirks(shared_data):
    """UTF-16 and UTF-8 copies agree; CR-only Annual Reviews, quoted Askews cells, split header typo all read."""
    gokb = shared_data / "kbart/gokb"
    utf16 = read_file(gokb / "ebooks_CambridgeBooks_EdinburghUniversityPress.tsv")
    utf8 = read_file(gokb / "ebooks_CambridgeBooks_EdinburghUniversityPress_utf8.tsv")
    assert len(utf16) == 369 and [r.record for r in utf16] == [r.record for r in utf8]
    assert all(r.record["format"] == "ebook" for r in utf8)
    annual = read_file(gokb / "os_test_AnnualReviews_SciencesCollection34_2011-04-27.txt")
    assert len(annual) == 47 and [r.position for r in annual if not r.ok] == ["line 34"]
    askews = read_file(gokb / "ebooks_askews_KB_20160128210037.csv")
    assert askews[0].record["title"] == "Midnight for Charlie Bone"
    assert askews[0].record["isbns"] == ["9781405225434", "9781780312026"]
    typo = read_file(gokb / "availability_tracking_availiability_test_1.tsv")
    assert "split at the space" in typo[0].problems[0]
    cambridge = read_file(gokb / "ebooks_journals.cambridge.org_AllTitles_2015-07-14.txt")
    assert len(cambridge) == 468 and cambridge[0].record["format"] == "ejournal"
    assert cambridge[0].record["local_id"] == "AIE"


def test_every_shared_kbart_file_reads_without_a_crash(shared_data):
    """All 51 files: every data row yields a result; rows without a title are reported as unusable."""
    files = [p for p in (shared_data / "kbart").rglob("*") if p.is_file() and p.suffix != ".md"
             and p.name != "kbart_stats.tsv" and p.name != "kbart.txt.gz"]  # the 72k-row gzip is read in the bench
    rows = usable = 0
    for path in files:
        results = read_file(path)
        rows += len(results)
        usable += sum(r.ok for r in results)
        assert all(r.ok or r.reasons[0].startswith("unusable:") for r in results)
    assert len(files) == 50
    # 7 consecutive rows only add a coverage range to the row before them (merged)
    assert rows == 117445 - 72056 - 7
    # miku_span/issn.kbart.txt has identifiers only, no titles; one Annual Reviews title id repeats
    assert usable == rows - 1703 - 1
