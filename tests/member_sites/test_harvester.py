"""OAI-PMH harvester against a real HTTP server on loopback serving real OAI-PMH responses."""
import json

import pytest

from member_sites.harvester import (
    BadOAIResponse,
    Harvester,
    HarvestHTTPError,
    HarvestLoop,
    HarvestStateError,
    OAIError,
    WithdrawalLimitExceeded,
)
from tests.member_sites.oai_server import OAIServer


@pytest.fixture
def oai(shared_data):
    server = OAIServer().start()
    server.unknown_token = (shared_data / "oaipmh/vufindharvest/token_error_response.xml").read_bytes()
    yield server
    server.stop()


@pytest.fixture
def oai_data(shared_data):
    return shared_data / "oaipmh"


def harvester(oai, tmp_path, **kwargs) -> Harvester:
    kwargs.setdefault("backoff", 0.01)
    return Harvester(oai.url, state_path=tmp_path / "state.json", **kwargs)


def serve_sickle_400(oai, oai_data):
    """Two real-structure pages of 200 records (12 deleted) linked by a resumptionToken."""
    oai.first = (oai_data / "sickle/tests_xml_c1385c1/ListRecords.xml").read_bytes()
    oai.by_token["ListRecords2.xml"] = (oai_data / "sickle/tests_xml_c1385c1/ListRecords2.xml").read_bytes()


def collect(pages):
    records = [r.record["local_id"] for p in pages for r in p.results if r.ok]
    deleted = [d for p in pages for d in p.deleted]
    return records, deleted


def test_harvest_follows_the_resumption_token_and_delivers_records_and_deletions(oai, oai_data, tmp_path):
    """400 records over two pages: 388 upserts and 12 withdrawals, requested with the token the server gave."""
    serve_sickle_400(oai, oai_data)
    pages = []
    summary = harvester(oai, tmp_path).harvest(pages.append, holdings_count=10_000)
    records, deleted = collect(pages)
    assert [p.number for p in pages] == [1, 2]
    assert len(records) + len(deleted) == 400 and len(deleted) == 12
    assert (summary.pages, summary.records, summary.deleted) == (2, 388, 12)
    assert oai.requests == [{"verb": "ListRecords", "metadataPrefix": "oai_dc"},
                            {"verb": "ListRecords", "resumptionToken": "ListRecords2.xml"}]
    assert not (tmp_path / "state.json.pages").exists()


def test_four_page_nsdl_chain_is_followed_with_its_real_tokens(oai, oai_data, tmp_path):
    """NSDL's four pages (733 headers): every token is sent back verbatim; headers without metadata are reported."""
    pages = [(oai_data / f"phpoaipmh/GoodResponseFourPage_{n}.xml").read_bytes() for n in range(1, 5)]
    oai.first = pages[0]
    for n in range(1, 4):
        oai.by_token[f"{(n - 1) * 200}/{n * 200}/733/nsdl_dc/null/2012-07-26/null"] = pages[n]
    delivered = []
    summary = harvester(oai, tmp_path, metadata_prefix="nsdl_dc").harvest(delivered.append, holdings_count=0)
    assert summary.pages == 4 and summary.records == 733 and summary.usable == 0
    assert [len(p.results) for p in delivered] == [200, 200, 200, 133]
    assert delivered[0].results[0].problems == ["unusable: record without metadata"]
    assert len(oai.requests) == 4


def test_marc21_harvest_reuses_the_marc_mapping_with_oai_local_ids(oai, oai_data, tmp_path):
    """Alma's marc21 page: MARCXML records mapped like a MARC file, local id from the OAI identifier."""
    page = (oai_data / "vufindharvest/marc.xml").read_bytes()
    oai.first = page
    oai.by_token["fakeresumptiontoken"] = page.replace(b"<resumptionToken>fakeresumptiontoken</resumptionToken>", b"")
    delivered = []
    harvester(oai, tmp_path, metadata_prefix="marc21").harvest(delivered.append, holdings_count=0)
    first = delivered[0].results[0]
    assert first.ok and first.record["local_id"] == "9925821506101791"
    assert first.record["title"]
    usable = [r for p in delivered for r in p.results if r.ok]
    assert len(usable) >= 190


def test_crash_in_the_page_callback_then_resume_gives_every_record_exactly_once(oai, oai_data, tmp_path):
    """The push of page 2 fails; the rerun delivers page 2 (and only it) from the spool, without refetching."""
    serve_sickle_400(oai, oai_data)
    delivered = []

    def flaky(page):
        if page.number == 2 and not getattr(flaky, "failed", False):
            flaky.failed = True
            raise ConnectionError("consortium unreachable")
        delivered.append(page)

    with pytest.raises(ConnectionError):
        harvester(oai, tmp_path).harvest(flaky, holdings_count=10_000)
    state = json.loads((tmp_path / "state.json").read_text())
    assert (state["run"]["fetched"], state["run"]["delivered"]) == (2, 1)
    summary = harvester(oai, tmp_path).harvest(flaky, holdings_count=10_000)
    records, deleted = collect(delivered)
    assert len(records) == len(set(records)) == 388 and len(deleted) == 12
    assert summary.resumed and summary.pages == 2
    assert len(oai.requests) == 2  # the second run fetched nothing


