"""Live chat over HTTP: the JSON API, the SSE stream with Last-Event-ID, limits, the desk
endpoints, and two app instances (two web processes) sharing one chat through the database."""
import json
import threading
import time
import urllib.request
from datetime import datetime, timezone

import pytest

from consortium import create_app
from consortium.db import get_engine
from consortium.reference import duty
from consortium.reference.common import ReferenceSettings
from consortium.reference.profiles import set_profile
from tests.conftest import LiveServer
from tests.consortium.reference.conftest import WEDNESDAY
from tests.staff import csrf_token, login

ALWAYS = "mon-sun 00:00-23:59"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "CHAT_STREAM_SECONDS": 1.0, "CHAT_POLL_SECONDS": 0.05}


@pytest.fixture
def staffed(session, members, liaisons):
    """Every member staffed around the clock (the tests run at any real time)."""
    for code in ("A", "B", "C"):
        set_profile(session, code, {"languages": ["zh", "en"], "opening_hours": ALWAYS}, now=WEDNESDAY)


def body(**overrides):
    data = {"question": "请问有没有《红楼梦》的英文译本？", "name": "李四", "email": "lisi@reader.example",
            "home_member": "A", "language": "zh"}
    data.update(overrides)
    return data


def frames(text: str) -> list[dict]:
    """The SSE frames of a response body as {id, event, data}."""
    out = []
    for block in text.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line and not line.startswith(":"))
        if "event" in fields and "data" in fields:
            out.append({"id": int(fields["id"]), "event": fields["event"], "data": json.loads(fields["data"])})
    return out


def test_with_nobody_on_duty_the_api_answers_queued_with_the_question_status_page(client, staffed):
    """201 with the contract's fields; the status URL opens the question's status page."""
    response = client.post("/api/v1/chats", json=body())
    assert response.status_code == 201
    data = response.get_json()
    assert set(data) == {"id", "token", "state", "routed_to", "events_url", "status_url"}
    assert data["state"] == "queued" and data["routed_to"] == "A"
    assert data["events_url"].endswith(f"/api/v1/chats/{data['token']}/events")
    page = client.get(data["status_url"].replace("http://127.0.0.1:5000", ""))
    assert page.status_code == 200 and "红楼梦" in page.get_data(as_text=True)


def _on_duty(session, liaisons, code):
    duty.go_on_duty(session, liaisons[code], now=datetime.now(timezone.utc), settings=_ref_settings())


def _ref_settings():
    return ReferenceSettings()


def test_a_chat_waits_and_its_stream_resumes_after_last_event_id(client, session, staffed, liaisons):
    """Waiting at the member on duty; the stream replays events and resumes after Last-Event-ID."""
    _on_duty(session, liaisons, "B")
    data = client.post("/api/v1/chats", json=body()).get_json()
    assert (data["state"], data["routed_to"]) == ("waiting", "B")
    for text in ("第一条", "第二条"):
        assert client.post(f"/api/v1/chats/{data['token']}/messages", json={"text": text}).status_code == 201
    stream = client.get(f"/api/v1/chats/{data['token']}/events")
    assert stream.mimetype == "text/event-stream"
    got = frames(stream.get_data(as_text=True))
    assert [(f["id"], f["event"]) for f in got] == [(1, "state"), (2, "message"), (3, "message")]
    assert got[0]["data"]["state"] == "ringing" and "第二条" in got[2]["data"]["html"]
    resumed = frames(client.get(f"/api/v1/chats/{data['token']}/events", headers={"Last-Event-ID": "2"})
                     .get_data(as_text=True))
    assert [f["id"] for f in resumed] == [3]


def test_bad_input_is_a_clear_4xx(client, staffed):
    """Missing fields, unknown members, over-long messages and unknown tokens: 4xx, never 500."""
    assert client.post("/api/v1/chats", json={"question": "hi"}).status_code == 422
    assert client.post("/api/v1/chats", json=body(home_member="ZZZ")).status_code == 422
    assert client.post("/api/v1/chats", data="not json", content_type="application/json").status_code == 400
    assert client.post("/api/v1/chats", json=[1, 2]).status_code in (400, 422)
    token = client.post("/api/v1/chats", json=body()).get_json()["token"]
    assert client.post(f"/api/v1/chats/{token}/messages", json={"text": "字" * 2001}).status_code == 422
    assert client.post(f"/api/v1/chats/{token}/messages", json={"text": 5}).status_code == 422
    assert client.post("/api/v1/chats/nope/messages", json={"text": "hi"}).status_code == 404
    assert client.get("/api/v1/chats/nope/events").status_code == 404
    assert client.get(f"/api/v1/chats/{token}/events", headers={"Last-Event-ID": "x" * 50}).status_code in (200, 204)


def test_messages_are_rate_limited_per_chat(client, app, session, staffed, liaisons):
    """Past CHAT_RATE_LIMIT_MESSAGES a chat's messages get 429 with Retry-After."""
    app.config["CHAT_RATE_LIMIT_MESSAGES"] = "3 per minute"
    _on_duty(session, liaisons, "A")
    token = client.post("/api/v1/chats", json=body()).get_json()["token"]
    codes = [client.post(f"/api/v1/chats/{token}/messages", json={"text": f"m{i}"}).status_code for i in range(4)]
    assert codes == [201, 201, 201, 429]


