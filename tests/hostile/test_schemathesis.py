"""schemathesis over every operation of the OpenAPI document, with auth (a member's key, a
staff session with its CSRF token), a bounded number of examples per operation: no response
may be a 5xx or break the document's response schemas."""
import os
import time

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from consortium.accounts.service import add_user
from consortium.catalogue.service import ingest_batch
from consortium.reference.profiles import set_profile
from tests.consortium.reference.conftest import WEDNESDAY, ask_data
from tests.hostile.conftest import SCHEMATHESIS_RUN as RUN
from tests.staff import login

pytestmark = pytest.mark.slow

# Per operation and phase: CI-sized and the same every run (the exploratory run was
# 31,000 requests over ten minutes). DAODU_SCHEMATHESIS_EXAMPLES=500 explores more, at random.
EXAMPLES = int(os.environ.get("DAODU_SCHEMATHESIS_EXAMPLES", "50"))
EXPLORING = "DAODU_SCHEMATHESIS_EXAMPLES" in os.environ
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]


@pytest.fixture
def api_auth(app, session, members, keys):
    """Data to act on (works, a question) and the credentials to act with."""
    app.config["REFERENCE_RATE_LIMIT_PER_EMAIL"] = app.config["REFERENCE_RATE_LIMIT_PER_IP"] = 10_000
    app.config["RATELIMIT_ENABLED"] = True
    ingest_batch(session, members["A"], [{"local_id": f"a{i}", "title": f"书{i}", "isbns": []} for i in range(3)])
    set_profile(session, "A", {"languages": ["zh", "en"], "opening_hours": "mon-fri 08:30-17:30"}, now=WEDNESDAY)
    add_user(session, "liaison@a.example", "liaison-pass-A", "liaison", "A")
    client = app.test_client()
    assert client.post("/api/v1/questions", json=ask_data(home_member="A")).status_code == 201
    assert login(client, "liaison@a.example", "liaison-pass-A").status_code == 302
    csrf = client.get("/api/v1/staff/csrf").get_json()["csrf_token"]
    return {"headers": {"Authorization": f"Bearer {keys['A']}", "X-CSRFToken": csrf},
            "cookies": {"session": client.get_cookie("session").value}}


@pytest.fixture
def api_schema(app, api_auth):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=not EXPLORING, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_operation_answers_5xx_or_breaks_its_documented_schema(case, api_auth):
    RUN["started"] = RUN["started"] or time.monotonic()
    RUN["examples"] += 1
    # our credentials replace whatever schemathesis made up for the declared security schemes
    case.headers = {**(case.headers or {}), **api_auth["headers"]}
    case.cookies = {**(case.cookies or {}), **api_auth["cookies"]}
    # call_and_validate raises on a 5xx, a schema violation or an undocumented status; the
    # assertion states the rule once more for the reader
    response = case.call_and_validate(checks=CHECKS)
    assert response.status_code < 500, (case.operation.path, response.status_code)
    label = f"{case.operation.method.upper()} {case.operation.path}"
    RUN["statuses"].setdefault(label, set()).add(response.status_code)
    RUN["finished"] = time.monotonic()
