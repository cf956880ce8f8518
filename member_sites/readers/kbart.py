"""KBART (Phase II, also Phase I files) reader: one e-resource per title row.

The file is streamed (gzip unpacked on the fly, bounded by ``Limits``). Encoding: a UTF-8,
UTF-16 or GB18030 BOM decides; else UTF-8, else Windows-1252, else Latin-1 (the fallback is
reported on the first row). Line ends CR, LF and CRLF all work.
Values may be wrapped in double quotes (some providers quote every cell); the quotes are removed.

Header quirks: names are matched case-insensitively, RP1 ``coverage_notes`` counts as ``notes``,
and a header cell holding two known names separated by a space (a provider typo for a tab) is
split, reported. Rows with more cells than the header are reported unless the extra cells are
empty (a trailing tab); short rows are padded and reported. Blank lines are skipped.

Mapping: ``publication_type`` serial → ejournal, monograph → ebook (blank: by identifier
shape); ISBNs for monographs, ISSNs for serials (invalid ones dropped and reported, the title is
kept); ``title_url`` → url; ``first_author``/``first_editor`` → authors; ``publisher_name``;
year from ``date_monograph_published_online`` (else ``_print``) for monographs;
``access_type`` F → open, P → consortium; ``coverage`` from first/last issue online, embargo,
coverage depth and notes. ``local_id``: ``title_id``, else ``online_identifier``, else
``print_identifier``, else a content hash of title and URL (reported). Consecutive rows with
the same id are one title listed once per coverage range: they become one record whose
coverage lists every range (reported on the record); a row with another title and identifier
under the same id (a title history) gets the local id ``<id>|<its ISSN or ISBN>``.
"""
import re
from collections.abc import Iterator
from typing import BinaryIO

from member_sites.readers import ReadResult
from member_sites.readers.source import DEFAULT_LIMITS, Limits, size_text, text_lines
from member_sites.readers.values import clean, content_id, finish

KBART_COLUMNS = (
    "publication_title", "print_identifier", "online_identifier", "date_first_issue_online",
    "num_first_vol_online", "num_first_issue_online", "date_last_issue_online", "num_last_vol_online",
    "num_last_issue_online", "title_url", "first_author", "title_id", "embargo_info", "coverage_depth",
    "notes", "publisher_name", "publication_type", "date_monograph_published_print",
    "date_monograph_published_online", "monograph_volume", "monograph_edition", "first_editor",
    "parent_publication_title_id", "preceding_publication_title_id", "access_type",
)
_LINE_END = re.compile(r"\r\n|\r|\n")
_ISSN_SHAPE = re.compile(r"^\d{4}-?\d{3}[\dXx]$")
_ACCESS = {"F": "open", "P": "consortium"}
ENCODINGS = ("utf-8", "cp1252", "latin-1")
_ENCODING_NAMES = {"cp1252": "Windows-1252", "latin-1": "Latin-1", "gb18030": "GB18030"}
_DERIVED = "no title_id or identifier; local id derived from title and URL"


def _unquote(cell: str) -> str:
    cell = cell.strip()
    if len(cell) >= 2 and cell[0] == cell[-1] == '"':
        cell = cell[1:-1].replace('""', '"')
    return cell.strip()


def parse_header(line: str) -> tuple[list[str], list[str]]:
    """Column names and problems; a space-joined pair of known names is split."""
    names, problems = [], []
    for cell in line.split("\t"):
        name = _unquote(cell).lstrip("\ufeff").strip().lower()
        parts = name.split()
        if len(parts) > 1 and all(p in KBART_COLUMNS for p in parts):
            problems.append(f"header cell {name!r} split at the space (a tab was meant)")
            names.extend(parts)
        else:
            names.append("notes" if name == "coverage_notes" else name)
    return names, problems


def _is_serial(row: dict) -> bool:
    kind = (row.get("publication_type") or "").lower()
    if kind in ("serial", "monograph"):
        return kind == "serial"
    ids = [row.get("print_identifier") or "", row.get("online_identifier") or ""]
    return any(_ISSN_SHAPE.match(i) for i in ids if i)


def _issue(date, vol, issue) -> str | None:
    detail = ", ".join(filter(None, (f"vol. {vol}" if vol else None, f"no. {issue}" if issue else None)))
    text = " ".join(filter(None, (date, f"({detail})" if detail else None)))
    return text or None


def coverage_text(row: dict) -> str | None:
    """Human-readable coverage: "1987-02-01 (vol. 1, no. 01) – present; embargo P1Y; fulltext"."""
    first = _issue(row.get("date_first_issue_online"), row.get("num_first_vol_online"), row.get("num_first_issue_online"))
    last = _issue(row.get("date_last_issue_online"), row.get("num_last_vol_online"), row.get("num_last_issue_online"))
    parts = [f"{first or '…'} – {last or 'present'}" if first or last else None]
    if row.get("embargo_info"):
        parts.append(f"embargo {row['embargo_info']}")
    parts += [row.get("coverage_depth"), row.get("notes")]
    return clean("; ".join(p for p in parts if p))


def _year(row: dict) -> int | None:
    for key in ("date_monograph_published_online", "date_monograph_published_print"):
        match = re.match(r"\s*(\d{4})", row.get(key) or "")
        if match:
            return int(match.group(1))
    return None


