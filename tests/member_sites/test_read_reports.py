"""What the readers tell a librarian: unique local ids within a file, the right format per record,
the cause of a rejection first, and how much was skipped when reading stopped."""
import gzip
import io

from pymarc import Field, Indicators, Record, Subfield

from member_sites.readers import read_records
from member_sites.summary import Summary
from member_sites.sync import count_result
from tests.member_sites.test_marc import book


def _no_001(title: str, isbn: str | None = None) -> bytes:
    record = Record(leader="00000nam a2200000 a 4500", force_utf8=True)
    record.add_field(Field("245", Indicators("1", "0"), [Subfield("a", title)]))
    if isbn:
        record.add_field(Field("020", Indicators(" ", " "), [Subfield("a", isbn)]))
    return record.as_marc()


def marc(*records: bytes, fmt: str = "marc21") -> list:
    return list(read_records(io.BytesIO(b"".join(records)), fmt))


def test_records_without_001_that_look_alike_get_two_holdings_not_one():
    """Two copies of one record without 001 (the content hash collided) get distinct ids, reported."""
    first, second, other = marc(_no_001("活着"), _no_001("活着"), _no_001("兄弟"))
    assert first.ok and second.ok and other.ok
    assert second.record["local_id"] == first.record["local_id"] + "~2"
    assert len({first.record["local_id"], second.record["local_id"], other.record["local_id"]}) == 3
    assert any("same content as record 1" in p for p in second.problems)


def test_derived_ids_are_stable_across_pushes_of_the_same_file():
    """Reading the same file twice gives the same local ids, numbered ones included."""
    data = [_no_001("活着"), _no_001("活着"), _no_001("活着", "9787506365437")]
    assert [r.record["local_id"] for r in marc(*data)] == [r.record["local_id"] for r in marc(*data)]


def test_a_repeated_001_is_reported_not_silently_collapsed():
    """Two different records sharing 001 "rec-1": the second is rejected, naming the first."""
    first, second = marc(book(("245", [("a", "活着")])), book(("245", [("a", "兄弟")])))
    assert first.ok and not second.ok
    assert second.reasons[0].startswith("unusable: local id 'rec-1' repeats the one of record 1")


def test_a_repeated_csv_local_id_is_reported():
    """A CSV with the same local_id on two lines keeps the first and reports the second."""
    results = list(read_records(io.BytesIO("local_id,title\nb1,书一\nb1,书二\n".encode()), "csv"))
    assert [r.ok for r in results] == [True, False]
    assert "repeats the one of line 2" in results[1].reasons[0]


def test_repeated_001s_in_a_real_file_are_counted_as_rejections(shared_data):
    """Stanford's split-items test file repeats its 001s: each repeat is a rejection with a reason."""
    with open(shared_data / "marc/stanford_searchworks/mrc/splitItemsTest.mrc", "rb") as fh:
        results = list(read_records(fh, "marc21"))
    repeats = [r for r in results if not r.ok]
    assert len(repeats) == 6 and all("repeats the one of record" in r.reasons[0] for r in repeats)
    ids = [r.record["local_id"] for r in results if r.ok]
    assert len(ids) == len(set(ids))


def test_a_unimarc_record_in_a_marc21_file_names_the_format_to_use(shared_data):
    """pymarc's UNIMARC sample between two MARC21 records: it alone is refused, saying "cnmarc"."""
    unimarc = (shared_data / "marc/pymarc/testunimarc.dat").read_bytes()
    results = marc(book(("245", [("a", "活着")])), unimarc, book(("245", [("a", "兄弟")]), control="rec-2"))
    assert [r.ok for r in results] == [True, False, True]
    assert results[1].reasons[0].startswith("unusable: UNIMARC/CNMARC record")
    assert "format cnmarc" in results[1].reasons[0]


def test_a_marc21_record_in_a_cnmarc_file_names_the_format_to_use(shared_data):
    """Read as CNMARC, MARC21 records are refused with "use marc21", not "no title"."""
    with open(shared_data / "marc/evergreen/datasets/lul_fre_100.mrc", "rb") as fh:
        results = list(read_records(fh, "cnmarc"))
    assert len(results) == 100 and not any(r.ok for r in results)
    assert all(r.reasons[0].startswith("unusable: MARC21 record") and "format marc21" in r.reasons[0]
               for r in results)


def test_a_rejection_shows_its_cause_before_any_warning():
    """A rejected record's reasons in the summary start with the cause, then the warnings."""
    broken = book(("245", [("a", "活着")]), ("020", [("a", "123")]))
    results = marc(broken, broken)  # the second repeats rec-1
    summary = Summary()
    for result in results:
        count_result(summary, result)
    assert summary.rejections[0].reasons[0].startswith("unusable: local id")


def test_marcxml_that_stops_says_how_many_records_were_skipped(shared_data):
    """Evergreen's serials file has junk after its first document: the report counts what was lost."""
    with open(shared_data / "marc/evergreen/datasets/serials_marc21.xml", "rb") as fh:
        results = list(read_records(fh, "marcxml"))
    last = results[-1].reasons[0]
    assert "not well-formed" in last and "reading stopped after record" in last and "skipping" in last


def test_a_broken_marcxml_file_counts_the_records_after_the_break():
    """Five records, the third broken: two read, the stop says three were skipped."""
    record = ('<record><leader>00000nam a2200000 a 4500</leader><controlfield tag="001">r{n}</controlfield>'
              '<datafield tag="245" ind1="0" ind2="0"><subfield code="a">T{n}</subfield></datafield></record>')
    body = "".join(record.format(n=n) for n in range(5)).replace("</record><record><leader>00000nam a2200000 a 4500"
                                                                   "</leader><controlfield tag=\"001\">r3", "</broken>", 1)
    results = marc(f'<collection xmlns="http://www.loc.gov/MARC21/slim">{body}</collection>'.encode(), fmt="marcxml")
    assert [r.ok for r in results] == [True, True, False]
    assert "reading stopped after record 2, skipping 2 more records" in results[-1].reasons[0]


def test_a_damaged_gzip_says_reading_stopped_and_that_the_rest_is_unknown():
    """A .mrc.gz cut short: the last result says where reading stopped."""
    data = gzip.compress(b"".join(book(("245", [("a", f"书{n}")]), control=f"r{n}") for n in range(300)))
    results = marc(data[: len(data) // 2])
    assert "reading stopped after record" in results[-1].reasons[0]
    assert "compressed file is damaged" in results[-1].reasons[0]
