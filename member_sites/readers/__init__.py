"""Format readers: a member's export file in, push records and per-record problems out.

Readers are pure: they never touch the consortium's database or network. Each yields one
``ReadResult`` per record it met, in file order, and goes on after a bad record. They stream:
memory stays bounded by ``Limits`` (``member_sites.readers.source``) whatever the file holds.

Local ids are unique within a file (``distinct_ids``): a reader that had to derive an id from a
record's content (no 001, no title_id) numbers a repeat ("marc:…~2", stable while the file keeps
its order); a repeated id the file itself gives is reported, since the consortium keeps one
holding per local id and would silently keep only the last.
"""
import importlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from member_sites.errors import UnknownFormat
from member_sites.readers.source import DEFAULT_LIMITS, Limits

# format name → "module:function"; each function takes a binary file object and yields ReadResult
READERS = {
    "marc21": "member_sites.readers.marc:read_marc21",
    "marcxml": "member_sites.readers.marc:read_marcxml",
    "cnmarc": "member_sites.readers.cnmarc:read_cnmarc",
    "csv": "member_sites.readers.csv_reader:read_csv",
    "kbart": "member_sites.readers.kbart:read_kbart",
}
FORMATS = tuple(READERS)


@dataclass
class ReadResult:
    """One record as read: ``record`` is a push record dict (DESIGN.md fields) or None when it
    could not be used; ``problems`` says why (or warns about fields that were dropped);
    ``position`` locates it for the librarian ("record 12", "line 40", "byte 5123")."""

    position: str
    record: dict | None
    problems: list[str] = field(default_factory=list)
    derived_id: bool = False  # the local id was derived from the record's content

    @property
    def ok(self) -> bool:
        return self.record is not None

    @property
    def reasons(self) -> list[str]:
        """The problems with a rejection's cause ("unusable: …") first."""
        causes = [p for p in self.problems if p.startswith("unusable:")]
        return causes + [p for p in self.problems if not p.startswith("unusable:")]


def read_records(stream: BinaryIO, fmt: str, limits: Limits = DEFAULT_LIMITS) -> Iterator[ReadResult]:
    """Read an export file of format ``fmt`` (one of ``FORMATS``)."""
    try:
        module_name, func_name = READERS[fmt].split(":")
    except KeyError:
        raise UnknownFormat(f"Unknown format {fmt!r}; use one of {', '.join(FORMATS)}.") from None
    reader = getattr(importlib.import_module(module_name), func_name)
    return distinct_ids(reader(stream, limits))


def distinct_ids(results: Iterable[ReadResult]) -> Iterator[ReadResult]:
    """Results whose local ids are unique within the file (see the module docstring)."""
    first: dict[str, str] = {}  # local id → position of the record that has it
    for result in results:
        local_id = result.record.get("local_id") if result.record else None
        if local_id is None:
            yield result
            continue
        if local_id in first:
            if not result.derived_id:
                yield ReadResult(result.position, None, [
                    f"unusable: local id {local_id!r} repeats the one of {first[local_id]} in this file; "
                    "the consortium keeps one holding per local id, so give each record its own"]
                    + result.problems)
                continue
            number = 2
            while f"{local_id}~{number}" in first:
                number += 1
            result.record["local_id"] = f"{local_id}~{number}"
            result.problems.append(f"same content as {first[local_id]}; local id numbered {local_id}~{number}")
        first[result.record["local_id"]] = result.position
        yield result
