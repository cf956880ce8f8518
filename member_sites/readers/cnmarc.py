"""CNMARC / UNIMARC reader (ISO 2709).

Character set: 100 $a/26-29 names it ("50" = ISO 10646, i.e. UTF-8), but Chinese ILS exports
often carry GBK/GB18030 whatever 100 says, so each record is decoded by trial: UTF-8 (strict),
then GB18030 (strict, noted when 100 claimed Unicode), else UTF-8 with U+FFFD (reported).

Fields read:
- 001 → ``local_id`` (without one: content hash, reported).
- 010 $a ISBN; 011 $a ISSN; 101 $a language; 100 $a/9-12 year (else 210/214 $d).
- 200 $a (+ $h part number, $i part name) title, $e subtitle; $9 (CNMARC: pinyin of the title)
  → ``title_romanized``; $f/$g statements of responsibility only when there is no 7XX name.
- 210 (or 214) $c publisher, $d date; 330 $a summary; 606 (and 600/601/607) subjects with $x $y $z.
- 690 $a CLC (中图法); 700/701/702 personal names ($a + $b), 710/711/712 corporate names.
- 205 $a $b edition statement → ``edition``.
- 856 $u URL; leader/06-07 → format (serial → journal, electronic → ebook/ejournal), with the
  200 $b material designation and 215 extent ("[电子资源]" electronic, "录音制品" → av).
- 905 local holdings as used in CALIS union cataloguing: $a holding library code, $b accession
  number/barcode, $c shelving location, $d class number and $e book number (together the call
  number, "$d/$e"), $f volume. Each 905 is one copy; location is "$c" (else "$a").
"""
import re
from collections.abc import Iterator
from typing import BinaryIO

from pymarc import Record

from member_sites.readers import ReadResult
from member_sites.readers.marc import pymarc_problems, read_iso2709
from member_sites.readers.marc_flavour import WRONG_FOR_CNMARC, looks_marc21
from member_sites.readers.source import DEFAULT_LIMITS, Limits
from member_sites.readers.values import clean, content_id, finish, strip_isbd

_YEAR = re.compile(r"(1[0-9]{3}|20[0-9]{2})")
# 200 $b general material designation / 215 $a extent: "[电子资源]", "录音制品", "sound recording"
_GMD_ELECTRONIC = re.compile(r"电子资源|电子出版物|electronic resource|computer file|online resource", re.IGNORECASE)
_GMD_AV = re.compile(r"录音|录像|音像|光盘.*(音|视)|sound recording|videorecording|sound discs?|videodiscs?",
                     re.IGNORECASE)


def _sub(field, *codes) -> str | None:
    return clean(" ".join(v for code in codes for v in field.get_subfields(code)))


def decode_unimarc(chunk: bytes, problems: list[str]) -> Record:
    """A pymarc Record from ISO 2709 bytes, decoded by trial (see module docstring)."""
    body = chunk[24:]
    for encoding in ("utf-8", "gb18030"):
        try:
            body.decode(encoding)
        except UnicodeDecodeError:
            continue
        with pymarc_problems(problems):
            if encoding == "utf-8":
                record = Record(chunk, force_utf8=True)
            else:
                record = Record(chunk, file_encoding="gb18030")
        if encoding == "gb18030" and _declared_charset(record) == "50":
            problems.append("100 $a says Unicode but the record is GB18030; read as GB18030")
        return record
    problems.append("record is neither UTF-8 nor GB18030; invalid bytes replaced by U+FFFD")
    return Record(chunk, force_utf8=True, utf8_handling="replace")


def _declared_charset(record) -> str:
    field = record.get("100")
    data = (field.get_subfields("a") or [""])[0] if field is not None else ""
    return data[26:28]


def _name(field) -> str | None:
    name = clean(" ".join(field.get_subfields("a")))
    rest = clean(" ".join(field.get_subfields("b")))
    if name and rest:
        name = name + rest if rest[0] in ",，" else f"{name}, {rest}"
    return strip_isbd(name or rest)


def _title(record, out: dict) -> None:
    field = record.get("200")
    if field is None:
        return
    title = " ; ".join(filter(None, (strip_isbd(v) for v in field.get_subfields("a"))))
    part = " ".join(filter(None, (strip_isbd(v) for v in field.get_subfields("h", "i"))))
    out["title"] = clean(f"{title}. {part}" if title and part else title or part)
    out["subtitle"] = strip_isbd(" : ".join(field.get_subfields("e")))
    out["title_romanized"] = strip_isbd(_sub(field, "9"))
    out["responsibility"] = [strip_isbd(v) for v in field.get_subfields("f", "g")]


