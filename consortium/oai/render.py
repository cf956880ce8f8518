"""Writing OAI-PMH 2.0 responses as XML text: the envelope, headers, records, tokens, errors."""
from datetime import datetime

from consortium.oai import metadata, protocol
from consortium.oai.errors import OaiError
from consortium.oai.service import Answer
from consortium.oai.xmltext import element

XSI = "http://www.w3.org/2001/XMLSchema-instance"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
ID_NS = "http://www.openarchives.org/OAI/2.0/oai-identifier"
ID_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai-identifier.xsd"
CONTENT_TYPE = "text/xml; charset=utf-8"


def _envelope(now: datetime, base_url: str, args: dict | None, body: str) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<OAI-PMH xmlns="{protocol.OAI_NS}" xmlns:xsi="{XSI}" '
            f'xsi:schemaLocation="{protocol.OAI_NS} {OAI_SCHEMA}">'
            + element("responseDate", protocol.format_datestamp(now))
            + element("request", base_url, args or {})
            + body + "</OAI-PMH>\n")


def render_error(exc: OaiError, base_url: str, args: dict, now: datetime) -> str:
    """Every problem as an ``<error>``; the request is echoed bare after badVerb/badArgument."""
    body = "".join(element("error", message, {"code": code}) for code, message in exc.problems)
    return _envelope(now, base_url, None if exc.hides_arguments else args, body)


def render_answer(answer: Answer, settings, now: datetime) -> str:
    args = {"verb": answer.verb, **answer.args}
    writer = {"Identify": _identify, "ListMetadataFormats": _formats, "ListSets": _sets,
              "GetRecord": _records, "ListRecords": _records, "ListIdentifiers": _identifiers}[answer.verb]
    return _envelope(now, settings.base_url, args, f"<{answer.verb}>{writer(answer, settings)}</{answer.verb}>")


def _identify(answer: Answer, settings) -> str:
    info = answer.identify
    parts = [element("repositoryName", info["repositoryName"]), element("baseURL", info["baseURL"]),
             element("protocolVersion", protocol.PROTOCOL_VERSION)]
    parts += [element("adminEmail", email) for email in info["adminEmails"]]
    parts += [element("earliestDatestamp", info["earliestDatestamp"]),
              element("deletedRecord", protocol.DELETED_RECORD), element("granularity", protocol.GRANULARITY)]
    if protocol.is_valid_repository_id(info["repositoryIdentifier"]):
        parts.append(f'<description><oai-identifier xmlns="{ID_NS}" xsi:schemaLocation="{ID_NS} {ID_SCHEMA}">'
                     + element("scheme", "oai") + element("repositoryIdentifier", info["repositoryIdentifier"])
                     + element("delimiter", ":") + element("sampleIdentifier", info["sampleIdentifier"])
                     + "</oai-identifier></description>")
    return "".join(parts)


def _formats(answer: Answer, settings) -> str:
    return "".join("<metadataFormat>" + element("metadataPrefix", prefix) + element("schema", schema)
                   + element("metadataNamespace", ns) + "</metadataFormat>"
                   for prefix, schema, ns in answer.formats)


def _sets(answer: Answer, settings) -> str:
    return "".join("<set>" + element("setSpec", spec) + element("setName", name) + "</set>"
                   for spec, name in answer.sets)


def _header(entry, settings) -> str:
    specs = [protocol.member_set_spec(code) for code in entry.member_codes]
    return (('<header status="deleted">' if entry.deleted else "<header>")
            + element("identifier", protocol.make_identifier(settings.repository_id, entry.work_id))
            + element("datestamp", protocol.format_datestamp(entry.datestamp))
            + "".join(element("setSpec", spec) for spec in specs if protocol.is_valid_set_spec(spec))
            + "</header>")


def _records(answer: Answer, settings) -> str:
    parts = []
    for entry in answer.entries:
        body = "" if entry.deleted else f"<metadata>{metadata.render(answer.prefix, entry.work)}</metadata>"
        parts.append(f"<record>{_header(entry, settings)}{body}</record>")
    return "".join(parts) + _resumption(answer)


def _identifiers(answer: Answer, settings) -> str:
    return "".join(_header(entry, settings) for entry in answer.entries) + _resumption(answer)


def _resumption(answer: Answer) -> str:
    r = answer.resumption
    if r is None:
        return ""
    attrs = {"expirationDate": protocol.format_datestamp(r.expires) if r.expires else None,
             "completeListSize": str(r.total), "cursor": str(r.cursor)}
    return element("resumptionToken", r.token, attrs)
