"""Readers never crash: arbitrary and damaged input gives ReadResults, never an exception."""
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from member_sites.marc_export import to_marc
from member_sites.readers import FORMATS, ReadResult, read_records
from tests.member_sites.cnmarc_samples import BOOKS, gb18030_record, utf8_record
from tests.member_sites.sample_records import sample_records

VALID = {
    "marc21": b"".join(to_marc(r).as_marc() for r in sample_records(3)),
    "cnmarc": utf8_record(BOOKS[0]) + gb18030_record(BOOKS[1]),
    "kbart": "publication_title\tprint_identifier\ttitle_id\n三体\t9787536692930\tT1\n".encode(),
    "marcxml": b'<collection xmlns="http://www.loc.gov/MARC21/slim"><record><leader>00000nam a2200000 a 4500'
               b'</leader><controlfield tag="001">x1</controlfield><datafield tag="245" ind1="0" ind2="0">'
               b'<subfield code="a">Title</subfield></datafield></record></collection>',
}
READERS = [f for f in FORMATS if f in VALID]  # the CSV reader is another engineer's


def read_all(data: bytes, fmt: str) -> list[ReadResult]:
    results = list(read_records(io.BytesIO(data), fmt))
    assert all(isinstance(r, ReadResult) and r.position for r in results)
    assert all(r.ok or any(p.startswith("unusable:") for p in r.problems) for r in results)
    return results


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(READERS), st.binary(max_size=600))
def test_arbitrary_bytes_never_crash_a_reader(fmt, data):
    """Random bytes are read as (mostly unusable) results with reasons."""
    results = read_all(data, fmt)
    assert all(r.ok or r.problems for r in results)


@settings(max_examples=120, deadline=None)
@given(st.sampled_from(READERS), st.data())
def test_damaged_valid_files_never_crash_a_reader(fmt, data):
    """A real export with bytes overwritten, cut or inserted still reads without an exception."""
    raw = bytearray(VALID[fmt])
    for _ in range(data.draw(st.integers(1, 6))):
        at = data.draw(st.integers(0, len(raw) - 1))
        action = data.draw(st.sampled_from(["set", "cut", "insert"]))
        byte = data.draw(st.integers(0, 255))
        if action == "set":
            raw[at] = byte
        elif action == "cut":
            del raw[at: at + data.draw(st.integers(1, 30))]
        else:
            raw[at:at] = bytes([byte])
        if not raw:
            raw = bytearray(b"x")
    results = read_all(bytes(raw), fmt)
    assert all(r.ok or r.problems for r in results)