def crash_on_page_two(oai, tmp_path):
    """Fetch page 1, then let the server fail page 2 until the harvest gives up."""
    good, oai.by_token["ListRecords2.xml"] = oai.by_token["ListRecords2.xml"], 500
    with pytest.raises(HarvestHTTPError):
        harvester(oai, tmp_path, retries=1).harvest(lambda page: None, holdings_count=10_000)
    oai.by_token["ListRecords2.xml"] = good
    oai.requests.clear()


def test_crash_while_fetching_resumes_from_the_saved_token(oai, oai_data, tmp_path):
    """The server fails on page 2; nothing is delivered; the rerun asks for page 2 with the saved token only."""
    serve_sickle_400(oai, oai_data)
    crash_on_page_two(oai, tmp_path)
    delivered = []
    summary = harvester(oai, tmp_path).harvest(lambda page: delivered.append(page.number), holdings_count=10_000)
    assert oai.requests == [{"verb": "ListRecords", "resumptionToken": "ListRecords2.xml"}]
    assert delivered == [1, 2] and summary.records == 388 and summary.resumed


def test_transient_http_errors_are_retried_then_reported(oai, oai_data, tmp_path):
    """503 with Retry-After is retried; a server that keeps failing ends in HarvestHTTPError."""
    serve_sickle_400(oai, oai_data)
    oai.failures = [503, 502]
    summary = harvester(oai, tmp_path, retries=2).harvest(lambda page: None, holdings_count=10_000)
    assert summary.pages == 2
    oai.failures = [500] * 5
    with pytest.raises(HarvestHTTPError, match="failed after 3 attempts"):
        harvester(oai, tmp_path / "other", retries=2).harvest(lambda page: None, holdings_count=10_000)


def test_half_the_records_deleted_trips_the_breaker_and_changes_nothing(oai, oai_data, tmp_path):
    """sickle's four pages delete one of the two titles: 50 % of holdings → refused; force applies it."""
    sample = oai_data / "sickle/sample_data_HEAD"
    oai.first = (sample / "ListRecords.xml").read_bytes()
    for n in (2, 3, 4):
        oai.by_token[f"ListRecords{n}.xml"] = (sample / f"ListRecords{n}.xml").read_bytes()
    delivered = []
    with pytest.raises(WithdrawalLimitExceeded, match=r"withdraw 1 of the member's 2 holdings \(50%\).*Nothing was changed"):
        harvester(oai, tmp_path).harvest(delivered.append, holdings_count=2)
    assert delivered == []
    with pytest.raises(WithdrawalLimitExceeded):
        harvester(oai, tmp_path).harvest(delivered.append, holdings_count=2)
    fetched = len(oai.requests)
    summary = harvester(oai, tmp_path).harvest(delivered.append, holdings_count=2, force=True)
    assert len(oai.requests) == fetched  # the forced run used the spooled pages
    assert summary.deleted == 3 and delivered[0].deleted == ["1585310"]


def test_next_incremental_from_is_the_servers_response_date(oai, oai_data, tmp_path):
    """After a complete run the next one asks from the server's responseDate; noRecordsMatch is "nothing new"."""
    serve_sickle_400(oai, oai_data)
    h = harvester(oai, tmp_path)
    h.harvest(lambda page: None, holdings_count=10_000)
    assert h.next_from == "2013-02-27"
    oai.first = (oai_data / "sickle/sample_data_HEAD/noRecordsMatch.xml").read_bytes()
    oai.requests.clear()
    summary = harvester(oai, tmp_path).harvest(lambda page: None, holdings_count=10_000)
    assert oai.requests == [{"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2013-02-27"}]
    assert summary.pages == 0 and summary.records == 0
    assert harvester(oai, tmp_path).next_from == "2002-02-08"


def test_expired_token_on_resume_restarts_the_fetch(oai, oai_data, tmp_path):
    """A saved token the server no longer knows (badResumptionToken) starts the list again; nothing is lost."""
    serve_sickle_400(oai, oai_data)
    crash_on_page_two(oai, tmp_path)
    state = json.loads((tmp_path / "state.json").read_text())
    state["run"]["next_token"] = "expired-token"
    (tmp_path / "state.json").write_text(json.dumps(state))
    delivered = []
    summary = harvester(oai, tmp_path).harvest(delivered.append, holdings_count=10_000)
    assert oai.requests == [{"verb": "ListRecords", "resumptionToken": "expired-token"},
                            {"verb": "ListRecords", "metadataPrefix": "oai_dc"},
                            {"verb": "ListRecords", "resumptionToken": "ListRecords2.xml"}]
    records, deleted = collect(delivered)
    assert len(records) == len(set(records)) == 388 and summary.records == 388


