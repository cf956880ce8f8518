"""The rules of a live chat as plain functions: its states, who may say what when, presence
expiry, ring time-outs and the server-sent-event wire format.

Pure: no Flask, no database. States: ``ringing`` (routed to a member on duty, waiting for one
of its liaisons to accept), ``active`` (a liaison accepted), ``queued`` (nobody on duty or
nobody accepted in time: it went on as a queued question), ``ended``, ``blocked`` (a liaison
ended it for abuse; the reader may send nothing more).
"""
import json
from datetime import datetime, timedelta

from consortium.errors import InvalidTransition

STATES = ("ringing", "active", "queued", "ended", "blocked")
FINAL = frozenset({"queued", "ended", "blocked"})

TRANSITIONS: dict[tuple[str, str], str] = {
    ("ringing", "accept"): "active",
    ("ringing", "queue"): "queued",
    ("ringing", "end"): "ended",  # the reader gave up before anyone answered
    ("ringing", "block"): "blocked",
    ("active", "transfer"): "ringing",
    ("active", "end"): "ended",
    ("active", "block"): "blocked",
}


def transition(state: str, action: str) -> str:
    """The state after ``action``; ``InvalidTransition`` when a chat cannot do that now."""
    target = TRANSITIONS.get((state, action))
    if target is None:
        raise InvalidTransition(f"This chat cannot {action} now: it is {state}.",
                                {"state": [state], "action": [action]})
    return target


def may_send(state: str, actor: str) -> bool:
    """Readers write while ringing (the liaison reads it on accepting) and while active;
    liaisons only in an active chat."""
    if actor == "reader":
        return state in ("ringing", "active")
    return state == "active"


def present(last_seen_at: datetime, now: datetime, ttl_seconds: float) -> bool:
    """A liaison is on duty while the last heartbeat is younger than ``ttl_seconds``."""
    return now - last_seen_at < timedelta(seconds=ttl_seconds)


def ring_expired(ring_started_at: datetime, now: datetime, ring_seconds: float) -> bool:
    """Nobody accepted within ``ring_seconds``: the chat becomes a queued question."""
    return now - ring_started_at >= timedelta(seconds=ring_seconds)


def last_event_id(header: str | None, query: str | None = None) -> int:
    """The event id to resume after: the ``Last-Event-ID`` header (a reconnecting
    EventSource), else ``?after=``; anything not a small non-negative number is 0."""
    for raw in (header, query):
        text = (raw or "").strip()
        if text.isascii() and text.isdigit() and len(text) <= 12:
            return int(text)
    return 0


def sse_frame(event_id: int | None, event: str, data: dict) -> str:
    """One server-sent event; JSON data has no raw newline, so one ``data:`` line is enough."""
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {event}\ndata: {json.dumps(data, ensure_ascii=False, separators=(',', ':'))}\n\n"


def sse_comment(text: str = "keep-alive") -> str:
    """A comment line: keeps proxies from closing an idle stream, shows nothing."""
    return f": {text}\n\n"


def sse_retry(milliseconds: int) -> str:
    """How long a browser waits before reconnecting when the stream ends."""
    return f"retry: {int(milliseconds)}\n\n"
