"""``member-sync harvest`` against a loopback OAI-PMH server (real responses) and the real app."""
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from click.testing import CliRunner
from sqlmodel import select

from consortium.catalogue.models import Holding
from member_sites.sync_cli import main

pytest.importorskip("member_sites.harvester", reason="the OAI-PMH harvester library lives on the readers branch")


class OAIServer:
    """Serves sickle's real two-page ListRecords sequence (400 records, 12 deletions)."""

    def __init__(self, folder):
        self.folder, self.requests = folder, []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                query = parse_qs(urlparse(self.path).query)
                outer.requests.append(query)
                name = query.get("resumptionToken", ["ListRecords.xml"])[0]
                body = (outer.folder / name).read_bytes()
                self.send_response(200)
                self.send_header("Content-Type", "text/xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/oai"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def oai(shared_data):
    server = OAIServer(shared_data / "oaipmh" / "sickle" / "tests_xml_c1385c1")
    yield server
    server.close()


def harvest(live_server, key, oai, tmp_path, *extra):
    return CliRunner().invoke(main, ["--url", live_server.url, "--member", "A", "--key", key, "--quiet", "harvest",
                                     oai.url, "--state-dir", str(tmp_path / "state"), *extra])


def local_ids(session, member):
    session.expire_all()
    return set(session.exec(select(Holding.local_id).where(Holding.member_id == member.id)).all())


def test_harvest_follows_the_resumption_token_and_pushes_every_usable_record(live_server, keys, members, session,
                                                                           oai, tmp_path):
    """Both pages are fetched and pushed; deleted headers become withdrawals of unknown ids (already gone)."""
    result = harvest(live_server, keys["A"], oai, tmp_path)
    assert result.exit_code == 0, result.output
    assert [q.get("resumptionToken") for q in oai.requests] == [None, ["ListRecords2.xml"]]
    stored = local_ids(session, members["A"])
    assert len(stored) == 388 and "1585322" in stored  # 400 headers, 12 of them deletions
    assert "read 388 · pushed 388 · unchanged 0 · rejected 0 · withdrawn 0 (already gone 12)" in result.output
    assert "harvested 2 page(s) from the beginning; next run asks for records from 2013-02-27" in result.output


def test_a_harvest_deleting_too_much_stops_and_changes_nothing(live_server, keys, members, session, oai, tmp_path):
    """With few holdings, the source's deletions exceed 10%: the run stops, nothing is pushed or withdrawn."""
    from consortium.catalogue.service import ingest_batch

    ingest_batch(session, members["A"], [{"local_id": f"h{i}", "title": f"馆藏{i}"} for i in range(20)])
    result = harvest(live_server, keys["A"], oai, tmp_path)
    assert result.exit_code == 2
    assert "Nothing was changed" in result.output
    assert local_ids(session, members["A"]) == {f"h{i}" for i in range(20)}
    forced = harvest(live_server, keys["A"], oai, tmp_path, "--force")
    assert forced.exit_code == 0, forced.output
    assert len(local_ids(session, members["A"])) == 20 + 388
