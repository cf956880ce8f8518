"""Push record → MARC21 (UTF-8), the inverse of the MARC reader's main fields.

Used to build large MARC files for benchmarks and end-to-end tests (e.g. a 20,000-record
``member-sync push`` run); reading the output back gives the same push fields.
"""
from collections.abc import Iterable
from typing import BinaryIO

from pymarc import Field, Indicators, Record, Subfield

_LANG3 = {"zh": "chi", "en": "eng", "ja": "jpn", "fr": "fre", "de": "ger", "ru": "rus"}


def _field(tag: str, subfields: list[tuple[str, str]], ind=(" ", " ")) -> Field | None:
    pairs = [Subfield(code, str(value)) for code, value in subfields if value not in (None, "")]
    return Field(tag, Indicators(*ind), pairs) if pairs else None


def _fixed(record: dict) -> str:
    year = str(record.get("year") or "    ")[:4].rjust(4)
    lang = _LANG3.get(record.get("language") or "", record.get("language") or "und")[:3].ljust(3)
    form = "o" if record.get("format") in ("ebook", "ejournal") else " "
    return f"240101s{year}    cc " + " " * 5 + form + " " * 11 + f"{lang} d"  # 008/23 form, 008/35-37 language


def to_marc(record: dict) -> Record:
    """A MARC21 bibliographic record carrying the push record's fields."""
    level = "s" if record.get("format") in ("journal", "ejournal") else "m"
    marc = Record(force_utf8=True, leader=f"00000na{level} a2200000 a 4500")
    marc.add_field(Field("001", data=str(record["local_id"])), Field("008", data=_fixed(record)))
    authors = record.get("authors") or []
    fields = [*[_field("020", [("a", i)]) for i in record.get("isbns") or []],
              *[_field("022", [("a", i)]) for i in record.get("issns") or []],
              _field("084", [("a", record.get("clc")), ("2", "clc")]) if record.get("clc") else None,
              _field("100", [("a", authors[0])], ("1", " ")) if authors else None,
              _field("245", [("a", record["title"]), ("b", record.get("subtitle"))], ("1", "0")),
              _field("264", [("b", record.get("publisher")), ("c", record.get("year"))], (" ", "1")),
              _field("520", [("a", record.get("summary"))]),
              *[_field("650", [("a", s)], (" ", "0")) for s in record.get("subjects") or []],
              *[_field("700", [("a", a)], ("1", " ")) for a in authors[1:]],
              _field("856", [("u", record.get("url"))], ("4", "0")),
              _field("852", [("b", record.get("location")), ("h", record.get("call_number"))])]
    for field in fields:
        if field is not None:
            marc.add_field(field)
    return marc


def write_marc21(records: Iterable[dict], stream: BinaryIO) -> int:
    """Write push records as ISO 2709 MARC21; returns how many were written."""
    count = 0
    for record in records:
        stream.write(to_marc(record).as_marc())
        count += 1
    return count
