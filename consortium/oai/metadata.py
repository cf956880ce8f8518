"""The two metadata formats of the provider, built from a work dict (fields + holdings).

``oai_dc`` is simple Dublin Core; ``marc21`` is MARCXML built with pymarc from the work's
fields. No Flask, no database: the service hands in plain dicts.
"""
import xml.etree.ElementTree as ET

from pymarc import Field, Leader, Record, Subfield
from pymarc.marcxml import record_to_xml_node

from consortium.oai.xmltext import clean, element

DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC_ELEMENTS = "http://purl.org/dc/elements/1.1/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
DCMI_TYPE = {"book": "Text", "ebook": "Text", "journal": "Text", "ejournal": "Text", "thesis": "Text",
             "database": "Dataset"}
ELECTRONIC = {"ebook", "ejournal", "database"}


def render(prefix: str, work: dict) -> str:
    """The ``<metadata>`` content of one work in ``prefix`` (``oai_dc`` or ``marc21``)."""
    return oai_dc(work) if prefix == "oai_dc" else marcxml(work)


def full_title(work: dict) -> str:
    return f"{work['title']} : {work['subtitle']}" if work.get("subtitle") else work["title"]


def holding_urls(work: dict) -> list[dict]:
    """Holdings that carry a URL, one per distinct URL (the first member to list it wins)."""
    seen: dict[str, dict] = {}
    for holding in work.get("holdings") or []:
        if holding.get("url"):
            seen.setdefault(holding["url"], holding)
    return list(seen.values())


def oai_dc(work: dict) -> str:
    parts = [element("dc:title", full_title(work))]
    parts += [element("dc:creator", a) for a in work.get("authors") or []]
    parts += [element("dc:subject", s) for s in work.get("subjects") or []]
    if work.get("clc"):
        parts.append(element("dc:subject", work["clc"]))
    parts += [element("dc:description", work.get("summary")), element("dc:publisher", work.get("publisher")),
              element("dc:date", work.get("year")), element("dc:type", DCMI_TYPE.get(work.get("format"))),
              element("dc:type", work.get("format"))]
    parts += [element("dc:identifier", f"urn:isbn:{v}") for v in work.get("isbns") or []]
    parts += [element("dc:identifier", f"urn:issn:{v}") for v in work.get("issns") or []]
    parts += [element("dc:identifier", h["url"]) for h in holding_urls(work)]
    parts.append(element("dc:language", work.get("language")))
    body = "".join(p for p in parts if not p.endswith("/>"))
    return (f'<oai_dc:dc xmlns:oai_dc="{DC_NS}" xmlns:dc="{DC_ELEMENTS}" xmlns:xsi="{XSI}" '
            f'xsi:schemaLocation="{DC_NS} {DC_SCHEMA}">{body}</oai_dc:dc>')


def marcxml(work: dict) -> str:
    """One MARCXML ``<record>`` in the MARC21 slim namespace."""
    node = record_to_xml_node(marc_record(work), quiet=True, namespace=True)
    return ET.tostring(node, encoding="unicode")


def marc_record(work: dict) -> Record:
    record = Record(force_utf8=True, leader=Leader(_leader(work.get("format"))))
    record.add_field(Field(tag="001", data=str(work["id"])))
    if work.get("updated_at"):
        record.add_field(Field(tag="005", data=work["updated_at"].strftime("%Y%m%d%H%M%S.0")))
    record.add_field(Field(tag="008", data=_field_008(work)))
    for tag, values in (("020", work.get("isbns")), ("022", work.get("issns"))):
        for value in values or []:
            record.add_field(_data(tag, "  ", [("a", value)]))
    if work.get("language"):
        record.add_field(_data("041", "  ", [("a", work["language"])]))
    if work.get("clc"):
        record.add_field(_data("084", "  ", [("a", work["clc"]), ("2", "clc")]))
    _add_description(record, work)
    for holding in work.get("holdings") or []:
        record.add_field(_data("852", "  ", [("a", holding.get("member")), ("b", holding.get("location")),
                                             ("h", holding.get("call_number"))]))
    for holding in holding_urls(work):
        note = f"{holding.get('member')}: {holding['access']}" if holding.get("access") else None
        record.add_field(_data("856", "40", [("u", holding["url"]), ("z", note)]))
    return record


def _add_description(record: Record, work: dict) -> None:
    authors = work.get("authors") or []
    if authors:
        record.add_field(_data("100", _name_indicators(authors[0]), [("a", authors[0])]))
    record.add_field(_data("245", ("1" if authors else "0") + "0",
                           [("a", work["title"]), ("b", work.get("subtitle"))]))
    if work.get("publisher") or work.get("year"):
        record.add_field(_data("264", " 1", [("b", work.get("publisher")), ("c", work.get("year"))]))
    if work.get("summary"):
        record.add_field(_data("520", "  ", [("a", work["summary"])]))
    for subject in work.get("subjects") or []:
        record.add_field(_data("650", " 4", [("a", subject)]))
    for author in authors[1:]:
        record.add_field(_data("700", _name_indicators(author), [("a", author)]))


def _name_indicators(name: str) -> str:
    """Surname-first names ("Knuth, Donald") take 1; direct-order names (曹雪芹) take 0."""
    return "1 " if "," in name else "0 "


def _data(tag: str, indicators: str, pairs: list[tuple[str, object]]) -> Field:
    subfields = [Subfield(code, clean(value)) for code, value in pairs if value not in (None, "")]
    return Field(tag=tag, indicators=[indicators[0], indicators[1]], subfields=subfields)


def _leader(fmt: str | None) -> str:
    record_type = {"av": "g", "database": "m"}.get(fmt, "a")
    level = "s" if fmt in ("journal", "ejournal") else "m"
    # record length and base address are computed for ISO 2709 only; MARCXML keeps zeros
    # 17 "7": minimal level (derived from members' records); 18 "c": ISBD punctuation omitted
    return f"00000n{record_type}{level} a22000007c 4500"


def _field_008(work: dict) -> str:
    created = work.get("created_at")
    entered = created.strftime("%y%m%d") if created else "||||||"
    year = work.get("year")
    dates = f"s{year:04d}    " if isinstance(year, int) and 0 <= year <= 9999 else "nuuuu    "
    material = "|" * 5 + ("o" if work.get("format") in ELECTRONIC else "|") + "|" * 11
    language = (work.get("language") or "und")[:3].ljust(3)
    return f"{entered}{dates}xx {material}{language} d"
