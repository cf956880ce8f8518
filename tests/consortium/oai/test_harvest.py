"""A real OAI-PMH harvester (sickle, from PyPI) harvesting /oai over HTTP on loopback."""
from datetime import datetime, timedelta, timezone

import pytest
from sickle import Sickle
from sickle.oaiexceptions import BadResumptionToken, CannotDisseminateFormat, IdDoesNotExist, NoRecordsMatch
from sqlmodel import select

from consortium.catalogue.models import Work
from consortium.catalogue.service import ingest_batch, withdraw_holding
from tests.consortium.oai.helpers import NS, build_catalogue

REPO = "daodu.example.edu.cn"
EXTRA = 41  # with build_catalogue's 9 works: 50 works, 5 full pages of 10 (and 3 pages of 20 in set A)


@pytest.fixture
def app_config(app_config):
    return {**app_config, "OAI_REPOSITORY_ID": REPO, "OAI_PAGE_SIZE": 10}


@pytest.fixture
def works(session, members):
    built = build_catalogue(session, members)
    records = [{"local_id": f"x-{n}", "title": f"书目 {n} Catalogue entry", "authors": [f"作者{n}"],
                "year": 1990 + n % 30, "isbns": [], "language": "zh", "call_number": f"Z{n}"} for n in range(EXTRA)]
    result = ingest_batch(session, members["A"], records)
    built["extra"] = [w["work_id"] for w in result.works]
    return built


@pytest.fixture
def harvester(live_server):
    return Sickle(f"{live_server.url}/oai", timeout=30)


def oai_id(work_id: int) -> str:
    return f"oai:{REPO}:work/{work_id}"


def every_work(works) -> set[str]:
    ids = {works["shared"], works["gone"], works["kept"], works["merged"], *works["plain"], *works["extra"]}
    return {oai_id(i) for i in ids}


def test_full_harvest_returns_every_work_exactly_once(harvester, works, backend):
    """ListRecords over five pages of resumption tokens yields each of the 50 works once."""
    iterator = harvester.ListRecords(metadataPrefix="oai_dc")
    records = list(iterator)
    last = iterator.resumption_token  # the empty token closing the fifth page
    assert (last.token, last.cursor, last.complete_list_size) == (None, "40", "50")
    identifiers = [r.header.identifier for r in records]
    assert len(identifiers) == len(set(identifiers)) == 50
    assert set(identifiers) == every_work(works)
    deleted = {r.header.identifier for r in records if r.deleted}
    assert deleted == {oai_id(works["gone"]), oai_id(works["merged"])}
    live = {r.header.identifier: r.metadata for r in records if not r.deleted}
    assert live[oai_id(works["extra"][7])]["title"] == ["书目 7 Catalogue entry"]
    assert live[oai_id(works["shared"])]["title"] == ["紅樓夢"]


def test_marc21_harvest_over_post_carries_holdings(live_server, works, backend):
    """A POSTing harvester gets MARCXML records with an 852 for each holder."""
    harvester = Sickle(f"{live_server.url}/oai", http_method="POST", timeout=30)
    records = list(harvester.ListRecords(metadataPrefix="marc21", set="member:C"))
    assert [r.header.identifier for r in records] == [oai_id(works["kept"]), oai_id(works["merged"])]
    kept = records[0].xml
    assert kept.xpath(".//m:datafield[@tag='852']/m:subfield[@code='a']/text()", namespaces=NS) == ["A", "B", "C"]
    assert records[1].deleted


def test_incremental_harvest_from_a_date_gets_only_changed_works(harvester, session, members, works, backend):
    """After a full harvest, ``from`` yields only works changed since: edits, withdrawals, new ones."""
    long_ago = datetime.now(timezone.utc) - timedelta(days=10)
    for work in session.exec(select(Work)).all():
        work.updated_at = long_ago
        session.add(work)
    session.commit()
    since = (datetime.now(timezone.utc) - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    edited = ingest_batch(session, members["B"], [{"local_id": "b-new", "title": "书目 3 Catalogue entry",
                                                   "authors": ["作者3"], "year": 1993, "language": "zh"}])
    withdraw_holding(session, members["A"], "x-5")
    fresh = ingest_batch(session, members["C"], [{"local_id": "c-new", "title": "A brand new book"}])
    changed = {h.identifier: h.deleted for h in harvester.ListIdentifiers(metadataPrefix="oai_dc", **{"from": since})}
    assert changed == {oai_id(works["extra"][3]): False, oai_id(works["extra"][5]): True,
                       oai_id(fresh.works[0]["work_id"]): False}
    assert edited.works[0]["work_id"] == works["extra"][3]


def test_set_harvest_follows_one_member(harvester, works, backend):
    """member:A lists what A holds and, as deleted, what A withdrew; 3 pages of tokens."""
    headers = list(harvester.ListIdentifiers(metadataPrefix="oai_dc", set="member:A"))
    status = {h.identifier: h.deleted for h in headers}
    assert len(headers) == len(status) == 2 + 1 + 5 + 41
    assert status[oai_id(works["shared"])] is True and status[oai_id(works["gone"])] is True
    assert not any(status[oai_id(i)] for i in works["extra"])
    assert all(h.setSpecs == ["member:A"] for h in headers if h.deleted)


def test_harvester_sees_identify_sets_formats_and_single_records(harvester, works):
    """Identify, ListSets, ListMetadataFormats and GetRecord parse in a real client."""
    identify = harvester.Identify()
    assert identify.protocolVersion == "2.0" and identify.deletedRecord == "persistent"
    assert identify.granularity == "YYYY-MM-DDThh:mm:ssZ"
    assert [s.setSpec for s in harvester.ListSets()] == ["member", "member:A", "member:B", "member:C"]
    assert [f.metadataPrefix for f in harvester.ListMetadataFormats()] == ["oai_dc", "marc21"]
    record = harvester.GetRecord(identifier=oai_id(works["kept"]), metadataPrefix="oai_dc")
    assert record.metadata["title"] == ["水浒传"] and record.header.setSpecs == ["member:A", "member:B", "member:C"]
    assert harvester.GetRecord(identifier=oai_id(works["merged"]), metadataPrefix="oai_dc").deleted


def test_harvester_receives_protocol_errors(harvester, works):
    """Unknown ids, formats, empty selections and forged tokens come back as OAI errors."""
    with pytest.raises(IdDoesNotExist):
        harvester.GetRecord(identifier=oai_id(10**6), metadataPrefix="oai_dc")
    with pytest.raises(CannotDisseminateFormat):
        list(harvester.ListRecords(metadataPrefix="mods"))
    with pytest.raises(NoRecordsMatch):
        list(harvester.ListRecords(metadataPrefix="oai_dc", set="member:NOPE"))
    with pytest.raises(BadResumptionToken):
        list(harvester.ListRecords(resumptionToken="eyJ2ZXJiIjoiTGlzdFJlY29yZHMifQ.forged"))
