"""Stateless resumption tokens: the list request and its position, signed and timed.

A token is ``<payload>.<signature>``: the payload is URL-safe base64 of compact JSON, the
signature an HMAC-SHA256 over it keyed by the app secret. Nothing is stored on the server, so
any web worker can continue any harvest; a changed, truncated or expired token is refused.
No Flask, no database.
"""
import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import asdict, dataclass

from consortium.oai.errors import BadResumptionToken

_SALT = b"daodu.oai.resumption.v1"
_SIG_BYTES = 18


@dataclass(frozen=True)
class ListState:
    """Where a list request stands: its arguments, the last id sent, and the counts so far."""

    verb: str
    prefix: str | None
    set_spec: str | None
    from_: str | None
    until: str | None
    after_id: int
    cursor: int
    total: int
    issued: int = 0


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(secret: str, payload: str) -> str:
    key = hashlib.sha256(_SALT + secret.encode()).digest()
    return _b64(hmac.new(key, payload.encode("ascii"), hashlib.sha256).digest()[:_SIG_BYTES])


def encode_token(state: ListState, secret: str) -> str:
    payload = _b64(json.dumps(list(asdict(state).values()), separators=(",", ":")).encode())
    return f"{payload}.{_sign(secret, payload)}"


def decode_token(token: str, secret: str, *, verb: str, now: int, ttl: int) -> ListState:
    """The state a token carries; BadResumptionToken if it is not ours, not for ``verb``, or old."""
    payload, _, signature = token.partition(".")
    if not payload.isascii() or not signature.isascii() or not hmac.compare_digest(signature, _sign(secret, payload)):
        raise BadResumptionToken("The resumptionToken is not one this repository issued.")
    try:
        state = ListState(*json.loads(_unb64(payload)))
    except (ValueError, TypeError, binascii.Error):
        raise BadResumptionToken("The resumptionToken is garbled.") from None
    if state.verb != verb:
        raise BadResumptionToken(f"The resumptionToken belongs to {state.verb}, not {verb}.")
    if now > state.issued + ttl:
        raise BadResumptionToken("The resumptionToken has expired; start the harvest again.")
    return state