def map_row(row: dict, problems: list[str]) -> dict:
    """Push fields of one KBART row (no validation)."""
    serial = _is_serial(row)
    ids = [i for i in (row.get("print_identifier"), row.get("online_identifier")) if i]
    out = {
        "title": clean(row.get("publication_title")),
        "format": "ejournal" if serial else "ebook",
        "isbns" if not serial else "issns": ids,
        "url": clean(row.get("title_url")),
        "authors": [a for a in (clean(row.get("first_author")), clean(row.get("first_editor"))) if a],
        "publisher": clean(row.get("publisher_name")),
        "year": None if serial else _year(row),
        "coverage": coverage_text(row),
    }
    access = (row.get("access_type") or "").strip().upper()
    out["access"] = _ACCESS.get(access)
    if access and access not in _ACCESS:
        problems.append(f"access_type {access!r} is not F or P; access left unset")
    local_id = clean(row.get("title_id")) or clean(row.get("online_identifier")) or clean(row.get("print_identifier"))
    if not local_id:
        local_id = content_id("kbart", out["title"], out["url"])
        problems.append(_DERIVED)
    out["local_id"] = local_id
    return out


def _cells(line: str, width: int, problems: list[str]) -> list[str]:
    cells = [_unquote(c) for c in line.split("\t")]
    if len(cells) > width and any(cells[width:]):
        problems.append(f"row has {len(cells)} cells, header has {width}; extra cells ignored")
    elif len(cells) < width:
        problems.append(f"row has {len(cells)} cells, header has {width}; missing cells left empty")
        cells += [""] * (width - len(cells))
    return cells[:width]


def read_kbart(stream: BinaryIO, limits: Limits = DEFAULT_LIMITS) -> Iterator[ReadResult]:
    """Read a KBART file; every data row yields a ReadResult with its line number."""
    lines = text_lines(stream, ENCODINGS, limits)
    try:
        yield from _rows(lines, limits)
    finally:
        lines.close()
    if lines.damage:
        yield ReadResult(f"after line {lines.number}", None, [
            f"unusable: compressed file is damaged ({lines.damage}); reading stopped after line {lines.number}: "
            "the rest of the file cannot be unpacked, so how many rows it held is not known"])


def _rows(lines, limits: Limits) -> Iterator[ReadResult]:
    header, pending, held = None, [], None
    for line in lines:
        text = line.rstrip("\r\n")
        if not text.strip():
            continue
        if header is None:
            header, pending = parse_header(text)
            if lines.encoding != "utf-8" and not lines.replaced and lines.encoding != "utf-16":
                pending.append(f"file is not UTF-8; read as {_ENCODING_NAMES[lines.encoding]}")
            continue
        number, problems, pending = lines.number, pending, []
        if number in lines.overlong:
            yield from _flush(held)
            held = None
            yield ReadResult(f"line {number}", None, problems + [
                f"unusable: line longer than {size_text(limits.max_record)}; skipped"])
            continue
        row = _Row(number, dict(zip(header, _cells(text, len(header), problems))), problems)
        if held is not None and held.shares_id(row):
            if held.same_title(row):
                held.merge(row)
                continue
            row.tell_apart(held)
        yield from _flush(held)
        held = row
    yield from _flush(held)


class _Row:
    """A mapped row, held until the next row shows whether it continues the same title."""

    def __init__(self, number: int, cells: dict, problems: list[str]):
        self.number, self.problems = number, problems
        self.record = map_row(cells, problems)
        self.title_id = self.record["local_id"]  # as the file gives it, before ``tell_apart``
        self.derived = self.problems[-1:] == [_DERIVED]

    def shares_id(self, other: "_Row") -> bool:
        return not self.derived and bool(self.record["title"]) and other.title_id == self.title_id

    def same_title(self, other: "_Row") -> bool:
        """Providers list a title once per coverage range, on consecutive rows with one title_id."""
        keys = ("title", "isbns", "issns")  # the URL often differs per range: the first is kept
        return all(self.record.get(k) == other.record.get(k) for k in keys)

    def tell_apart(self, previous: "_Row") -> None:
        """Another title under the previous row's title_id (a title history, as Annual Reviews
        lists them): its own identifier keeps it a holding of its own, stably across pushes."""
        own = next(iter(self.record.get("issns") or self.record.get("isbns") or []), None)
        if not own or own in (previous.record.get("issns") or []) + (previous.record.get("isbns") or []):
            return  # nothing tells them apart: reported as a repeated local id
        local_id = f"{self.title_id}|{own}"
        self.problems.append(f"title id {self.title_id!r} is also line {previous.number}'s "
                             f"(another title, e.g. before a title change); local id {local_id}")
        self.record["local_id"] = local_id

    def merge(self, other: "_Row") -> None:
        ranges = [c for c in (self.record.get("coverage"), other.record.get("coverage")) if c]
        if len(ranges) == 2 and ranges[1] not in ranges[0]:
            self.record["coverage"] = f"{ranges[0]}; {ranges[1]}"
        self.problems.append(f"line {other.number} (same title id, another coverage range) merged into this one")
        self.problems.extend(other.problems)


def _flush(row: _Row | None) -> Iterator[ReadResult]:
    if row is None:
        return
    if not row.record["title"]:
        row.problems.insert(0, "unusable: no publication_title")
        yield ReadResult(f"line {row.number}", None, row.problems)
        return
    yield finish(f"line {row.number}", row.record, row.problems, derived_id=row.derived)
