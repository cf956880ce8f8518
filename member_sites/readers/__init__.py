"""Format readers: a member's export file in, push records and per-record problems out.

Readers are pure: they never touch the consortium's database or network. Each yields one
``ReadResult`` per record it met, in file order, and goes on after a bad record.
"""
import importlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from member_sites.errors import UnknownFormat

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

    @property
    def ok(self) -> bool:
        return self.record is not None


def read_records(stream: BinaryIO, fmt: str) -> Iterator[ReadResult]:
    """Read an export file of format ``fmt`` (one of ``FORMATS``)."""
    try:
        module_name, func_name = READERS[fmt].split(":")
    except KeyError:
        raise UnknownFormat(f"Unknown format {fmt!r}; use one of {', '.join(FORMATS)}.") from None
    reader = getattr(importlib.import_module(module_name), func_name)
    return reader(stream)
