"""CSV reader: a spreadsheet export with a documented header in, push records out.

The header names the push record fields of DESIGN.md ("Record fields"), in any order and
case; ``local_id`` and ``title`` are required, every other column is optional::

    local_id,title,subtitle,authors,publisher,year,language,format,isbns,issns,clc,subjects,
    summary,acquired_on,call_number,location,copies,available,url,access,coverage

List columns (``authors``, ``isbns``, ``issns``, ``subjects``) hold several values separated
by ``;`` or ``|``. ``year``, ``copies`` and ``available`` are whole numbers. An empty cell
means "no value". The file is UTF-8 or GB18030 (what Excel saves on a Chinese Windows), with
or without a byte-order mark, or UTF-16 with one (Excel's "Unicode text"); a tab-separated
file with the same header is read too. It is streamed (``member_sites.readers.source``).

Unknown columns are reported once (on the first record) and ignored. A row the reader cannot
use is reported with its line number and the reason, and the rest are read. Business rules
(valid ISBNs, CLC, formats) are the consortium's to check; the reader only reports what is
obviously unusable (no title, no local id, a number that is not one).
"""
import csv
import itertools
import re
from collections.abc import Iterator
from typing import BinaryIO

from member_sites.errors import EmptyFile, MissingColumns
from member_sites.readers import ReadResult
from member_sites.readers.source import DEFAULT_LIMITS, Limits, size_text, text_lines
from member_sites.record.fields import FIELD_NAMES, REQUIRED_NAMES, names_of_kind

FIELDS = FIELD_NAMES
REQUIRED = REQUIRED_NAMES
LIST_FIELDS = names_of_kind("list")
INT_FIELDS = names_of_kind("int")
_LIST_SPLIT = re.compile(r"[;|]")
ENCODINGS = ("utf-8", "gb18030")


def read_csv(stream: BinaryIO, limits: Limits = DEFAULT_LIMITS) -> Iterator[ReadResult]:
    """Read a CSV export (see the module docstring for the header)."""
    lines = text_lines(stream, ENCODINGS, limits)
    try:
        first = next(iter(lines), "")
        rows = csv.reader(itertools.chain([first], lines), dialect=_dialect(first))
        header, header_problems = _read_header(rows)
        yield from _read_rows(rows, header, header_problems, lines)
    finally:
        lines.close()
    if lines.damage:
        yield ReadResult(f"after line {lines.number}", None, [
            f"unusable: compressed file is damaged ({lines.damage}); reading stopped after line {lines.number}"])


def _dialect(first: str):
    return csv.excel_tab if "\t" in first and "," not in first else csv.excel


def _read_header(rows) -> tuple[list[str | None], list[str]]:
    """Column names (None for an ignored column) and the header's problems."""
    for cells in rows:
        if any(c.strip() for c in cells):
            break
    else:
        raise EmptyFile("The CSV file is empty: it needs a header line naming the record fields.")
    names = [c.strip().lstrip("\ufeff").lower().replace(" ", "_").replace("-", "_") for c in cells]
    missing = [f for f in REQUIRED if f not in names]
    if missing:
        shown = [ascii(c)[1:-1] if not c.isprintable() else c for c in names if c]
        raise MissingColumns(
            f"The CSV header lacks the required column(s) {', '.join(missing)}; "
            f"it has {', '.join(shown[:30]) or 'none'}. Required: {', '.join(REQUIRED)}. "
            "Is the file a CSV export with a header line, in UTF-8, UTF-16 or GB18030?")
    problems, seen, header = [], set(), []
    for name in names:
        if name in FIELDS and name not in seen:
            seen.add(name)
            header.append(name)
            continue
        header.append(None)
        if name in seen:
            problems.append(f"header: column {name!r} appears twice; only the first is read")
        else:
            problems.append(f"header: unknown column {name!r} ignored")
    return header, problems


def _read_rows(rows, header, header_problems, lines) -> Iterator[ReadResult]:
    pending = list(header_problems)
    line = rows.line_num + 1
    while True:
        try:
            cells = next(rows)
        except StopIteration:
            break
        except csv.Error as exc:
            yield ReadResult(f"line {line}", None, [f"unreadable CSV row: {exc}"])
            line = rows.line_num + 1
            continue
        position, first_line = f"line {line}", line
        line = rows.line_num + 1
        if not any(c.strip() for c in cells):
            continue
        if any(n in lines.overlong for n in range(first_line, line)):
            yield ReadResult(position, None, [f"unusable: line longer than {size_text(lines.max_chars)}; skipped"])
            continue
        result = parse_row(position, cells, header)
        if lines.replaced and any("\ufffd" in c for c in cells):
            result.problems.append("bytes that are neither UTF-8 nor GB18030 were replaced by \ufffd")
        if pending:
            result.problems[:0] = pending
            pending = []
        yield result
    if pending:
        yield ReadResult("header", None, pending + ["the file has no data rows"])


def parse_row(position: str, cells: list[str], header: list[str | None]) -> ReadResult:
    """One data row as a push record, or None with the reasons it cannot be used."""
    if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
        return ReadResult(position, None, [
            f"the row has {len(cells)} cells but the header names {len(header)} columns "
            "(an unquoted comma in a value?)"])
    record, problems = {}, []
    for name, cell in zip(header, cells):
        value = cell.strip()
        if name is None or not value:
            continue
        if name in LIST_FIELDS:
            record[name] = [v.strip() for v in _LIST_SPLIT.split(value) if v.strip()]
        elif name in INT_FIELDS:
            number = _whole_number(value)
            if number is None:
                problems.append(f"{name}: {value!r} is not a whole number")
            record[name] = number
        else:
            record[name] = value
    for name in REQUIRED:
        if not record.get(name):
            problems.append(f"{name} is empty")
    if problems:
        if record.get("local_id"):
            problems.append(f"(local_id {record['local_id']})")
        return ReadResult(position, None, problems)
    return ReadResult(position, {k: v for k, v in record.items() if v is not None})


def _whole_number(value: str) -> int | None:
    text = value.replace(",", "").strip()
    if text.endswith(".0"):
        text = text[:-2]  # spreadsheets save 3 as "3.0"
    try:
        return int(text)
    except ValueError:
        return None
