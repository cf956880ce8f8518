"""The /oai endpoint over the Flask test client: every verb, every error, deletions, sets, paging."""
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from sqlmodel import select
from werkzeug.datastructures import MultiDict

from consortium.catalogue.models import Work
from tests.consortium.oai.helpers import NS, build_catalogue, check_envelope, error_codes, parse

REPO = "daodu.example.edu.cn"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "OAI_REPOSITORY_ID": REPO, "OAI_PAGE_SIZE": 3,
            "OAI_ADMIN_EMAILS": ["oai@daodu.example.edu.cn", "lib@daodu.example.edu.cn"]}


@pytest.fixture
def works(session, members):
    return build_catalogue(session, members)


def oai_id(work_id: int) -> str:
    return f"oai:{REPO}:work/{work_id}"


def get(client, **params):
    return parse(client.get("/oai", query_string=params))


def harvest(client, verb: str, **params) -> tuple[list, list]:
    """Follow resumption tokens to the end; returns (headers, resumptionToken elements)."""
    root = get(client, verb=verb, **params)
    headers, tokens = [], []
    while True:
        check_envelope(root, verb)
        headers += root.xpath("//o:header", namespaces=NS)
        token = root.find(f".//{{{NS['o']}}}resumptionToken")
        if token is None:
            return headers, tokens
        tokens.append(token)
        if not token.text:
            return headers, tokens
        root = get(client, verb=verb, resumptionToken=token.text)


def test_identify_describes_the_repository(client, works, backend):
    """Identify names the base URL, version 2.0, admins, granularity, persistent deletions, scheme."""
    root = get(client, verb="Identify")
    check_envelope(root, "Identify")
    info = root.find("o:Identify", NS)
    assert [etree.QName(e).localname for e in info] == [
        "repositoryName", "baseURL", "protocolVersion", "adminEmail", "adminEmail", "earliestDatestamp",
        "deletedRecord", "granularity", "description"]
    assert info.findtext("o:baseURL", namespaces=NS) == "http://localhost/oai"
    assert info.findtext("o:protocolVersion", namespaces=NS) == "2.0"
    assert info.findtext("o:deletedRecord", namespaces=NS) == "persistent"
    assert info.findtext("o:granularity", namespaces=NS) == "YYYY-MM-DDThh:mm:ssZ"
    assert root.xpath("//id:repositoryIdentifier/text()", namespaces=NS) == [REPO]
    assert root.xpath("//id:sampleIdentifier/text()", namespaces=NS) == [oai_id(1)]
    earliest = info.findtext("o:earliestDatestamp", namespaces=NS)
    stamps = get(client, verb="ListIdentifiers", metadataPrefix="oai_dc").xpath("//o:datestamp/text()", namespaces=NS)
    assert earliest <= min(stamps)


def test_list_metadata_formats_offers_dc_and_marcxml(client, works):
    """Both formats for the repository and for any item, deleted ones included."""
    for params in ({}, {"identifier": oai_id(works["shared"])}, {"identifier": oai_id(works["merged"])}):
        root = get(client, verb="ListMetadataFormats", **params)
        check_envelope(root, "ListMetadataFormats")
        assert root.xpath("//o:metadataPrefix/text()", namespaces=NS) == ["oai_dc", "marc21"]
        assert root.xpath("//o:metadataNamespace/text()", namespaces=NS) == [
            "http://www.openarchives.org/OAI/2.0/oai_dc/", "http://www.loc.gov/MARC21/slim"]
    assert error_codes(get(client, verb="ListMetadataFormats", identifier=oai_id(9999))) == ["idDoesNotExist"]


def test_list_sets_has_one_set_per_member_under_member(client, members):
    """member is the parent set; each member library is member:<CODE> with its names."""
    root = get(client, verb="ListSets")
    check_envelope(root, "ListSets")
    assert root.xpath("//o:setSpec/text()", namespaces=NS) == ["member", "member:A", "member:B", "member:C"]
    assert "甲大学图书馆 (University A Library)" in root.xpath("//o:setName/text()", namespaces=NS)
    assert error_codes(get(client, verb="ListSets", resumptionToken="x")) == ["badResumptionToken"]


