"""``GET /api/v1/search``: the DESIGN.md contract, and bad values answered as JSON errors."""
import pytest

from consortium.ports import SEARCH
from search_index.errors import IndexUnreadable

pytestmark = pytest.mark.needs_search


def assert_error_payload(response, status):
    assert response.status_code == status
    body = response.get_json()
    assert set(body) == {"code", "status", "message", "errors"} and body["code"] == status
    return body


def test_search_answers_the_contract(client, catalogue):
    """The body has every contract field, results with holdings and facets with counts."""
    body = client.get("/api/v1/search?q=algorithms&per_page=5").get_json()
    assert {"total", "page", "per_page", "results", "facets", "suggestion"} <= set(body)
    assert body["total"] == 1 and body["page"] == 1 and body["per_page"] == 5
    result = body["results"][0]
    assert {"id", "title", "authors", "year", "format", "language", "clc", "isbns", "holdings"} <= set(result)
    assert result["isbns"] == ["9780262033848"] and result["language"] == "eng"
    assert {"member", "call_number", "location", "available", "url", "access"} <= set(result["holdings"][0])
    assert {"member", "format", "language", "clc", "year"} <= set(body["facets"])
    assert body["facets"]["member"] == [{"value": "A", "count": 1}, {"value": "C", "count": 1}]


def test_repeated_member_parameters_combine(client, catalogue):
    """member=A&member=C finds works held by either."""
    body = client.get("/api/v1/search?member=A&member=C").get_json()
    assert body["total"] == 3


def test_fielded_queries_reach_their_fields(client, catalogue):
    """author: searches authors only; title: titles only."""
    assert client.get("/api/v1/search?q=author:cormen").get_json()["total"] == 1
    assert client.get("/api/v1/search?q=title:cormen").get_json()["total"] == 0
    assert client.get("/api/v1/search?q=author:曹雪芹").get_json()["total"] == 1


@pytest.mark.parametrize("query, field", [
    ("page=0", "page"), ("per_page=abc", "per_page"), ("year_to=99999", "year_to"), ("sort=random", "sort"),
    ("available=maybe", "available"), ("language=klingon", "language"), ("format=scroll", "format"),
    ("acquired_since=yesterday", "acquired_since"),
    ("first_seen_after=yesterday", "first_seen_after"), ("clc=123", "clc"),
])
def test_bad_values_are_422_json_errors_naming_the_field(client, catalogue, query, field):
    """Each bad value answers 422 with the field named, never a 500."""
    body = assert_error_payload(client.get(f"/api/v1/search?{query}"), 422)
    assert field in body["errors"]


def test_deep_paging_is_refused(client, catalogue):
    """Pages beyond the deep-paging cap are a 422 naming ``page``."""
    body = assert_error_payload(client.get("/api/v1/search?page=200&per_page=10"), 422)
    assert "page" in body["errors"]


@pytest.mark.parametrize("q", ['"', "title:", "(((", "AND OR NOT", "a:b:c", "*?", "\\", "%00", "x" * 500])
def test_odd_queries_never_fail(client, catalogue, q):
    """Syntax errors and odd characters are searched as plain words (200)."""
    response = client.get("/api/v1/search", query_string={"q": q})
    assert response.status_code == 200 and response.get_json()["total"] >= 0


def test_search_is_in_the_openapi_document(client):
    """The endpoint and its parameters are documented."""
    spec = client.get("/api/v1/openapi.json").get_json()
    names = {p["name"] for p in spec["paths"]["/api/v1/search"]["get"]["parameters"]}
    assert {"q", "member", "format", "language", "year_from", "year_to", "clc", "available", "sort", "page",
            "per_page"} <= names


def test_an_index_that_cannot_be_read_answers_503_not_500(app, client, catalogue, monkeypatch):
    """An index written by an older version is unreadable until the indexer rebuilds it: the
    API says search is unavailable for now (JSON, Retry-After), never a traceback."""
    def unreadable(params):
        raise IndexUnreadable("The search index was written by an older version and is being rebuilt.")

    monkeypatch.setattr(app.extensions[SEARCH].reader, "search", unreadable)
    response = client.get("/api/v1/search?q=x")
    body = assert_error_payload(response, 503)
    assert "being rebuilt" in body["message"] and response.headers["Retry-After"]
