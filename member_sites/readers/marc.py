"""MARC21 readers: ISO 2709 binary (MARC-8 or UTF-8) and MARCXML.

Binary files are split at the record terminator (0x1D) rather than trusted by the leader's
record length: one record with a wrong length would otherwise shift every record after it.
Each chunk is decoded by pymarc; a chunk pymarc cannot decode is reported with its record
number, byte offset and pymarc's reason, and reading goes on.

Character sets: leader/09 'a' → UTF-8 (invalid bytes → U+FFFD, reported); blank → MARC-8,
except when the data has no MARC-8 escape sequences and is valid UTF-8 with non-ASCII bytes:
such records are mis-flagged UTF-8 (common in exports) and are read as UTF-8, reported.

MARCXML is parsed with defusedxml (no DTDs, entities or external references) one ``record``
element at a time, so one malformed record is reported and the rest are read; a file that is
not well-formed XML stops at the error, which is reported with its line and the number of
``<record>`` elements in the rest of the file that were skipped.

Memory is bounded whatever the file holds (``member_sites.readers.source``): gzip is unpacked
as it is read and stops at ``Limits.max_unpacked``; binary data running past
``Limits.max_record`` without a record terminator is reported and skipped; a MARCXML record
larger than four times that stops the reading.
"""
import logging
import re
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

from pymarc import Field, Indicators, Leader, Record, Subfield

from member_sites.readers import ReadResult
from member_sites.readers.marc_mapping import record_from_marc
from member_sites.readers.source import BLOCK, DEFAULT_LIMITS, Limits, damage, size_text, unpacked

__all__ = ["read_marc21", "read_marcxml", "record_from_marc", "record_from_element", "chunks"]

END_OF_RECORD = b"\x1d"
MARC_NS = "http://www.loc.gov/MARC21/slim"
_BLOCK = 1 << 20
# a MARCXML record is about three times its ISO 2709 size
_XML_RECORD_FACTOR = 4
_RECORD_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?record[\s>/]")


class OverlongRecord(bytes):
    """What ``chunks`` gives for data that ran past the record limit without a terminator: its
    first bytes only (the rest was skipped, never held)."""


def damaged(source, after: int) -> Iterator[ReadResult]:
    """A final result when decompression failed part-way (nothing when it did not)."""
    error = damage(source)
    if error:
        yield ReadResult(f"after record {after}", None, [
            f"unusable: compressed file is damaged ({error}); reading stopped after record {after}: "
            "the rest of the file cannot be unpacked, so how many records it held is not known"])


def chunks(stream: BinaryIO, max_record: int = DEFAULT_LIMITS.max_record) -> Iterator[tuple[int, bytes]]:
    """(byte offset, raw record) for each 0x1D-terminated record; a trailing rest is yielded too.

    Offsets count bytes of the (decompressed) MARC data. Data running past ``max_record`` bytes
    without a terminator comes out as one ``OverlongRecord`` and is skipped up to the next
    terminator, so memory stays bounded whatever the file holds."""
    buffer, offset, skipping = bytearray(), 0, False
    while block := stream.read(_BLOCK):
        buffer += block
        start = 0
        while (end := buffer.find(END_OF_RECORD, start)) >= 0:
            if not skipping:
                yield from _trimmed(offset + start, bytes(buffer[start: end + 1]))
            skipping, start = False, end + 1
        if not skipping and len(buffer) - start > max_record:
            yield offset + start, OverlongRecord(bytes(buffer[start: start + 24]))
            skipping = True
        if skipping:
            start = len(buffer)
        del buffer[:start]
        offset += start
    if not skipping:
        yield from _trimmed(offset, bytes(buffer))


def _trimmed(offset: int, chunk: bytes) -> Iterator[tuple[int, bytes]]:
    stripped = chunk.lstrip(b"\r\n\t \x00\x1a")  # line ends / padding some exporters put between records
    if stripped.strip(b"\r\n\t \x00\x1a"):
        yield offset + len(chunk) - len(stripped), stripped


