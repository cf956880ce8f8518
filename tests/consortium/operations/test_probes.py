"""/healthz, /readyz (503 with the reason) and /metrics (Prometheus text) of one process."""
import io
import json
import logging
from datetime import timedelta

import pytest
from flask import request
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import update

from consortium import create_app
from consortium.catalogue.service import ingest_batch
from consortium.db.columns import utcnow
from consortium.db.uow import UnitOfWork
from consortium.mail import queue_mail
from consortium.mail.models import OutboxMail
from consortium.operations.logs import configure_logging
from consortium.reference.common import ReferenceSettings
from consortium.reference.questions import submit_question
from consortium.search.operations import status, sync_index
from tests.conftest import free_port
from tests.consortium.reference.conftest import WEDNESDAY, ask_data


def _samples(client) -> dict:
    """Every sample of /metrics as {(name, sorted labels): value}, read by Prometheus's parser."""
    response = client.get("/metrics")
    assert response.status_code == 200 and response.content_type.startswith("text/plain; version=")
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(response.get_data(as_text=True)) for s in family.samples}


def _records(n, prefix="r"):
    return [{"local_id": f"{prefix}{i}", "title": f"书名{i}", "authors": ["作者"]} for i in range(n)]


def test_healthz_answers_while_the_process_runs(client):
    """Alive is a 200 with a tiny JSON body, whatever the database says."""
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_readyz_is_ready_on_a_fresh_instance_and_shows_its_checks(client):
    """Database reachable, no index needed yet, no mail backlog."""
    response = client.get("/readyz")
    body = response.get_json()
    assert response.status_code == 200 and body["status"] == "ready"
    assert body["checks"]["database"] == "ok" and body["checks"]["index"]["lag"] == 0
    assert body["checks"]["mail_backlog"] == 0


def test_readyz_answers_503_while_the_index_lags_beyond_the_limit(app, client, session, members, backend):
    """Pushed but not indexed with a limit of 2 changes: 503 naming the lag; after the
    indexer caught up: 200."""
    app.config["OPERATIONS_READY_MAX_INDEX_LAG"] = 2
    ingest_batch(session, members["A"], _records(1, "first"))
    sync_index(app)
    assert client.get("/readyz").status_code == 200
    ingest_batch(session, members["A"], _records(5))
    response = client.get("/readyz")
    body = response.get_json()
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert body["code"] == 503 and "changes behind the database" in body["errors"]["index"][0]
    assert body["checks"]["index"]["lag"] > 2 and "Not ready" in body["message"]
    sync_index(app)
    assert client.get("/readyz").status_code == 200


def test_readyz_answers_503_when_mail_has_been_due_too_long(app, client, session):
    """Mails due for longer than the age limit beyond the count limit make it not ready."""
    app.config.update(OPERATIONS_READY_MAX_MAIL_BACKLOG=1, OPERATIONS_READY_MAIL_AGE_SECONDS=600)
    with UnitOfWork(session):
        for i in range(2):
            queue_mail(session, f"r{i}@reader.example", "s", "t")
    assert client.get("/readyz").status_code == 200  # due just now: not a backlog
    with UnitOfWork(session):
        session.exec(update(OutboxMail).values(next_attempt_at=utcnow() - timedelta(hours=1)))
    response = client.get("/readyz")
    assert response.status_code == 503 and "2 mails due" in response.get_json()["errors"]["mail"][0]
    app.config["OPERATIONS_READY_MAX_MAIL_BACKLOG"] = None
    assert client.get("/readyz").status_code == 200


def test_readyz_answers_503_when_the_database_is_unreachable(tmp_path):
    """A PostgreSQL URL on a closed loopback port: 503 saying the database is unreachable."""
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "CONSORTIUM_BACKGROUND_JOBS": False,
                      "CONSORTIUM_DATABASE_URL": f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/none",
                      "SEARCH_INDEX_DIR": str(tmp_path / "index")}, instance_path=str(tmp_path / "i"))
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["errors"]["database"][0].startswith("database unreachable")
    assert app.test_client().get("/healthz").status_code == 200


