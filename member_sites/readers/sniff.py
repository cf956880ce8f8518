"""Which export format a file's first bytes show, so a file uploaded as the wrong format is
caught before it is read (a MARCXML file read as KBART gives no records and no clue why).

``sniff_format`` looks at the first 64 KiB (unpacked when gzip) and answers one of the reader
formats, ``"oai-pmh"`` (a harvest response, not an export), or None when the bytes say nothing
for certain; callers then trust the format they were given. Rules, in order:

- XML: an OAI-PMH root → ``oai-pmh``; MARC ``record``/``collection`` elements (the MARC21 slim
  namespace, or ``leader``/``datafield`` children) → ``marcxml``.
- ISO 2709: a 24-byte leader of digits where MARC has them and a directory of 12-digit entries;
  its tags tell MARC21 (245) from UNIMARC/CNMARC (200).
- Text (UTF-8, UTF-16 or GB18030): a first line naming ``publication_title`` → ``kbart``; one
  naming ``local_id`` and ``title`` → ``csv``.
"""
import re
from typing import BinaryIO

from member_sites.readers.source import BOMS, Limits, unpacked

SNIFF_BYTES = 1 << 16
LABELS = {"marc21": "MARC21", "marcxml": "MARCXML", "cnmarc": "CNMARC", "csv": "CSV", "kbart": "KBART",
          "oai-pmh": "OAI-PMH"}
_XML_DECLARATION = re.compile(rb"^(<\?xml[^>]*\?>|<!--.*?-->|<!DOCTYPE[^>]*>|\s)*", re.DOTALL)
_LEADER = re.compile(rb"^\d{5}[a-z ]{5}\d{2}\d{5}[\w ]{3}[\d ]{4}")


def sniff_stream(stream: BinaryIO) -> str | None:
    """The format of the file ``stream`` reads (see the module docstring); reads its head only."""
    source = unpacked(stream, Limits(max_unpacked=SNIFF_BYTES * 4))
    head = b""
    while len(head) < SNIFF_BYTES and (block := source.read(SNIFF_BYTES - len(head))):
        head += block
    return sniff_format(head)


def sniff_format(head: bytes) -> str | None:
    """The format the first bytes (already unpacked) show, or None when unclear."""
    for mark, _name in BOMS[:1]:
        if head.startswith(mark):
            head = head[len(mark):]
    body = head.lstrip(b"\r\n\t \x00")
    if body.startswith(b"<"):
        return _xml_kind(body)
    if _LEADER.match(body):
        return _iso2709_kind(body)
    return _text_kind(head)


def _xml_kind(body: bytes) -> str | None:
    rest = body[_XML_DECLARATION.match(body).end():]
    root = re.match(rb"<([\w.:-]+)", rest)
    name = root.group(1).split(b":")[-1].lower() if root else b""
    if name == b"oai-pmh" or b"openarchives.org/OAI/2.0" in body[:2000]:
        return "oai-pmh"
    if b"loc.gov/MARC21/slim" in body or re.search(rb"<(\w+:)?(leader|datafield|controlfield)[\s>]", body):
        return "marcxml"
    return None


def _iso2709_kind(body: bytes) -> str | None:
    base = int(body[12:17] or b"0")
    directory = body[24: base - 1] if 24 < base <= len(body) else body[24: 24 + 12 * 40]
    tags = {directory[i: i + 3] for i in range(0, len(directory) - 11, 12) if directory[i: i + 12].isdigit()}
    if b"245" in tags and b"200" not in tags:
        return "marc21"
    if b"200" in tags and b"245" not in tags:
        return "cnmarc"
    return "marc21" if tags else None


def _text_kind(head: bytes) -> str | None:
    text = _decode(head)
    if text is None:
        return None
    first = next((line for line in text.splitlines() if line.strip()), "").lower()
    cells = {c.strip().strip('"').lstrip("\ufeff") for c in re.split(r"[\t,;]", first)}
    if "publication_title" in cells:
        return "kbart"
    if {"local_id", "title"} <= cells:
        return "csv"
    return None


def _decode(head: bytes) -> str | None:
    for mark, name in BOMS:
        if head.startswith(mark):
            return head[len(mark):].decode(name, "ignore") if name != "utf-16" else head.decode(name, "ignore")
    for name in ("utf-8", "gb18030"):
        try:
            return head.decode(name)
        except UnicodeDecodeError as exc:
            if exc.start > len(head) - 4:  # a character cut at the end of the head
                return head[: exc.start].decode(name)
    return None