def _publication(record, out: dict) -> None:
    field = record.get("210") or record.get("214")
    general = record.get("100")
    data = (general.get_subfields("a") or [""])[0] if general is not None else ""
    if data[9:13].isdigit() and _YEAR.fullmatch(data[9:13]):
        out["year"] = int(data[9:13])
    if field is None:
        return
    out["publisher"] = strip_isbd(_sub(field, "c"))
    if "year" not in out:
        match = _YEAR.search(_sub(field, "d") or "")
        out["year"] = int(match.group(1)) if match else None


def _subjects(record) -> list[str]:
    subjects = []
    for field in record.get_fields("600", "601", "606", "607"):
        parts = [strip_isbd(v) for v in field.get_subfields("a", "b", "j", "x", "y", "z")]
        text = " -- ".join(p for p in parts if p)
        if text:
            subjects.append(text)
    return subjects


def _holdings(record, out: dict) -> None:
    items = record.get_fields("905")
    if not items:
        return
    first = items[0]
    out["copies"] = len(items)
    out["location"] = _sub(first, "c") or _sub(first, "a")
    call = "/".join(filter(None, (_sub(first, "d"), _sub(first, "e"))))
    out["call_number"] = clean(" ".join(filter(None, (call, _sub(first, "f")))))


def _format(record) -> str:
    leader = str(record.leader)
    kind, level = leader[6:7], leader[7:8]
    designation = " ".join(v for f in record.get_fields("200", "215") for v in f.get_subfields("b", "a"))
    electronic = kind == "l" or any(f.get_subfields("u") for f in record.get_fields("856")) \
        or bool(_GMD_ELECTRONIC.search(designation))
    if kind in ("a", "b") and level != "s" and _GMD_AV.search(designation):
        return "av"
    if kind in ("a", "b", "l"):
        if level == "s":
            return "ejournal" if electronic else "journal"
        return "ebook" if electronic and kind == "l" else "book"
    if kind in ("g", "i", "j"):
        return "av"
    return "other"


def map_unimarc(record) -> dict:
    """The push fields of a CNMARC/UNIMARC bibliographic record (no validation)."""
    out: dict = {"isbns": [v for f in record.get_fields("010") for v in f.get_subfields("a")],
                 "issns": [v for f in record.get_fields("011") for v in f.get_subfields("a")]}
    _title(record, out)
    names = [_name(f) for f in record.get_fields("700", "701", "702", "710", "711", "712")]
    out["authors"] = [n for n in names if n] or [n for n in out.pop("responsibility", []) if n]
    out.pop("responsibility", None)
    _publication(record, out)
    language = record.get("101")
    out["language"] = clean((language.get_subfields("a") or [""])[0]) if language is not None else None
    clc = record.get("690")
    out["clc"] = clean((clc.get_subfields("a") or [""])[0]) if clc is not None else None
    summary = record.get("330")
    out["summary"] = _sub(summary, "a") if summary is not None else None
    out["subjects"] = _subjects(record)
    urls = [u.strip() for f in record.get_fields("856") for u in f.get_subfields("u")]
    out["url"] = next((u for u in urls if u.lower().startswith(("http://", "https://"))), None)
    out["format"] = _format(record)
    edition = record.get("205")
    out["edition"] = strip_isbd(_sub(edition, "a", "b")) if edition is not None else None
    _holdings(record, out)
    return out


def record_from_unimarc(record, position: str, problems: list[str]) -> ReadResult:
    """Map one decoded CNMARC/UNIMARC record to a ReadResult."""
    if looks_marc21(record):
        return ReadResult(position, None, [WRONG_FOR_CNMARC] + problems)
    out = map_unimarc(record)
    control = record.get("001")
    out["local_id"] = clean(control.data) if control is not None else None
    derived = not out["local_id"]
    if derived:
        out["local_id"] = content_id("cnmarc", out.get("title"), out.get("authors"), out.get("year"), out.get("isbns"))
        problems.append("no 001 record identifier; local id derived from the record's content "
                        "(editing the record will create a new holding)")
    if not out.get("title"):
        problems.insert(0, "unusable: no title (200 $a)")
        return ReadResult(position, None, problems)
    return finish(position, out, problems, derived_id=derived)


def read_cnmarc(stream: BinaryIO, limits: Limits = DEFAULT_LIMITS) -> Iterator[ReadResult]:
    """Read CNMARC/UNIMARC ISO 2709 records (plain or gzip); every record yields a ReadResult, in file order."""
    return read_iso2709(stream, decode_unimarc, record_from_unimarc, limits)
