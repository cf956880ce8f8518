"""A cluster that cannot be reached: readers get the JSON 503 (never a 500) and the writer's
errors say what failed."""
import pytest

from consortium.search import operations
from consortium.search.errors import SearchUnavailable


@pytest.fixture
def app_config(app_config) -> dict:
    # port 9 (discard) on loopback: nothing listens, the connection is refused at once
    return dict(app_config, SEARCH_BACKEND="opensearch", OPENSEARCH_URL="http://127.0.0.1:9",
                OPENSEARCH_TIMEOUT=2, OPENSEARCH_RETRY_SECONDS=1)


def test_a_search_answers_503_with_retry_after(client):
    """A reader searching while no node answers gets the JSON error with status 503."""
    response = client.get("/api/v1/search?q=history")
    assert response.status_code == 503 and response.headers["Retry-After"] == "60"
    body = response.get_json()
    assert body["code"] == 503 and "search cluster" in body["message"]


def test_index_status_names_the_unreachable_cluster(app):
    """``index status`` raises the consortium's SearchUnavailable naming what failed."""
    with pytest.raises(SearchUnavailable) as caught:
        operations.status(app)
    assert "could not report the index's status" in caught.value.message
