"""Helpers for tests that act as staff through the pages (CSRF-protected forms)."""
import re

_TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def csrf_token(client, path: str = "/staff/login") -> str:
    """The CSRF token of the form on ``path``."""
    return _TOKEN.search(client.get(path).get_data(as_text=True)).group(1)


def login(client, email: str, password: str):
    """Log in through the login form; returns the response (302 on success)."""
    return client.post("/staff/login", data={"email": email, "password": password, "csrf_token": csrf_token(client)})
