"""Hostile requests get a clear 4xx and lose nothing: ids beyond any row, JSON too deep or
with endless numbers, null and broken records in a batch, huge lists, wrong types in staff
actions. None may answer 500."""
import io
import json

import pytest

from consortium.accounts.service import add_user
from consortium.db import new_session
from consortium.reference.profiles import set_profile
from tests.consortium.reference.conftest import WEDNESDAY, ask_data
from tests.staff import login

HUGE = [str(2**31), str(2**63), "9" * 30]  # beyond PostgreSQL INTEGER, beyond 64 bits


@pytest.fixture
def staff(session, members):
    add_user(session, "lib@a.example", "lib-pass-123", "librarian", "A")
    add_user(session, "liaison@a.example", "liaison-pass-A", "liaison", "A")
    add_user(session, "admin@x.example", "admin-pass-1", "consortium_admin")


def test_ids_beyond_any_row_are_404_in_every_path(client, keys, staff, backend):
    """Public, staff, API and import paths; on SQLite and PostgreSQL (32-bit INTEGER ids)."""
    public = ["/answers/{}", "/works/{}", "/works/{}/cite.xml", "/guides/{}", "/api/v1/works/{}"]
    staff_paths = ["/staff/questions/{}", "/staff/imports/{}", "/staff/guides/{}", "/api/v1/staff/questions/{}"]
    for big in HUGE:
        for path in public:
            assert client.get(path.format(big)).status_code == 404, path
        response = client.get(f"/api/v1/members/A/imports/{big}", headers={"Authorization": f"Bearer {keys['A']}"})
        assert response.status_code == 404
    login(client, "admin@x.example", "admin-pass-1")
    for big in HUGE:
        for path in staff_paths:
            assert client.get(path.format(big)).status_code == 404, path


def test_ask_about_a_work_id_beyond_any_row_shows_the_plain_form(client, members, backend):
    for big in HUGE + ["-1", "1e9", "١٢"]:
        response = client.get(f"/ask?work={big}")
        assert response.status_code == 200, big


def test_question_with_a_huge_work_id_is_a_422(client, members):
    response = client.post("/api/v1/questions", json=ask_data(home_member="A", work_id=2**70))
    assert response.status_code == 422 and "work_id" in response.get_json()["errors"]


@pytest.mark.parametrize("body", [
    "[" * 100_000 + "]" * 100_000,                 # no key at all
    '{"records": ' + "[" * 5000 + "]" * 5000 + "}",
    '{"records": [{"local_id": "x", "title": "t", "year": ' + "9" * 5000 + "}]}",  # past int()'s 4,300 digits
    '{"records": [{"local_id": "x", "title": "t", "year": NaN}]}',
    '{"records": [' + '{"a":' * 30 + "1" + "}" * 30 + "]}",
])
def test_unbounded_json_is_a_400_before_any_view(client, keys, body):
    for path in ("/api/v1/members/A/records", "/api/v1/questions"):
        response = client.post(path, data=body, content_type="application/json",
                               headers={"Authorization": f"Bearer {keys['A']}"})
        assert response.status_code == 400, (path, response.get_data(as_text=True)[:200])
        assert "not valid JSON" in response.get_json()["message"]


def test_null_surrogate_and_huge_records_are_rejected_alone(client, keys, backend):
    """Each bad record is rejected with its index and reason; the good ones go in."""
    records = ('[{"local_id": "ok1", "title": "好书"}, null, {"local_id": "s1", "title": "\\ud800坏"},'
               ' "text", 7, {"local_id": "n1\\u0000", "title": "x"}, {"local_id": "big", "title": "多",'
               ' "authors": ' + json.dumps(["某"] * 100_000) + '}, {"local_id": "ok2", "title": "Good\\u0000 book"}]')
    response = client.post("/api/v1/members/A/records", data='{"records": ' + records + "}",
                           content_type="application/json", headers={"Authorization": f"Bearer {keys['A']}"})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    body = response.get_json()
    assert body["accepted"] == 2 and [w["local_id"] for w in body["works"]] == ["ok1", "ok2"]
    rejected = {r["index"]: r["errors"] for r in body["rejected"]}
    assert set(rejected) == {1, 2, 3, 4, 5, 6}
    assert "JSON object" in rejected[1]["_schema"][0]
    assert "U+D800" in rejected[2]["title"][0]
    assert "U+0000" in rejected[5]["local_id"][0]
    assert "at most 1000" in rejected[6]["authors"][0]
    work = client.get(f"/api/v1/works/{body['works'][1]['work_id']}").get_json()
    assert work["title"] == "Good book"