def _looks_utf8(chunk: bytes) -> bool:
    if b"\x1b" in chunk or chunk.isascii():
        return False
    try:
        chunk.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class _PymarcLog(logging.Handler):
    """Turns pymarc's log warnings (bad indicators...) into the current record's problems."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.local = threading.local()

    def emit(self, record: logging.LogRecord) -> None:
        target = getattr(self.local, "problems", None)
        if target is not None:
            target.append(f"pymarc: {record.getMessage()}"[:300])


_PYMARC_LOG: _PymarcLog | None = None


def _pymarc_log() -> _PymarcLog:
    global _PYMARC_LOG
    if _PYMARC_LOG is None:  # installed on first use, never at import
        _PYMARC_LOG = _PymarcLog()
        logging.getLogger("pymarc").addHandler(_PYMARC_LOG)
    return _PYMARC_LOG


@contextmanager
def pymarc_problems(problems: list[str]):
    """Collect pymarc's warnings and log messages while decoding into ``problems``."""
    log = _pymarc_log()
    log.local.problems = problems
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
    finally:
        log.local.problems = None
    problems.extend(f"pymarc: {warning.message}" for warning in caught)


def decode_chunk(chunk: bytes, problems: list[str]) -> Record:
    """A pymarc Record from raw ISO 2709 bytes; decoding choices are added to ``problems``."""
    with pymarc_problems(problems):
        return _decode(chunk, problems)


def _decode(chunk: bytes, problems: list[str]) -> Record:
    if chunk[9:10] == b"a":
        try:
            return Record(chunk, hide_utf8_warnings=True)
        except UnicodeDecodeError:
            problems.append("invalid UTF-8 bytes replaced by U+FFFD")
            return Record(chunk, hide_utf8_warnings=True, utf8_handling="replace")
    if chunk.isascii():  # identical in MARC-8 and UTF-8; skips pymarc's slow MARC-8 translation
        return Record(chunk, force_utf8=True, hide_utf8_warnings=True)
    if _looks_utf8(chunk):
        problems.append("leader/09 says MARC-8 but the data is UTF-8; read as UTF-8")
        return Record(chunk, force_utf8=True, hide_utf8_warnings=True)
    return Record(chunk, hide_utf8_warnings=True)


def read_marc21(stream: BinaryIO, limits: Limits = DEFAULT_LIMITS) -> Iterator[ReadResult]:
    """Read ISO 2709 MARC21 records (plain or gzip); every record yields a ReadResult, in file order."""
    return read_iso2709(stream, decode_chunk, record_from_marc, limits)


def read_iso2709(stream: BinaryIO, decode, to_result, limits: Limits = DEFAULT_LIMITS) -> Iterator[ReadResult]:
    """Split an ISO 2709 file at record terminators and read each record on its own, so one
    wrong record length never shifts the records after it; ``decode(chunk, problems)`` builds
    a pymarc Record, ``to_result(record, position, problems)`` maps it."""
    source, number = unpacked(stream, limits), 0
    for number, (offset, chunk) in enumerate(chunks(source, limits.max_record), start=1):
        position = f"record {number} (byte {offset})"
        problems: list[str] = []
        if isinstance(chunk, OverlongRecord):
            yield ReadResult(position, None, [
                f"unusable: no record terminator within {size_text(limits.max_record)} (not ISO 2709 data, "
                "or a damaged record); skipped to the next record terminator"])
            continue
        if not chunk.endswith(END_OF_RECORD):
            yield ReadResult(position, None, ["unusable: truncated record (no record terminator at end of file)"])
            continue
        try:
            record = decode(chunk, problems)
        except Exception as exc:  # pymarc raises many types (ValueError, IndexError, its own) for bad bytes
            problems.insert(0, f"unusable: cannot decode record: {type(exc).__name__}: {exc}".rstrip(": "))
            yield ReadResult(position, None, problems)
            continue
        yield to_result(record, position, problems)
    yield from damaged(source, number)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _is_marc_record(elem) -> bool:
    return elem.tag in (f"{{{MARC_NS}}}record", "record")


