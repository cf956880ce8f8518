"""The CSV reader: encodings, the documented header, broken rows, and real Chinese book lists."""
import csv
import io
import re

import pytest

from member_sites.readers import read_records
from member_sites.readers.csv_reader import EmptyFile, MissingColumns, read_csv

HEADER = "local_id,title,authors,publisher,year,isbns,subjects,copies\n"
ROW = "nju-1,红楼梦,曹雪芹;高鹗,人民文学出版社,1982,7-02-000220-X|9787020002207,古典小说;清代,3\n"


def read(text: str, encoding: str = "utf-8") -> list:
    return list(read_records(io.BytesIO(text.encode(encoding)), "csv"))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_utf8_bom_and_gb18030_files_read_the_same_record(encoding):
    """The same Chinese row reads identically from UTF-8, UTF-8 with BOM and GB18030 bytes."""
    (result,) = read(HEADER + ROW, encoding)
    assert result.position == "line 2" and result.problems == []
    assert result.record == {
        "local_id": "nju-1", "title": "红楼梦", "authors": ["曹雪芹", "高鹗"], "publisher": "人民文学出版社",
        "year": 1982, "isbns": ["7-02-000220-X", "9787020002207"], "subjects": ["古典小说", "清代"], "copies": 3}


@pytest.mark.parametrize("bom, encoding", [(b"", "utf-8"), (b"", "gb18030"), (b"\x84\x31\x95\x33", "gb18030"),
                                           (b"", "utf-16"), (b"\xef\xbb\xbf", "utf-8")])
def test_gb18030_and_utf16_files_with_or_without_a_byte_order_mark_read_the_same(bom, encoding):
    """GB18030 with its byte-order mark (84 31 95 33) and UTF-16 read like UTF-8; the mark is no column name."""
    (result,) = list(read_records(io.BytesIO(bom + (HEADER + ROW).encode(encoding)), "csv"))
    assert result.ok and result.problems == [] and result.record["title"] == "红楼梦"
    assert result.record["local_id"] == "nju-1"


def test_header_is_case_insensitive_and_in_any_order_and_empty_cells_are_absent():
    """Columns may come in any order and case; an empty cell means no value."""
    (result,) = read("Title,LOCAL_ID,Year,summary\n算法导论,b9,,\n")
    assert result.record == {"title": "算法导论", "local_id": "b9"}


def test_unknown_columns_are_reported_once_and_ignored():
    """An unknown column is a warning on the first record only; its values are dropped."""
    results = read("local_id,title,price\nb1,书一,12.00\nb2,书二,15.00\n")
    assert [r.ok for r in results] == [True, True]
    assert results[0].problems == ["header: unknown column 'price' ignored"]
    assert results[1].problems == []
    assert "price" not in results[0].record


def test_missing_required_column_is_a_clear_error():
    """A header without title cannot give a usable record: the reader says which column is missing."""
    with pytest.raises(MissingColumns, match="title"):
        read("local_id,author\nb1,someone\n")


def test_an_empty_file_is_a_clear_error():
    """A file with no header line is refused with a message, not a crash."""
    with pytest.raises(EmptyFile):
        list(read_csv(io.BytesIO(b"\n\n")))


def test_each_bad_row_is_reported_with_its_line_and_the_rest_are_read():
    """Empty titles, bad numbers and ragged rows are reported by line; good rows around them survive."""
    text = (HEADER
            + "ok-1,第一本,,,2001,,,\n"
            + "no-title,,作者,,,,,\n"
            + "\n"
            + "bad-year,第三本,,,MMXX,,,\n"
            + 'multi,"跨行\n题名",,,2003,,,\n'
            + "ragged,第五本,,,2004,,,,extra,cells\n"
            + "ok-2,第六本,,,2005,,,2.0\n")
    results = read(text)
    assert [(r.position, r.ok) for r in results] == [
        ("line 2", True), ("line 3", False), ("line 5", False), ("line 6", True), ("line 8", False),
        ("line 9", True)]
    assert "title is empty" in results[1].problems and "(local_id no-title)" in results[1].problems
    assert results[2].problems[0] == "year: 'MMXX' is not a whole number"
    assert results[3].record["title"] == "跨行\n题名"
    assert "10 cells" in results[4].problems[0]
    assert results[5].record["copies"] == 2


def test_a_short_row_reads_missing_trailing_cells_as_empty():
    """Spreadsheets drop trailing empty cells; such a row is still usable."""
    (result,) = read(HEADER + "b1,短行\n")
    assert result.record == {"local_id": "b1", "title": "短行"}


def test_tab_separated_files_with_the_same_header_are_read():
    """A TSV export with the documented header reads like the CSV one."""
    (result,) = read("local_id\ttitle\tauthors\nb1\t围城\t钱锺书\n")
    assert result.record == {"local_id": "b1", "title": "围城", "authors": ["钱锺书"]}


def test_header_only_file_reports_its_header_problems():
    """Header problems are not lost when the file has no data rows."""
    (result,) = read("local_id,title,foo\n")
    assert not result.ok and "the file has no data rows" in result.problems


def test_undecodable_bytes_are_flagged_on_their_rows():
    """Bytes that are neither UTF-8 nor GB18030 are replaced and the row says so."""
    data = HEADER.encode() + b"b1,\xff\xfe\x80title,,,,,,\n"
    (result,) = list(read_records(io.BytesIO(data), "csv"))
    assert any("replaced" in p for p in result.problems)


def _douban_push_rows(path, limit):
    """Map Douban list rows (title, author/publisher/date guesses, tag) to push-record CSV rows."""
    seen, rows = set(), []
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["douban_subject_id"] in seen:
                continue
            seen.add(row["douban_subject_id"])
            year = re.match(r"\d{4}", row["pubdate_guess"] or "")
            rows.append({"local_id": f"db-{row['douban_subject_id']}", "title": row["title"],
                         "authors": row["author_guess"].replace(";", "|"), "publisher": row["publisher_guess"],
                         "year": year.group(0) if year else "", "subjects": row["tag"], "language": "zh"})
            if len(rows) == limit:
                return rows
    return rows


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_real_douban_book_list_reads_back_every_book(shared_data, tmp_path, encoding):
    """3,000 real Chinese books written as a push CSV (UTF-8 BOM and GB18030) read back field for field."""
    rows = _douban_push_rows(shared_data / "chinese_books" / "douban30000" / "douban_tag_lists.csv", 3000)
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / "douban.csv"
    path.write_bytes(buffer.getvalue().encode(encoding, errors="strict"))
    with open(path, "rb") as fh:
        results = list(read_records(fh, "csv"))
    assert len(results) == len(rows) == 3000
    assert all(r.ok for r in results), [r for r in results if not r.ok][:3]
    by_id = {r.record["local_id"]: r.record for r in results}
    for row in rows:
        record = by_id[row["local_id"]]
        assert record["title"] == row["title"].strip()
        assert record.get("authors", []) == [a.strip() for a in re.split("[;|]", row["authors"]) if a.strip()]
        assert record.get("year") == (int(row["year"]) if row["year"] else None)
    assert by_id["db-1041482"]["title"] == "万历十五年"
