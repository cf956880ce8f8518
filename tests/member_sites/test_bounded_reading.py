"""Hostile files cannot exhaust the machine: every reader streams with bounded memory and stops
with a clear error past the unpacked-size limit (generated gzip files, measured with tracemalloc)."""
import gzip
import io
import time
import tracemalloc

import pytest

from member_sites.errors import FileTooLarge
from member_sites.readers import read_records
from member_sites.readers.source import DEFAULT_LIMITS, Limits

MB = 1 << 20


def hostile_gzip(path, head: bytes, filler: bytes, size: int, tail: bytes = b"") -> None:
    """A gzip file unpacking to ``size`` bytes: ``head``, then ``filler`` repeated, then ``tail``."""
    block = filler * (MB // len(filler))
    with gzip.open(path, "wb", compresslevel=1) as out:
        out.write(head)
        for _ in range(size // len(block)):
            out.write(block)
        out.write(tail)


def read_measured(path, fmt: str, limits: Limits = DEFAULT_LIMITS) -> tuple[list, int, float]:
    """The results, the peak of Python allocations while reading, and the seconds it took."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with open(path, "rb") as fh:
            results = list(read_records(fh, fmt, limits))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return results, peak, time.perf_counter() - started


@pytest.mark.slow
def test_a_200_mb_gzipped_marc_file_without_terminators_reads_in_bounded_memory(tmp_path):
    """200 MB of MARC-looking bytes with no record terminator: one clear rejection, < 8 MB held."""
    path = tmp_path / "hostile.mrc.gz"
    hostile_gzip(path, b"00000nam a2200000 a 4500", b"a", 200 * MB)
    assert path.stat().st_size < 2 * MB
    results, peak, _seconds = read_measured(path, "marc21")
    assert len(results) == 1 and not results[0].ok
    assert results[0].reasons[0].startswith("unusable: no record terminator within 1 MiB")
    assert peak < 8 * MB, f"peak {peak / MB:.1f} MB"


def test_a_good_record_after_an_overlong_stretch_is_still_read(tmp_path):
    """Garbage past the record limit is skipped up to the next terminator; the record after it counts."""
    from tests.member_sites.test_marc import book

    path = tmp_path / "mixed.mrc.gz"
    hostile_gzip(path, b"", b"x", 3 * MB, tail=b"\x1d" + book(("245", [("a", "活着")])))
    results, peak, _ = read_measured(path, "marc21")
    assert [r.ok for r in results] == [False, True] and results[1].record["title"] == "活着"
    assert peak < 8 * MB


@pytest.mark.parametrize("fmt, head", [
    ("marc21", b""), ("marcxml", b'<collection xmlns="http://www.loc.gov/MARC21/slim">'), ("cnmarc", b""),
    ("csv", b"local_id,title\n"), ("kbart", b"publication_title\ttitle_id\n"),
])
def test_every_reader_stops_at_the_unpacked_size_limit_with_a_clear_error(tmp_path, fmt, head):
    """A gzip unpacking past the limit (here 8 MB) raises FileTooLarge naming the limit."""
    path = tmp_path / f"bomb.{fmt}.gz"
    hostile_gzip(path, head, b" ", 16 * MB)
    with pytest.raises(FileTooLarge, match="unpacks to more than 8 MiB"):
        read_measured(path, fmt, Limits(max_unpacked=8 * MB, max_record=4 * MB))


def test_a_marcxml_record_that_never_ends_stops_the_reading_in_bounded_memory(tmp_path):
    """One subfield of 64 MB: reading stops at the XML record limit, holding a few MB at most."""
    path = tmp_path / "endless.xml.gz"
    hostile_gzip(path, b'<collection xmlns="http://www.loc.gov/MARC21/slim"><record><datafield tag="245" '
                       b'ind1="0" ind2="0"><subfield code="a">', b"a", 64 * MB)
    results, peak, _ = read_measured(path, "marcxml")
    assert len(results) == 1 and "record 1 is larger than 4 MiB of XML" in results[0].reasons[0]
    assert peak < 24 * MB, f"peak {peak / MB:.1f} MB"


@pytest.mark.parametrize("fmt, head", [("csv", b"local_id,title\nb1,"), ("kbart", b"publication_title\ttitle_id\n")])
def test_an_endless_text_line_is_skipped_in_bounded_memory(tmp_path, fmt, head):
    """A 32 MB line in a CSV or KBART file is reported and skipped; the lines after it are read."""
    path = tmp_path / f"line.{fmt}.gz"
    tail = b"\nb2,\xe4\xb9\xa6\n" if fmt == "csv" else b"\n\xe4\xb9\xa6\tb2\n"
    hostile_gzip(path, head, b"a", 32 * MB, tail=tail)
    results, peak, _ = read_measured(path, fmt)
    assert [r.ok for r in results] == [False, True] and results[1].record["title"] == "书"
    assert "longer than 1 MiB" in results[0].reasons[0]
    assert peak < 12 * MB, f"peak {peak / MB:.1f} MB"


def test_plain_files_are_not_held_whole_either():
    """A plain (not gzip) CSV of 20,000 rows is read with a peak well under its size."""
    data = ("local_id,title\n" + "".join(f"b{n},{'书' * 200}\n" for n in range(20000))).encode()
    tracemalloc.start()
    try:
        count = sum(1 for r in read_records(io.BytesIO(data), "csv") if r.ok)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 20000 and len(data) > 11 * MB
    assert peak < len(data) // 2 + 4 * MB  # the BytesIO itself is the caller's; the reader adds the spool's 4 MB