def test_get_record_in_both_formats_shows_every_holder(client, works, backend):
    """A live work carries its holders' sets and metadata in oai_dc and MARCXML."""
    root = get(client, verb="GetRecord", identifier=oai_id(works["kept"]), metadataPrefix="marc21")
    check_envelope(root, "GetRecord")
    assert root.xpath("//o:header/o:setSpec/text()", namespaces=NS) == ["member:A", "member:B", "member:C"]
    assert root.xpath("//m:datafield[@tag='852']/m:subfield[@code='a']/text()", namespaces=NS) == ["A", "B", "C"]
    assert sorted(root.xpath("//m:datafield[@tag='020']/m:subfield/text()", namespaces=NS)) == [
        "9787020008735", "9787532548163"]
    dc = get(client, verb="GetRecord", identifier=oai_id(works["shared"]), metadataPrefix="oai_dc")
    assert dc.xpath("//dc:title/text()", namespaces=NS) == ["紅樓夢"]
    assert dc.xpath("//o:header/o:setSpec/text()", namespaces=NS) == ["member:B"]


def test_merged_and_unheld_works_are_persistent_deleted_records(client, works, backend):
    """A work merged away or withdrawn by its last holder is a deleted header, no metadata."""
    for work_id in (works["merged"], works["gone"]):
        root = get(client, verb="GetRecord", identifier=oai_id(work_id), metadataPrefix="oai_dc")
        check_envelope(root, "GetRecord")
        header = root.find(".//o:header", NS)
        assert header.get("status") == "deleted"
        assert header.findtext("o:identifier", namespaces=NS) == oai_id(work_id)
        assert root.find(".//o:metadata", NS) is None


def test_list_identifiers_pages_through_every_work_once(client, works, backend):
    """Page size 3: tokens carry cursor and completeListSize; the last page has an empty token."""
    headers, tokens = harvest(client, "ListIdentifiers", metadataPrefix="oai_dc")
    ids = [h.findtext("o:identifier", namespaces=NS) for h in headers]
    all_ids = {works["shared"], works["gone"], works["kept"], works["merged"], *works["plain"]}
    assert sorted(ids) == sorted(oai_id(i) for i in all_ids) and len(ids) == len(set(ids)) == 9
    assert [t.get("cursor") for t in tokens] == ["0", "3", "6"]
    assert {t.get("completeListSize") for t in tokens} == {"9"}
    assert [bool(t.text) for t in tokens] == [True, True, False]
    assert tokens[0].get("expirationDate") > datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    deleted = {h.findtext("o:identifier", namespaces=NS) for h in headers if h.get("status") == "deleted"}
    assert deleted == {oai_id(works["gone"]), oai_id(works["merged"])}


def test_a_member_set_shows_what_it_withdrew_as_deleted(client, works, backend):
    """In member:A the work A withdrew is deleted although B holds it; in member:B it is live."""
    headers, _ = harvest(client, "ListRecords", metadataPrefix="oai_dc", set="member:A")
    status = {h.findtext("o:identifier", namespaces=NS): h.get("status") for h in headers}
    assert status[oai_id(works["shared"])] == "deleted"
    assert status[oai_id(works["gone"])] == "deleted"
    assert status[oai_id(works["kept"])] is None
    assert oai_id(works["merged"]) not in status  # A never held the absorbed work
    in_b, _ = harvest(client, "ListRecords", metadataPrefix="oai_dc", set="member:B")
    status_b = {h.findtext("o:identifier", namespaces=NS): h.get("status") for h in in_b}
    assert status_b[oai_id(works["shared"])] is None and status_b[oai_id(works["merged"])] == "deleted"
    assert set(status_b) == {oai_id(works["shared"]), oai_id(works["kept"]), oai_id(works["merged"])}


def test_from_and_until_select_by_datestamp(client, session, works, backend):
    """Works last changed before ``from`` are left out; ``until`` is inclusive at its granularity."""
    old = datetime.now(timezone.utc) - timedelta(days=3)
    for work in session.exec(select(Work).where(Work.id.in_(works["plain"]))).all():
        work.updated_at = old
        session.add(work)
    session.commit()
    since = (datetime.now(timezone.utc) - timedelta(days=1)).strftime("%Y-%m-%d")
    recent, _ = harvest(client, "ListIdentifiers", metadataPrefix="oai_dc", **{"from": since})
    assert len(recent) == 4
    day = old.strftime("%Y-%m-%d")
    stale, _ = harvest(client, "ListIdentifiers", metadataPrefix="oai_dc", **{"from": day, "until": day})
    assert sorted(h.findtext("o:identifier", namespaces=NS) for h in stale) == sorted(map(oai_id, works["plain"]))
    later = get(client, verb="ListRecords", metadataPrefix="oai_dc", **{"from": "2999-01-01"})
    assert error_codes(later) == ["noRecordsMatch"]