def test_the_desk_rings_accepts_and_talks(backend, client, session, staffed, liaisons):
    """Over HTTP: duty on, the poll lists the ringing chat, accept, send, a card, end."""
    reader = client.application.test_client()
    login(client, "liaison@b.example", "liaison-pass-B")
    token = csrf_token(client, "/staff/chats")
    headers = {"X-CSRFToken": token, "Accept": "application/json"}
    assert client.post("/staff/chats/duty", data={"on": "1", "csrf_token": token}).status_code == 302
    chat = reader.post("/api/v1/chats", json=body(home_member="C")).get_json()
    assert chat["routed_to"] == "B"
    desk = client.post("/staff/chats/poll", headers=headers).get_json()
    assert [r["id"] for r in desk["ringing"]] == [chat["id"]] and desk["on_duty"]
    assert client.post(f"/staff/chats/{chat['id']}/accept", headers=headers).status_code == 200
    assert client.post(f"/staff/chats/{chat['id']}/accept", headers=headers).status_code in (403, 409)
    assert client.post(f"/staff/chats/{chat['id']}/messages", json={"text": "您好"}, headers=headers).status_code == 200
    assert client.post(f"/staff/chats/{chat['id']}/card", json={"q": "红楼梦 英译"}, headers=headers).status_code == 200
    assert client.post(f"/staff/chats/{chat['id']}/card", json={"work_id": "999999"}, headers=headers).status_code == 422
    assert client.post(f"/staff/chats/{chat['id']}/messages", json={"text": "x"}).status_code == 400  # no CSRF token
    assert client.post(f"/staff/chats/{chat['id']}/end", headers=headers).status_code == 200
    got = frames(reader.get(f"/api/v1/chats/{chat['token']}/events").get_data(as_text=True))
    assert [f["event"] for f in got] == ["state", "state", "message", "card", "state"]
    assert got[-1]["data"]["state"] == "ended" and got[3]["data"]["card"]["url"].startswith("/search?q=")
    assert reader.get(f"/api/v1/chats/{chat['token']}/events", headers={"Last-Event-ID": "5"}).status_code == 204


def _read_events(url: str, want: int, timeout: float = 10.0) -> tuple[list[dict], float]:
    """Read a live SSE stream until ``want`` message events arrived; (frames, seconds taken)."""
    started, buffer = time.monotonic(), ""
    with urllib.request.urlopen(url, timeout=timeout) as response:
        while len([f for f in frames(buffer) if f["event"] == "message"]) < want:
            line = response.readline().decode()
            if not line:
                break
            buffer += line
    return frames(buffer), time.monotonic() - started


def test_two_web_processes_serve_one_chat_through_the_database(backend, app, app_config, tmp_path, session, staffed, liaisons):
    """A message posted to one app instance reaches a stream held open by another, promptly."""
    other = create_app({**app_config, "CHAT_STREAM_SECONDS": 10.0}, instance_path=str(tmp_path / "other"))
    first, second = LiveServer(app).start(), LiveServer(other).start()
    try:
        _on_duty(session, liaisons, "A")
        request = urllib.request.Request(f"{first.url}/api/v1/chats", data=json.dumps(body()).encode(),
                                         headers={"Content-Type": "application/json"})
        token = json.load(urllib.request.urlopen(request))["token"]
        result = {}
        reader = threading.Thread(target=lambda: result.update(
            zip(("frames", "seconds"), _read_events(f"{second.url}/api/v1/chats/{token}/events", 1))))
        reader.start()
        time.sleep(0.5)
        post = urllib.request.Request(f"{first.url}/api/v1/chats/{token}/messages",
                                      data=json.dumps({"text": "跨进程"}).encode(),
                                      headers={"Content-Type": "application/json"})
        sent_at = time.monotonic()
        assert urllib.request.urlopen(post).status == 201
        reader.join(15)
        assert "跨进程" in result["frames"][-1]["data"]["html"]
        assert time.monotonic() - sent_at < 3.0
    finally:
        first.stop()
        second.stop()
        await_chat_threads()
        get_engine(other).dispose()


def await_chat_threads(timeout: float = 20.0) -> None:
    """Until the chat bus has stopped (two seconds after its last stream ended): the stream
    and the bus read through the app's engine until then, and an engine disposed of before
    gets new connections that nothing closes (PostgreSQL's are reported when collected)."""
    deadline = time.monotonic() + timeout
    while any(thread.name == "chat-bus" for thread in threading.enumerate()):
        assert time.monotonic() < deadline, "the chat stream and bus did not end"
        time.sleep(0.1)


def test_the_embed_kit_chat_is_framed_only_by_the_members_sites(client, session, members):
    """/embed/chat opens the panel for the member's readers; only its registered origins may frame it."""
    members["A"].site_origins = ["https://lib.a.example"]
    session.add(members["A"])
    session.commit()
    page = client.get("/embed/chat?member=A&lang=en")
    assert page.status_code == 200
    assert "frame-ancestors 'self' https://lib.a.example" in page.headers["Content-Security-Policy"]
    assert 'data-embedded="A"' in page.get_data(as_text=True) and "Chat with a librarian" in page.get_data(as_text=True)
    form = client.get("/chat/panel?home=A").get_data(as_text=True)
    assert '<option value="A" selected>' in form
    assert client.get("/embed/chat?member=ZZZ").status_code == 404
    assert "daodu-chat" in client.get("/embed/widget.js").get_data(as_text=True)