def test_metrics_count_requests_by_route_template_and_status(client):
    """Two record pages of different ids are one route; a 404 without a route is '(no route)';
    each has a latency histogram."""
    client.get("/healthz")
    client.get("/api/v1/works/1")
    client.get("/api/v1/works/2")
    client.get("/no/such/page")
    samples = _samples(client)
    work = (("method", "GET"), ("route", "/api/v1/works/<int:work_id>"), ("status", "404"))
    assert samples[("daodu_http_requests_total", work)] == 2
    assert samples[("daodu_http_requests_total", (("method", "GET"), ("route", "(no route)"),
                                                  ("status", "404")))] == 1
    histogram = ("daodu_http_request_duration_seconds_count",
                 (("method", "GET"), ("route", "/api/v1/works/<int:work_id>")))
    assert samples[histogram] == 2
    assert samples[("daodu_http_request_duration_seconds_bucket",
                    (("le", "+Inf"), ("method", "GET"), ("route", "/healthz")))] == 1


def test_metrics_report_index_lag_outbox_questions_and_imports(app, client, session, members):
    """The gauges read at scrape time equal what the database and the index hold."""
    ingest_batch(session, members["A"], _records(3))
    with UnitOfWork(session):
        queue_mail(session, "r@reader.example", "s", "t")
    samples = _samples(client)
    assert samples[("daodu_search_index_lag", ())] == status(app)["lag"] > 0
    assert samples[("daodu_mail_outbox", (("status", "queued"),))] == 1
    sync_index(app)
    assert _samples(client)[("daodu_search_index_lag", ())] == 0


def test_metrics_count_questions_by_state(client, session, members):
    """A question asked through the API appears under its state."""
    submit_question(session, ask_data(), now=WEDNESDAY, settings=ReferenceSettings())
    assert _samples(client)[("daodu_questions", (("state", "new"),))] == 1


def test_json_logs_are_one_object_per_line_with_the_extra_fields(app, client):
    """LOG_FORMAT json: each record is one JSON line; the access line carries route and status;
    a traceback stays inside its line."""
    stream = io.StringIO()
    handler = configure_logging("json", "INFO", stream)
    app.config["LOG_REQUESTS"] = True
    try:
        client.get("/api/v1/works/7")
        try:
            raise ValueError("boom\nsecond line")
        except ValueError:
            logging.getLogger("consortium.test").exception("失败了")
    finally:
        logging.getLogger().removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    access = next(line for line in lines if line["logger"] == "consortium.access")
    assert access["route"] == "/api/v1/works/<int:work_id>" and access["status"] == 404
    assert access["level"] == "INFO" and access["time"] and isinstance(access["ms"], float)
    failure = next(line for line in lines if line["logger"] == "consortium.test")
    assert failure["message"] == "失败了" and "second line" in failure["exc_info"]


def test_an_unknown_log_format_stops_the_start():
    """A typo in LOG_FORMAT is an error, not silently plain text."""
    with pytest.raises(ValueError, match="LOG_FORMAT"):
        configure_logging("jsno")


def test_behind_one_trusted_proxy_the_readers_address_and_https_reach_the_app(app_config, tmp_path):
    """With OPERATIONS_TRUSTED_PROXIES = 1 nginx's X-Forwarded-* headers are believed; with the
    default 0 a client's own X-Forwarded-For changes nothing."""
    seen = {}

    def build(hops):
        app = create_app({**app_config, "OPERATIONS_TRUSTED_PROXIES": hops}, instance_path=str(tmp_path / f"i{hops}"))

        @app.get("/_whoami")
        def whoami():
            seen[hops] = (request.remote_addr, request.scheme, request.host)
            return "ok"

        return app

    headers = {"X-Forwarded-For": "202.119.32.7", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "daodu.edu.cn"}
    for hops in (0, 1):
        build(hops).test_client().get("/_whoami", headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert seen[1] == ("202.119.32.7", "https", "daodu.edu.cn")
    assert seen[0] == ("127.0.0.1", "http", "localhost")