@pytest.mark.parametrize("params, codes", [
    ({}, ["badVerb"]),
    ({"verb": "Harvest"}, ["badVerb"]),
    ({"verb": "Identify", "metadataPrefix": "oai_dc"}, ["badArgument"]),
    ({"verb": "ListRecords"}, ["badArgument"]),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2026-02-30"}, ["badArgument"]),
    ({"verb": "ListRecords", "metadataPrefix": "mods"}, ["cannotDisseminateFormat"]),
    ({"verb": "ListRecords", "metadataPrefix": "mods", "until": "soon"}, ["cannotDisseminateFormat", "badArgument"]),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "member:ZZ"}, ["noRecordsMatch"]),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "clc:TP"}, ["noRecordsMatch"]),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "no spaces"}, ["badArgument"]),
    ({"verb": "ListRecords", "resumptionToken": "garbled"}, ["badResumptionToken"]),
    ({"verb": "GetRecord", "identifier": "oai:elsewhere.org:work/1", "metadataPrefix": "oai_dc"}, ["idDoesNotExist"]),
    ({"verb": "GetRecord", "identifier": "oai:x:1", "metadataPrefix": "mods"},
     ["cannotDisseminateFormat", "idDoesNotExist"]),
])
def test_protocol_errors_are_oai_error_elements_with_http_200(client, works, params, codes):
    """Each error code appears as <error code=...>; badVerb/badArgument echo a bare request."""
    root = get(client, **params)
    check_envelope(root, None)
    assert error_codes(root) == codes
    request = root.find("o:request", NS)
    if {"badVerb", "badArgument"} & set(codes):
        assert dict(request.attrib) == {}
    else:
        assert dict(request.attrib) == params


@pytest.mark.parametrize("work_id", [2**31, 2**63 - 1])
def test_ids_beyond_the_integer_column_do_not_exist(client, works, work_id, backend):
    """An id larger than any the database can hold is idDoesNotExist, not a database error."""
    root = get(client, verb="GetRecord", identifier=oai_id(work_id), metadataPrefix="oai_dc")
    assert error_codes(root) == ["idDoesNotExist"]


def test_a_token_only_continues_the_verb_it_was_issued_for(client, works):
    """A ListIdentifiers token handed to ListRecords is badResumptionToken."""
    first = get(client, verb="ListIdentifiers", metadataPrefix="oai_dc")
    token = first.findtext(".//o:resumptionToken", namespaces=NS)
    assert error_codes(get(client, verb="ListRecords", resumptionToken=token)) == ["badResumptionToken"]
    assert error_codes(get(client, verb="ListIdentifiers", resumptionToken=token[:-2])) == ["badResumptionToken"]


def test_post_form_requests_are_answered_like_get(client, works, backend):
    """Harvesters may POST application/x-www-form-urlencoded arguments."""
    params = {"verb": "ListRecords", "metadataPrefix": "marc21", "set": "member:C"}
    by_post = parse(client.post("/oai", data=params))
    by_get = get(client, **params)
    check_envelope(by_post, "ListRecords")
    strip = "//o:responseDate"
    for root in (by_post, by_get):
        for node in root.xpath(strip, namespaces=NS):
            node.text = ""
    assert etree.tostring(by_post) == etree.tostring(by_get)


def test_an_empty_catalogue_answers_no_records_match(client, members):
    """Before any push, lists are noRecordsMatch and Identify still works."""
    assert error_codes(get(client, verb="ListIdentifiers", metadataPrefix="oai_dc")) == ["noRecordsMatch"]
    check_envelope(get(client, verb="Identify"), "Identify")


ARG_VALUES = st.sampled_from(["", "oai_dc", "marc21", "member", "member:A", "member:", "2026-11-27", "9999-12-31",
                              "2026-11-27T00:00:00Z", "0000-00-00", f"oai:{REPO}:work/1", "oai:x", "\x00", "紅樓夢",
                              "Identify", "ListRecords", "GetRecord", "ListSets", "x" * 300])
ARG_PAIRS = st.lists(st.tuples(st.sampled_from(["verb", "metadataPrefix", "identifier", "from", "until", "set",
                                                "resumptionToken", "bogus"]), ARG_VALUES), max_size=5)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pairs=ARG_PAIRS)
def test_no_request_breaks_the_provider(client, works, pairs):
    """Whatever arguments arrive, the answer is HTTP 200 OAI-PMH XML: a verb element or errors."""
    verbs = [value for name, value in pairs if name == "verb"]
    root = parse(client.get("/oai", query_string=MultiDict(pairs)))
    codes = error_codes(root)
    check_envelope(root, None if codes else verbs[0])
    assert set(codes) <= {"badVerb", "badArgument", "cannotDisseminateFormat", "idDoesNotExist", "noRecordsMatch",
                          "badResumptionToken"}