@pytest.mark.parametrize("path, error, match", [
    ("sickle/sample_data_HEAD/badArgument.xml", OAIError, "badArgument"),
    ("sickle/sample_data_HEAD/cannotDisseminateFormat.xml", OAIError, "cannotDisseminateFormat"),
    ("vufindharvest/arbitrary_error_response.xml", OAIError, "foo"),
    ("sickle/sample_data_HEAD/ListRecordsBroken.xml", BadOAIResponse, "not well-formed"),
    ("pyoai/fake4/00001.xml", BadOAIResponse, "not well-formed|Entit"),
    ("traject/namespace-test.xml", BadOAIResponse, "not an OAI-PMH response"),
])
def test_oai_errors_and_broken_responses_are_clear_errors(oai, oai_data, tmp_path, path, error, match):
    """OAI error codes, non-XML and non-OAI answers raise named errors and deliver nothing."""
    oai.first = (oai_data / path).read_bytes()
    delivered = []
    with pytest.raises(error, match=match):
        harvester(oai, tmp_path).harvest(delivered.append, holdings_count=10)
    assert delivered == []


def test_state_file_of_another_repository_is_refused(oai, oai_data, tmp_path):
    """One state file per repository/prefix/set: reusing it for another is an error, not a silent mix."""
    serve_sickle_400(oai, oai_data)
    harvester(oai, tmp_path).harvest(lambda page: None, holdings_count=10_000)
    with pytest.raises(HarvestStateError, match="belongs to"):
        harvester(oai, tmp_path, metadata_prefix="marc21")


def test_real_dspace_records_map_from_dublin_core(oai, oai_data, tmp_path):
    """Erasmus University's DSpace page: titles, creators, years; its two deleted records become withdrawals."""
    oai.first = (oai_data / "pyoai/fake2/00002.xml").read_bytes()
    delivered = []
    summary = harvester(oai, tmp_path).harvest(delivered.append, holdings_count=0)
    assert summary.deleted == 2 and summary.records == 79
    record = next(r.record for r in delivered[0].results if r.ok)
    assert record["title"] and record["authors"] and 2000 <= record["year"] <= 2004
    assert delivered[0].deleted == ["hdl:1765/1160", "hdl:1765/1161"]


def _state(tmp_path) -> dict:
    return json.loads((tmp_path / "state.json").read_text(encoding="utf-8"))


def test_a_resumption_token_that_comes_back_stops_with_a_clear_error_and_keeps_the_checkpoint(oai, oai_data, tmp_path):
    """Page 2 hands out page 1's token again: the run stops, nothing is delivered, the state keeps 2 pages."""
    first = (oai_data / "sickle/tests_xml_c1385c1/ListRecords.xml").read_bytes()
    oai.first = first
    oai.by_token["ListRecords2.xml"] = first  # the same page, with the same token: it never ends
    delivered = []
    with pytest.raises(HarvestLoop, match="sent resumptionToken 'ListRecords2.xml' again on page 2 "
                                          r"\(first on page 1\)"):
        harvester(oai, tmp_path).harvest(delivered.append, holdings_count=10_000)
    assert delivered == [] and len(oai.requests) == 2
    run = _state(tmp_path)["run"]
    assert (run["fetched"], run["next_token"], run["delivered"], run["fetch_done"]) == (1, "ListRecords2.xml", 0, False)
    with pytest.raises(HarvestLoop):  # a rerun resumes at the checkpoint and meets the same loop
        harvester(oai, tmp_path).harvest(delivered.append, holdings_count=10_000)
    assert [r.get("resumptionToken") for r in oai.requests[2:]] == ["ListRecords2.xml"]


def test_a_longer_token_cycle_is_caught_too(oai, oai_data, tmp_path):
    """Tokens a → b → a: the loop is caught on the third page, not followed for ever."""
    page = (oai_data / "sickle/tests_xml_c1385c1/ListRecords.xml").read_bytes()
    oai.first = page.replace(b"ListRecords2.xml", b"a")
    oai.by_token["a"] = page.replace(b"ListRecords2.xml", b"b")
    oai.by_token["b"] = page.replace(b"ListRecords2.xml", b"a")
    with pytest.raises(HarvestLoop, match="again on page 3"):
        harvester(oai, tmp_path).harvest(lambda page: None, holdings_count=10_000)
    assert len(oai.requests) == 3
