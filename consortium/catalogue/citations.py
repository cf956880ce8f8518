"""Citation export of one work: RIS, BibTeX and MARCXML (pure: plain dicts in, text out)."""
import re
import xml.etree.ElementTree as ET

from pymarc import Field, Record, Subfield
from pymarc.marcxml import record_to_xml_node

from member_sites.record.xmlchars import strip_forbidden

RIS_TYPES = {"book": "BOOK", "ebook": "EBOOK", "journal": "JOUR", "ejournal": "EJOUR", "thesis": "THES",
             "database": "DBASE", "av": "VIDEO"}
BIBTEX_TYPES = {"book": "book", "ebook": "book", "thesis": "phdthesis"}


def to_ris(work: dict, url: str) -> str:
    lines = [("TY", RIS_TYPES.get(work.get("format"), "GEN")), ("TI", _title(work))]
    lines += [("AU", a) for a in work.get("authors") or []]
    lines += [("PY", str(work["year"]))] if work.get("year") else []
    lines += [("PB", work["publisher"])] if work.get("publisher") else []
    lines += [("SN", v) for v in (work.get("isbns") or []) + (work.get("issns") or [])]
    lines += [("KW", s) for s in work.get("subjects") or []]
    lines += [("LA", work["language"])] if work.get("language") else []
    lines += [("CN", work["clc"])] if work.get("clc") else []
    lines += [("AB", work["summary"])] if work.get("summary") else []
    lines += [("UR", url), ("ER", "")]
    return "".join(f"{tag}  - {_one_line(value)}\r\n" for tag, value in lines)


def _bibtex_escape(value) -> str:
    return re.sub(r"([{}\\&%$#_])", r"\\\1", _one_line(str(value)))


def to_bibtex(work: dict, url: str) -> str:
    fields = [("title", _title(work)), ("author", " and ".join(work.get("authors") or [])),
              ("year", work.get("year")), ("publisher", work.get("publisher")),
              ("isbn", ", ".join(work.get("isbns") or [])), ("issn", ", ".join(work.get("issns") or [])),
              ("language", work.get("language")), ("note", f"CLC {work['clc']}" if work.get("clc") else None),
              ("url", url)]
    body = ",\n".join(f"  {name} = {{{_bibtex_escape(value)}}}" for name, value in fields if value)
    kind = BIBTEX_TYPES.get(work.get("format"), "misc")
    return f"@{kind}{{daodu{work['id']},\n{body}\n}}\n"


def to_marcxml(work: dict, url: str) -> str:
    # ElementTree writes whatever it is given: a character XML forbids in any stored value
    # would make the export unparseable, so every value loses them first.
    work, url = _xml_safe(work), strip_forbidden(url)
    record = Record(force_utf8=True)
    kind = "m" if work.get("format") in ("ebook", "database") else "a"
    level = "s" if work.get("format") in ("journal", "ejournal") else "m"
    record.leader = f"00000n{kind}{level} a2200000 i 4500"
    record.add_field(Field(tag="001", data=str(work["id"])))
    for isbn in work.get("isbns") or []:
        record.add_field(Field(tag="020", indicators=[" ", " "], subfields=[Subfield("a", isbn)]))
    for issn in work.get("issns") or []:
        record.add_field(Field(tag="022", indicators=[" ", " "], subfields=[Subfield("a", issn)]))
    if work.get("clc"):
        record.add_field(Field(tag="084", indicators=[" ", " "], subfields=[Subfield("a", work["clc"]), Subfield("2", "clc")]))
    authors = work.get("authors") or []
    if authors:
        record.add_field(Field(tag="100", indicators=["1", " "], subfields=[Subfield("a", authors[0])]))
    title = [Subfield("a", work["title"])] + ([Subfield("b", work["subtitle"])] if work.get("subtitle") else [])
    record.add_field(Field(tag="245", indicators=["1" if authors else "0", "0"], subfields=title))
    imprint = [Subfield("b", work["publisher"])] if work.get("publisher") else []
    imprint += [Subfield("c", str(work["year"]))] if work.get("year") else []
    if imprint:
        record.add_field(Field(tag="264", indicators=[" ", "1"], subfields=imprint))
    if work.get("summary"):
        record.add_field(Field(tag="520", indicators=[" ", " "], subfields=[Subfield("a", work["summary"])]))
    for subject in work.get("subjects") or []:
        record.add_field(Field(tag="653", indicators=[" ", " "], subfields=[Subfield("a", subject)]))
    for other in authors[1:]:
        record.add_field(Field(tag="700", indicators=["1", " "], subfields=[Subfield("a", other)]))
    record.add_field(Field(tag="856", indicators=["4", "2"], subfields=[Subfield("u", url)]))
    return _xml(record)


def _xml_safe(value):
    """Strings without the characters XML 1.0 forbids, in any nesting of dicts and lists."""
    if isinstance(value, str):
        return strip_forbidden(value)
    if isinstance(value, dict):
        return {key: _xml_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_xml_safe(item) for item in value]
    return value


def _xml(record) -> str:

    node = record_to_xml_node(record, namespace=True)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(node, encoding="unicode") + "\n"


def _title(work: dict) -> str:
    return f"{work['title']}: {work['subtitle']}" if work.get("subtitle") else work["title"]


def _one_line(value) -> str:
    return " ".join(str(value).split())
