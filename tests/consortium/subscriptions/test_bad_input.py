"""Bad input to the subscription API and pages: a clear 4xx naming what is wrong, nothing stored,
never a 5xx; and the rate limits per address and per client."""
import re

import pytest
from sqlmodel import select

from consortium.subscriptions.models import Subscription
from tests.consortium.subscriptions.conftest import confirm_token, outbox, post_form

GOOD = {"email": "reader@example.edu.cn", "search": {"q": "数据"}, "frequency": "weekly", "language": "en"}


@pytest.mark.parametrize("body, field", [
    ({**GOOD, "email": "not-an-address"}, "email"),
    ({k: v for k, v in GOOD.items() if k != "email"}, "email"),
    ({**GOOD, "frequency": "hourly"}, "frequency"),
    ({**GOOD, "language": "fr"}, "language"),
    ({**GOOD, "search": {"year_from": "abc"}}, "search"),
    ({**GOOD, "search": {"clc": "123"}}, "search"),
    ({**GOOD, "search": "数据"}, "search"),
    ({**GOOD, "source": "everything"}, "source"),
    ({**GOOD, "home_member": "NOPE"}, "home_member"),
    ({**GOOD, "email": "a@b.cn" * 100}, "email"),
])
def test_bad_fields_are_422_naming_the_field_and_store_nothing(client, session, members, body, field):
    """Each bad field answers 422 with that field named; no row and no mail."""
    response = client.post("/api/v1/subscriptions", json=body)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]
    assert session.exec(select(Subscription)).all() == [] and outbox(session) == []


@pytest.mark.parametrize("raw, content_type", [
    ("[1, 2]", "application/json"), ("null", "application/json"), ("{", "application/json"),
    ("email=a@b.cn", "application/x-www-form-urlencoded"), ('"x"', "application/json"),
])
def test_malformed_bodies_are_4xx(client, members, raw, content_type):
    """A body that is not a JSON object is refused with a 4xx JSON error, never a 500."""
    response = client.post("/api/v1/subscriptions", data=raw, content_type=content_type)
    assert 400 <= response.status_code < 500 and response.get_json()["code"] == response.status_code


@pytest.mark.parametrize("token", ["nope", "1.0123456789abcdef0123456789abcdef", "9" * 40 + ".x", "x" * 5000,
                                   "%00", "1." + "a" * 32])
@pytest.mark.parametrize("suffix", ["", "/confirm", "/unsubscribe"])
def test_unknown_tokens_are_404_pages(client, members, token, suffix):
    """A wrong, forged or absurd token is a 404 page on every subscription address."""
    assert client.get(f"/subscriptions/{token}{suffix}").status_code == 404
    if suffix == "/unsubscribe":
        assert client.post(f"/subscriptions/{token}{suffix}").status_code == 404


def test_subscribe_form_with_bad_values_is_422_and_keeps_the_input(client, members):
    """The page form answers 422 with the reader's input kept and the problem shown."""
    response = post_form(client, "/subscribe?q=x", "/subscribe",
                         {"email": "nope", "frequency": "daily", "s.q": "数据", "s.year_from": "abc"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and 'value="nope"' in body and "field-error" in body


def test_a_pending_subscription_cannot_be_changed_and_bad_changes_are_422(client, session, members):
    """Changing before confirming is 409; a bad frequency after confirming is 422."""
    client.post("/api/v1/subscriptions", json=GOOD)
    token = confirm_token(outbox(session)[0].text_body)
    page = f"/subscriptions/{token}"
    assert post_form(client, page, f"{page}/change", {"frequency": "daily"}).status_code == 409
    post_form(client, f"{page}/confirm", f"{page}/confirm")
    assert post_form(client, page, f"{page}/change", {"frequency": "hourly"}).status_code == 422


@pytest.fixture
def app_config(app_config):
    return {**app_config, "SUBSCRIPTIONS_RATE_LIMIT_PER_EMAIL": 2, "SUBSCRIPTIONS_RATE_LIMIT_PER_IP": 3}


def test_subscriptions_are_rate_limited_per_address_and_per_client(client, members):
    """The third subscription of one address within the window is 429, and so is a client's fourth."""
    for _ in range(2):
        assert client.post("/api/v1/subscriptions", json=GOOD).status_code == 202
    refused = client.post("/api/v1/subscriptions", json=GOOD)
    assert refused.status_code == 429 and refused.headers.get("Retry-After")
    assert client.post("/api/v1/subscriptions", json={**GOOD, "email": "other@example.edu.cn"}).status_code == 202
    assert client.post("/api/v1/subscriptions", json={**GOOD, "email": "third@example.edu.cn"}).status_code == 429


def test_bad_values_never_count_against_the_limit(client, members):
    """Refused subscriptions (422) do not use up the reader's allowance."""
    for _ in range(4):
        assert client.post("/api/v1/subscriptions", json={**GOOD, "frequency": "x"}).status_code == 422
    assert client.post("/api/v1/subscriptions", json=GOOD).status_code == 202


@pytest.mark.parametrize("page, expected", [
    ("/new-arrivals?member=A&clc=TP", ["source=member", "member=A", "clc=TP"]),
    ("/guides?member=B", ["source=guides", "member=B"]),
    ("/answers?q=借阅", ["source=answers", "q="]),
    ("/search?q=数据&format=book", ["q=", "format=book"]),
])
def test_pages_offer_a_subscription_to_what_they_show(client, members, page, expected):
    """New arrivals, guides, the knowledge base and search link the subscribe form with their filters."""
    html = client.get(page).get_data(as_text=True)
    link = re.search(r'class="subscribe-link" href="([^"]+)"|href="([^"]+)" class="subscribe-link"', html)
    target = (link.group(1) or link.group(2)).replace("&amp;", "&")
    assert target.startswith("/subscribe") and all(part in target for part in expected)
    assert client.get(target).status_code == 200
