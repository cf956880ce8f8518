"""Security headers on every response, and the session cookie's Secure flag behind TLS."""
import re
from pathlib import Path

from consortium import create_app
from consortium.accounts.origins import change_origins
from consortium.accounts.service import add_user
from consortium.db import new_session
from tests.consortium.reference.conftest import ask_data
from tests.staff import login

TEMPLATES = Path(__file__).resolve().parents[2] / "consortium"
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=", re.IGNORECASE)


def test_pages_forbid_inline_script_framing_and_sniffing(client, members):
    for path in ("/", "/search", "/ask", "/staff/login", "/feeds/new.atom", "/api/v1/openapi.json", "/nowhere"):
        response = client.get(path)
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, path
        assert "frame-ancestors 'none'" in policy and response.headers["X-Frame-Options"] == "DENY", path
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin", path


def test_the_embeddable_frame_may_be_framed_by_the_members_registered_origins_only(client, session, members):
    change_origins(session, None, "A", add=["https://lib.a.example"])
    response = client.get("/embed/frame?member=A")
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://lib.a.example" in policy and "script-src 'self'" in policy
    assert "X-Frame-Options" not in response.headers


def test_the_status_page_keeps_its_stricter_referrer_policy(client, members):
    assert client.get("/questions/unknown-token").status_code == 404
    created = client.post("/api/v1/questions", json=ask_data(home_member="A")).get_json()
    status = client.get(created["status_url"].replace("http://localhost", ""))
    assert status.headers["Referrer-Policy"] == "no-referrer"


def test_no_template_or_page_script_is_inline(client):
    """Every template keeps scripts and styles in files, so the policy can forbid inline ones."""
    found = [f"{path.relative_to(TEMPLATES)}: {m.group(0)}" for path in TEMPLATES.rglob("templates/**/*.html")
             for m in INLINE.finditer(path.read_text(encoding="utf-8"))]
    assert found == []


def test_session_cookie_is_secure_when_the_base_url_is_https(tmp_path, app_config, members):
    app = create_app({**app_config, "CONSORTIUM_BASE_URL": "https://daodu.example.edu.cn"},
                     instance_path=str(tmp_path / "tls"))
    assert app.config["SESSION_COOKIE_SECURE"] is True
    with new_session(app) as session:
        add_user(session, "lib@a.example", "lib-pass-123", "librarian", "A")
    client = app.test_client()
    response = login(client, "lib@a.example", "lib-pass-123")
    assert "Secure" in response.headers["Set-Cookie"]


def test_session_cookie_is_not_secure_on_plain_http(app):
    assert app.config["SESSION_COOKIE_SECURE"] is False
