"""OAI-PMH response parsing (pure: bytes in, plain data out), with defusedxml.

Elements are matched by local name, so responses with unusual prefixes or without the OAI
namespace (seen in the wild) parse the same way.
"""
from dataclasses import dataclass, field


@dataclass
class OAIRecord:
    """One ``record`` (or bare ``header`` of a ListIdentifiers answer)."""

    identifier: str
    datestamp: str | None
    deleted: bool
    metadata: object | None  # the metadata's root element (ElementTree), None when absent


@dataclass
class OAIPage:
    """What one response says."""

    response_date: str | None
    records: list[OAIRecord] = field(default_factory=list)
    token: str | None = None
    complete_list_size: int | None = None
    error_code: str | None = None
    error_message: str = ""


def local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child(elem, name):
    return next((c for c in elem if local(c.tag) == name), None)


def _text(elem) -> str | None:
    return (elem.text or "").strip() or None if elem is not None else None


def parse_response(data: bytes) -> OAIPage:
    """Parse one OAI-PMH response; raises ValueError when it is not well-formed OAI-PMH XML."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        root = fromstring(data)
    except (ParseError, DefusedXmlException) as exc:
        raise ValueError(f"not well-formed XML: {exc}") from None
    if local(root.tag) != "OAI-PMH":
        raise ValueError(f"not an OAI-PMH response (root element <{local(root.tag)}>)")
    page = OAIPage(response_date=_text(_child(root, "responseDate")))
    error = _child(root, "error")
    if error is not None:
        page.error_code = error.get("code") or "unknown"
        page.error_message = (error.text or "").strip()
        return page
    body = next((c for c in root if local(c.tag) in ("ListRecords", "ListIdentifiers", "GetRecord")), None)
    if body is None:
        raise ValueError("OAI-PMH response without ListRecords, ListIdentifiers or GetRecord")
    for item in body:
        name = local(item.tag)
        if name == "record":
            page.records.append(_record(_child(item, "header"), _child(item, "metadata")))
        elif name == "header":
            page.records.append(_record(item, None))
        elif name == "resumptionToken":
            page.token = _text(item)
            size = item.get("completeListSize")
            page.complete_list_size = int(size) if size and size.isdigit() else None
    return page


def _record(header, metadata) -> OAIRecord:
    """A record; one without header or identifier gets identifier "" (the harvester reports it)."""
    if header is None:
        return OAIRecord(identifier="", datestamp=None, deleted=False, metadata=None)
    identifier = _text(_child(header, "identifier")) or ""
    content = next(iter(metadata), None) if metadata is not None else None
    return OAIRecord(identifier=identifier, datestamp=_text(_child(header, "datestamp")),
                     deleted=header.get("status") == "deleted", metadata=content)


def local_id_from_identifier(identifier: str) -> str:
    """``oai:<repository>:<local>`` → ``<local>``; other identifiers are used whole."""
    parts = identifier.split(":", 2)
    if len(parts) == 3 and parts[0].lower() == "oai" and parts[2]:
        return parts[2]
    return identifier
