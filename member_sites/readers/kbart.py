"""KBART (Phase II, also Phase I files) reader: one e-resource per title row.

The file is read whole (KBART lists are at most tens of MB; gzip-compressed files are
decompressed). Encoding: a UTF-8 or UTF-16 BOM decides; else UTF-8, else Windows-1252, else
Latin-1 (the fallback is reported on the first row). Line ends CR, LF and CRLF all work.
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
``print_identifier``, else a content hash of title and URL (reported).
"""
import gzip
import re
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from member_sites.readers import ReadResult
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


def decode_text(data: bytes) -> tuple[str, str | None]:
    """(text, problem or None) of uncompressed bytes: BOM first, then UTF-8, Windows-1252, Latin-1."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace"), None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace"), None
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "file is not UTF-8; read as Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "file is not UTF-8; read as Latin-1"


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
        problems.append("no title_id or identifier; local id derived from title and URL")
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


def read_kbart(stream: BinaryIO) -> Iterator[ReadResult]:
    """Read a KBART file; every data row yields a ReadResult with its line number."""
    data = stream.read()
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (EOFError, OSError, zlib.error) as exc:
            yield ReadResult("file", None, [f"unusable: compressed file is damaged: {type(exc).__name__}: {exc}"])
            return
    text, file_problem = decode_text(data)
    lines = _LINE_END.split(text)
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None:
        return
    header, pending = parse_header(lines[start])
    if file_problem:
        pending.append(file_problem)
    for number, line in enumerate(lines[start + 1:], start=start + 2):
        if not line.strip():
            continue
        problems, pending = pending, []
        row = dict(zip(header, _cells(line, len(header), problems)))
        record = map_row(row, problems)
        if not record["title"]:
            problems.append("unusable: no publication_title")
            yield ReadResult(f"line {number}", None, problems)
            continue
        yield finish(f"line {number}", record, problems)