@pytest.fixture
def asked(client, members, staff):
    with new_session(client.application) as s:
        set_profile(s, "A", {"languages": ["zh"], "opening_hours": "mon-fri 08:30-17:30"}, now=WEDNESDAY)
    response = client.post("/api/v1/questions", json=ask_data(home_member="A"))
    assert response.status_code == 201
    return response.get_json()["id"]


@pytest.mark.parametrize(("action", "body"), [
    ("note", {"body": ["a", "list"]}),
    ("note", {"body": {"an": "object"}}),
    ("claim", ["not", "an", "object"]),
    ("claim", "text"),
    ("transfer", {"reason": 12, "to_member": ["B"]}),
    ("answer", {"body": "好", "cited_work_ids": [2**70]}),
    ("answer", {"body": "好", "cited_work_ids": {"a": 1}}),
    ("answer", {"body": "好", "cited_work_ids": "1,x"}),
    ("publish", {"title": {"x": 1}}),
])
def test_staff_actions_with_the_wrong_types_are_a_422(client, asked, action, body):
    login(client, "liaison@a.example", "liaison-pass-A")
    headers = {"X-CSRFToken": client.get("/api/v1/staff/csrf").get_json()["csrf_token"]}
    if action in ("answer", "publish"):
        assert client.post(f"/api/v1/staff/questions/{asked}/claim", headers=headers).status_code == 200
    response = client.post(f"/api/v1/staff/questions/{asked}/{action}", headers=headers,
                           data=json.dumps(body), content_type="application/json")
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert response.get_json()["code"] == 422


def test_the_question_form_drops_control_characters(client, asked):
    """A question typed with control characters is stored without them (they would break feeds)."""
    login(client, "liaison@a.example", "liaison-pass-A")
    detail = client.get(f"/api/v1/staff/questions/{asked}").get_json()
    assert "\x00" not in json.dumps(detail)
    response = client.post("/api/v1/questions", json=ask_data(home_member="A", question="有\u0000控\u000b制字符吗？",
                                                              email="other@reader.example"))
    assert response.status_code == 201
    text = client.get(f"/api/v1/staff/questions/{response.get_json()['id']}").get_json()["text"]
    assert text == "有控制字符吗？"


def test_an_upload_with_unnamed_form_fields_is_a_422_not_a_500(client, keys):
    """webargs keys an unnamed field's error by None; the error payload still serialises."""
    body = (b'--b\r\nContent-Disposition: form-data; name=""\r\n\r\nnull\r\n'
            b'--b\r\nContent-Disposition: form-data; name="%0D"\r\n\r\nnull\r\n--b--\r\n')
    response = client.post("/api/v1/members/A/imports", data=body, content_type="multipart/form-data; boundary=b",
                           headers={"Authorization": f"Bearer {keys['A']}"})
    assert response.status_code == 422 and response.get_json()["code"] == 422


def test_an_upload_named_with_control_characters_is_queued_under_a_clean_name(client, keys, backend):
    """PostgreSQL cannot store NUL: the file name shown in the report loses it."""
    response = client.post("/api/v1/members/A/imports", headers={"Authorization": f"Bearer {keys['A']}"},
                           data={"format": "csv", "file": (io.BytesIO("local_id,title\nb1,书\n".encode()), "new\x00\x0b.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 202, response.get_data(as_text=True)
    report = client.get(response.get_json()["status_url"].replace("http://localhost", ""),
                        headers={"Authorization": f"Bearer {keys['A']}"}).get_json()
    assert report["filename"] == "new.csv"