def record_from_element(elem) -> Record:
    """A pymarc Record from a MARCXML ``record`` element (raises ValueError when malformed)."""
    record = Record()
    for child in elem:
        name = _local(child.tag)
        if name == "leader":
            record.leader = Leader((child.text or "").ljust(24)[:24])
        elif name == "controlfield":
            record.add_field(Field(_attr(child, "tag"), data=child.text or ""))
        elif name == "datafield":
            subfields = [Subfield(_attr(s, "code"), s.text or "") for s in child if _local(s.tag) == "subfield"]
            indicators = Indicators(child.get("ind1", " ")[:1] or " ", child.get("ind2", " ")[:1] or " ")
            record.add_field(Field(_attr(child, "tag"), indicators, subfields))
    return record


def _attr(elem, name: str) -> str:
    value = elem.get(name)
    if value is None:
        raise ValueError(f"<{_local(elem.tag)}> without a {name} attribute")
    return value


class _RecordTooLarge(Exception):
    """Raised inside the XML parser's reads: one record ran past the limit."""


class _Metered:
    """The parser's view of the file: counts bytes since the last complete record (to bound a
    record's size) and every ``<record`` start tag (to say how many were skipped on a stop)."""

    def __init__(self, source, max_record: int):
        self.source, self.max_record = source, max_record
        self.since_record, self.tags, self._tail = 0, 0, b""

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(BLOCK if size is None or size < 0 else size)
        self._count(data)
        self.since_record += len(data)
        if self.since_record > self.max_record:
            raise _RecordTooLarge()
        return data

    def _count(self, data: bytes) -> None:
        window = self._tail + data
        # a tag wholly inside the tail was counted with the previous block
        self.tags += sum(1 for m in _RECORD_TAG.finditer(window) if m.end() > len(self._tail))
        self._tail = window[-40:]

    def record_done(self) -> None:
        self.since_record = 0

    def drain(self) -> None:
        """Read (and count) the rest of the file after the parser stopped."""
        while data := self.source.read(BLOCK):
            self._count(data)


def read_marcxml(stream: BinaryIO, limits: Limits = DEFAULT_LIMITS) -> Iterator[ReadResult]:
    """Read MARCXML (a collection, a single record, or records inside any wrapper such as SRU)."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, iterparse

    source = unpacked(stream, limits)
    metered = _Metered(source, limits.max_record * _XML_RECORD_FACTOR)
    number, events = 0, iterparse(metered, events=("start", "end"))
    root = None
    try:
        for event, elem in events:
            if root is None:
                root = elem
            if event != "end" or not _is_marc_record(elem):
                continue
            number += 1
            metered.record_done()
            yield _element_result(elem, f"record {number}")
            elem.clear()
            root.clear()  # records already read are not kept in memory
    except _RecordTooLarge:
        yield _stopped(metered, number, f"record {number + 1} is larger than "
                       f"{size_text(metered.max_record)} of XML (or the file is not MARCXML)")
        return
    except (ParseError, DefusedXmlException) as exc:
        if damage(source):
            yield from damaged(source, number)
            return
        yield _stopped(metered, number, f"XML is not well-formed ({exc})")
        return
    if root is not None and number == 0:
        yield ReadResult("file", None, ["unusable: no MARCXML <record> elements found"])


def _stopped(metered: _Metered, number: int, cause: str) -> ReadResult:
    """The result that ends a MARCXML file read part-way, saying how many records were lost."""
    metered.drain()
    skipped = max(0, metered.tags - number)
    return ReadResult(f"after record {number}", None, [
        f"unusable: {cause}; reading stopped after record {number}, "
        f"skipping {skipped} more record{'s' if skipped != 1 else ''} in the rest of the file"])


def _element_result(elem, position: str) -> ReadResult:
    problems: list[str] = []
    try:
        record = record_from_element(elem)
    except ValueError as exc:
        return ReadResult(position, None, [f"unusable: malformed MARCXML record: {exc}"])
    if not str(record.leader).strip():
        problems.append("no leader; read as a book")
        record.leader = Leader("     nam a22     2a 4500")
    return record_from_marc(record, position, problems)
