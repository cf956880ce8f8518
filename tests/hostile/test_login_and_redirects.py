"""Staff login as an attacker tries it: guessing passwords, probing for accounts, replaying a
cookie after logout, open redirects through ``next=``; and ``users add`` with addresses the
login form refuses."""
import statistics
import time

import pytest
from click.testing import CliRunner

from consortium import create_app
from consortium.accounts.service import add_user, check_login, set_password
from consortium.cli import main
from consortium.web.redirects import safe_next
from tests.staff import csrf_token, login

PASSWORD = "right-pass-123"
EVIL = ["/%09/evil", "/\t/evil", "//evil", "/\\evil", "\\\\evil", "https://evil.example", "http:evil",
        "/%0d%0a/evil", " //evil", "javascript:alert(1)", "/\x00/evil", "///evil", "evil"]


@pytest.fixture
def staff(session, members):
    add_user(session, "lib@a.example", PASSWORD, "librarian", "A")


def _post_login(client, email, password, next_=None):
    path = "/staff/login" + (f"?next={next_}" if next_ else "")
    return client.post(path, data={"email": email, "password": password, "csrf_token": csrf_token(client)})


def test_failed_logins_are_throttled_per_account_then_even_the_right_password_waits(client, staff):
    """Ten wrong passwords for one account: the eleventh attempt, right or wrong, is a 429."""
    for _ in range(10):
        assert _post_login(client, "lib@a.example", "wrong-password").status_code == 200
    response = _post_login(client, "lib@a.example", PASSWORD)
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert "登录失败次数过多" in response.get_data(as_text=True)


def test_failed_logins_are_throttled_per_address_across_accounts(app, client, staff):
    app.config["LOGIN_RATE_LIMIT_PER_IP"] = "5 per 15 minutes"
    for i in range(5):
        _post_login(client, f"nobody{i}@a.example", "wrong-password")
    assert _post_login(client, "lib@a.example", PASSWORD).status_code == 429


def test_successful_logins_do_not_count_against_the_limit(client, staff):
    for _ in range(12):
        assert _post_login(client, "lib@a.example", PASSWORD).status_code == 302
        client.post("/staff/logout", data={"csrf_token": csrf_token(client, "/")})


def test_an_unknown_address_takes_as_long_as_a_wrong_password(session, staff):
    """Both check a password hash: the answer's timing tells nothing about which accounts exist."""
    def median(email):
        times = []
        for _ in range(5):
            start = time.perf_counter()
            assert check_login(session, email, "wrong-password") is None
            times.append(time.perf_counter() - start)
        return statistics.median(times)
    known, unknown = median("lib@a.example"), median("nobody@a.example")
    assert unknown > known / 3, (known, unknown)


def test_logout_ends_the_session_so_a_copied_cookie_no_longer_works(app, client, staff):
    assert login(client, "lib@a.example", PASSWORD).status_code == 302
    cookie = client.get_cookie("session").value
    assert client.get("/staff/").status_code == 200
    client.post("/staff/logout", data={"csrf_token": csrf_token(client, "/staff/")})
    replay = app.test_client()
    replay.set_cookie("session", cookie)
    assert replay.get("/staff/").status_code == 302  # to the login page


def test_a_password_change_ends_every_session(app, client, session, staff):
    assert login(client, "lib@a.example", PASSWORD).status_code == 302
    set_password(session, "lib@a.example", "a-new-password-1")
    assert client.get("/staff/").status_code == 302
    assert login(client, "lib@a.example", "a-new-password-1").status_code == 302
    assert client.get("/staff/").status_code == 200


def test_login_starts_a_fresh_session(client, staff):
    """Whatever the session held before login (a planted value, the old CSRF token) is gone."""
    with client.session_transaction() as before:
        before["planted"] = "by someone else"
    login(client, "lib@a.example", PASSWORD)
    with client.session_transaction() as after:
        assert "planted" not in after and after.get("_user_id", "").startswith(tuple("123456789"))


def test_next_never_leaves_the_site(client, staff):
    """Language switch, login and home-member choice redirect to our own pages only."""
    for target in EVIL:
        for path in (f"/lang/en?next={target}", f"/home-member?code=A&next={target}"):
            location = client.get(path).headers["Location"]
            assert location.startswith("/") and not location.startswith("//") and "evil" not in location, (path, location)
        location = _post_login(client, "lib@a.example", PASSWORD, next_=target).headers["Location"]
        assert location == "/staff/", (target, location)
        client.post("/staff/logout", data={"csrf_token": csrf_token(client, "/")})


def test_same_site_next_is_kept(client):
    assert client.get("/lang/en?next=/search%3Fq%3D%E7%BA%A2").headers["Location"] == "/search?q=%E7%BA%A2"
    assert safe_next("/feeds/new.rss?member=A") == "/feeds/new.rss?member=A"


def test_users_add_refuses_addresses_the_login_form_refuses(tmp_path):
    runner = CliRunner()
    instance = ["--instance", str(tmp_path / "i")]
    runner.invoke(main, [*instance, "init"], catch_exceptions=False)
    for email in ["a@b", "a b@c.example", "@c.example", "a@@c.example", "x" * 250 + "@c.example",
                  "a@-c.example", "a@c..example"]:
        result = runner.invoke(main, [*instance, "users", "add", email, "--role", "consortium_admin"],
                               input="long-password\nlong-password\n")
        assert result.exit_code == 1 and "e-mail" in result.output, (email, result.output)


def test_an_account_added_from_the_command_line_can_log_in(tmp_path):
    runner = CliRunner()
    instance = ["--instance", str(tmp_path / "i")]
    runner.invoke(main, [*instance, "init"], catch_exceptions=False)
    result = runner.invoke(main, [*instance, "users", "add", "Admin@Lib.Example.EDU.cn", "--role", "consortium_admin"],
                           input="long-password\nlong-password\n")
    assert result.exit_code == 0, result.output
    app = create_app(None, instance_path=str(tmp_path / "i"))
    client = app.test_client()
    assert login(client, "admin@lib.example.edu.cn", "long-password").status_code == 302
