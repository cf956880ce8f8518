"""HTTP client of the consortium's member API (push, withdraw, stats), with retries.

Transient failures (connection errors, timeouts, 429, 5xx) are retried with exponential
backoff and jitter, honouring ``Retry-After``, for up to ``RetryPolicy.retry_for`` seconds
(five minutes by default: server restarts are ridden out), each wait announced through
``on_retry`` (``member_sites.retry``, applied by ``member_sites.transport``); any other 4xx is
final and raised at once. Third-party errors
are wrapped here, once: callers see ``member_sites.errors`` only.
"""
import logging
import time
from collections.abc import Callable
from urllib.parse import quote

import requests

from member_sites.errors import ClientError, Refused, Unreachable
from member_sites.retry import RetryPolicy, duration_text, is_transient_status
from member_sites.transport import OnRetry, failure_cause, retrying_session

__all__ = ["ClientError", "ConsortiumClient", "Refused", "Unreachable"]

log = logging.getLogger(__name__)


class ConsortiumClient:
    """Talks to one consortium as one member (``Authorization: Bearer <key>``)."""

    def __init__(self, url: str, member: str, key: str, *, policy: RetryPolicy | None = None,
                 timeout: float = 300.0, sleep: Callable[[float], None] = time.sleep,
                 on_retry: OnRetry | None = None):
        self.base = url.rstrip("/") + f"/api/v1/members/{quote(member, safe='')}"
        self.member = member
        self.policy = policy or RetryPolicy()
        self.timeout = timeout
        self.waits: list[str] = []  # the retries of the request under way
        tell = on_retry or (lambda message: log.warning("%s", message))

        def heard(message: str) -> None:
            self.waits.append(message)
            tell(message)

        self.http = retrying_session(self.policy, sleep=sleep, on_retry=heard)
        self.http.headers["Authorization"] = f"Bearer {key}"
        self.http.headers["User-Agent"] = "member-sync (Daodu)"

    def close(self) -> None:
        self.http.close()

    def push(self, records: list[dict]) -> dict:
        """Upsert a batch; the consortium's answer (``accepted``, ``unchanged``, ``rejected``...)."""
        return self._call("POST", "/records", json={"records": records}).json()

    def withdraw(self, local_id: str) -> bool:
        """Withdraw one holding: True if withdrawn now, False if it was already gone (404)."""
        try:
            self._call("DELETE", "/records/" + quote(local_id, safe=""))
        except Refused as exc:
            if exc.status == 404 and not _is_member_404(exc):
                return False
            raise
        return True

    def holdings_count(self) -> int:
        """How many holdings the member has in the union catalogue now."""
        return int(self._call("GET", "/stats").json()["holdings"])

    def _call(self, method: str, path: str, **kwargs) -> requests.Response:
        self.waits.clear()
        started = time.monotonic()
        try:
            response = self.http.request(method, self.base + path, timeout=self.timeout, **kwargs)
        except (requests.ConnectionError, requests.Timeout, requests.exceptions.RetryError) as exc:
            raise Unreachable(f"{method} {path}: {failure_cause(exc)} — {self._gave_up(started)}") from None
        except requests.RequestException as exc:
            raise ClientError(f"{method} {path}: {failure_cause(exc)}") from None
        if response.status_code < 400:
            return response
        if is_transient_status(response.status_code):
            raise Unreachable(f"{method} {path}: HTTP {response.status_code} — {self._gave_up(started)}",
                              response.status_code, _payload(response))
        raise Refused(_message(response), response.status_code, _payload(response))

    def _gave_up(self, started: float) -> str:
        tries = len(self.waits) + 1
        return f"gave up after {tries} tries in {duration_text(time.monotonic() - started)}."


def _payload(response: requests.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _message(response: requests.Response) -> str:
    body = _payload(response)
    text = body.get("message") or response.reason or "error"
    return f"HTTP {response.status_code}: {text}"


def _is_member_404(exc: Refused) -> bool:
    """A 404 for an unknown member code is a configuration error, not 'already withdrawn'."""
    return "no member" in str(exc.payload.get("message", "")).lower()
