"""Subscription tokens (pure): the random token only the reader's mail carries, and the
link token every digest carries.

Only the SHA-256 of the random token is stored. A digest is written long after that token
was mailed, so its links carry ``<id>.<HMAC(SECRET_KEY, id, token hash)>`` instead: it needs
the server's secret to make, and dies with the subscription (a new token hash, or none).
"""
import hashlib
import hmac
import secrets


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256((token or "").encode("utf-8", "surrogatepass")).hexdigest()


def link_token(secret: str, subscription_id: int, token_hash: str) -> str:
    mac = hmac.new(secret.encode(), f"subscription:{subscription_id}:{token_hash}".encode(), hashlib.sha256)
    return f"{subscription_id}.{mac.hexdigest()[:32]}"


def link_id(token: str) -> int | None:
    """The subscription id a link token names (None for a random token or garbage)."""
    head, dot, tail = (token or "").partition(".")
    if not dot or not head.isdigit() or len(head) > 12 or len(tail) != 32:
        return None
    return int(head)


def link_matches(secret: str, token: str, subscription_id: int, token_hash: str) -> bool:
    return hmac.compare_digest(link_token(secret, subscription_id, token_hash), token or "")
