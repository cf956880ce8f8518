"""The push API contract (DESIGN.md "Push") and its answers to bad input."""
import json

import pytest

GOOD = {"local_id": "nju-1", "title": "算法导论", "authors": ["Cormen, Thomas H."], "isbns": ["9787111407010"],
        "year": 2013, "language": "zh", "clc": "TP301.6", "format": "book", "acquired_on": "2026-11-01"}


def auth(key):
    return {"Authorization": f"Bearer {key}"}


def assert_error_payload(response, status):
    assert response.status_code == status
    body = response.get_json()
    assert set(body) == {"code", "status", "message", "errors"}
    assert body["code"] == status and body["message"]
    return body


def test_push_answers_the_contract(client, keys):
    response = client.post("/api/v1/members/A/records", json={"records": [GOOD, {"local_id": "x"}]}, headers=auth(keys["A"]))
    assert response.status_code == 200
    body = response.get_json()
    assert body["accepted"] == 1 and isinstance(body["batch_id"], int)
    assert body["rejected"] == [{"index": 1, "local_id": "x", "errors": {"title": ["Missing data for required field."]}}]
    assert body["works"][0]["local_id"] == "nju-1" and body["works"][0]["matched_by"] == "new"


def test_isbn10_from_a_and_isbn13_from_b_make_one_work_with_two_holdings(client, keys, backend):
    a = client.post("/api/v1/members/A/records", json={"records": [{**GOOD, "isbns": ["7-111-40701-6"]}]},
                    headers=auth(keys["A"])).get_json()
    b = client.post("/api/v1/members/B/records", json={"records": [{**GOOD, "local_id": "b-77"}]},
                    headers=auth(keys["B"])).get_json()
    work_id = a["works"][0]["work_id"]
    assert b["works"][0]["work_id"] == work_id
    work = client.get(f"/api/v1/works/{work_id}").get_json()
    assert [h["member"] for h in work["holdings"]] == ["A", "B"]
    assert work["isbns"] == ["9787111407010"]


def test_merged_work_id_redirects(client, keys):
    w1 = client.post("/api/v1/members/A/records", json={"records": [{**GOOD, "isbns": ["9787111407010"]}]},
                     headers=auth(keys["A"])).get_json()["works"][0]["work_id"]
    w2 = client.post("/api/v1/members/B/records", json={"records": [{**GOOD, "local_id": "b", "isbns": ["9787111187776"]}]},
                     headers=auth(keys["B"])).get_json()["works"][0]["work_id"]
    client.post("/api/v1/members/C/records", json={"records": [{**GOOD, "local_id": "c", "isbns": ["9787111407010", "9787111187776"]}]},
                headers=auth(keys["C"]))
    response = client.get(f"/api/v1/works/{w2}")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/api/v1/works/{w1}")


def test_withdraw_returns_204_and_hides_the_work(client, keys):
    work_id = client.post("/api/v1/members/A/records", json={"records": [GOOD]}, headers=auth(keys["A"])).get_json()["works"][0]["work_id"]
    assert client.delete("/api/v1/members/A/records/nju-1", headers=auth(keys["A"])).status_code == 204
    assert_error_payload(client.get(f"/api/v1/works/{work_id}"), 404)
    assert_error_payload(client.delete("/api/v1/members/A/records/nju-1", headers=auth(keys["A"])), 404)


@pytest.mark.parametrize("body, content_type, status", [
    ("{not json", "application/json", 400),
    ("[1, 2]", "application/json", 422),
    ('"records"', "application/json", 422),
    ('{"records": {"a": 1}}', "application/json", 422),
    ('{}', "application/json", 422),
])
def test_malformed_bodies_are_refused_and_change_nothing(client, keys, body, content_type, status):
    response = client.post("/api/v1/members/A/records", data=body, headers={**auth(keys["A"]), "Content-Type": content_type})
    assert_error_payload(response, status)
    assert client.get("/api/v1/works/1").status_code == 404


@pytest.mark.parametrize("bad, field, phrase", [
    ({"title": None}, "title", "null"),
    ({"isbns": ["978-7-111-40701-1"]}, "isbns", "check digit"),
    ({"year": 20255}, "year", "between"),
    ({"format": "scroll"}, "format", "one of"),
    ({"clc": "L99"}, "clc", "CLC"),
    ({"language": "klingon"}, "language", "ISO 639"),
    ({"copies": -1}, "copies", "greater"),
    ({"url": "javascript:alert(1)"}, "url", "URL"),
    ({"access": "everyone"}, "access", "one of"),
])
def test_each_bad_field_is_reported_with_index_and_local_id(client, keys, bad, field, phrase):
    response = client.post("/api/v1/members/A/records", json={"records": [GOOD, {**GOOD, "local_id": "bad", **bad}]},
                           headers=auth(keys["A"]))
    body = response.get_json()
    assert response.status_code == 200 and body["accepted"] == 1
    (rejection,) = body["rejected"]
    assert rejection["index"] == 1 and rejection["local_id"] == "bad"
    assert phrase.lower() in " ".join(rejection["errors"][field]).lower()


def test_1001_records_are_refused_with_413(client, keys):
    records = [{**GOOD, "local_id": f"r{i}"} for i in range(1001)]
    body = assert_error_payload(client.post("/api/v1/members/A/records", json={"records": records}, headers=auth(keys["A"])), 413)
    assert "1000" in body["message"]


def test_a_20_mb_body_is_refused_with_413(client, keys):
    payload = json.dumps({"records": [{**GOOD, "summary": "x" * (20 * 1024 * 1024)}]})
    response = client.post("/api/v1/members/A/records", data=payload, headers={**auth(keys["A"]), "Content-Type": "application/json"})
    assert_error_payload(response, 413)


def test_another_members_key_is_forbidden(client, keys):
    response = client.post("/api/v1/members/B/records", json={"records": [GOOD]}, headers=auth(keys["A"]))
    assert "A only" in assert_error_payload(response, 403)["message"]
    assert_error_payload(client.delete("/api/v1/members/B/records/x", headers=auth(keys["A"])), 403)


def test_missing_unknown_and_revoked_keys_are_401(client, keys, session):
    from consortium.accounts.service import revoke_keys

    assert_error_payload(client.post("/api/v1/members/A/records", json={"records": []}), 401)
    assert_error_payload(client.post("/api/v1/members/A/records", json={"records": []}, headers=auth("dk_nope")), 401)
    revoke_keys(session, "A")
    body = assert_error_payload(client.post("/api/v1/members/A/records", json={"records": [GOOD]}, headers=auth(keys["A"])), 401)
    assert "revoked" in body["message"]


def test_unknown_member_is_404(client, keys):
    assert_error_payload(client.post("/api/v1/members/ZZ/records", json={"records": []}, headers=auth(keys["A"])), 404)


def test_openapi_document_lists_the_push_paths(client):
    document = client.get("/api/v1/openapi.json").get_json()
    paths = document["paths"]
    assert "/api/v1/members/{code}/records" in paths and "/api/v1/works/{work_id}" in paths
    # the push answer's work references are documented as the objects they are
    works = document["components"]["schemas"]["PushResult"]["properties"]["works"]
    assert works == {"type": "array", "items": {"$ref": "#/components/schemas/WorkRef"}}
    assert set(document["components"]["schemas"]["WorkRef"]["properties"]) == {"local_id", "work_id", "matched_by"}


def test_a_work_id_beyond_the_integer_range_is_404_not_500(client, backend):
    assert_error_payload(client.get("/api/v1/works/3000000000"), 404)
