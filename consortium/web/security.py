"""Security headers on every response, and the session cookie's ``Secure`` flag.

- ``Content-Security-Policy`` from ``CONSORTIUM_CSP`` (no inline script or style anywhere:
  pages load their scripts and styles from ``/static``). A view that sets its own policy
  (the embeddable ``/embed/frame`` sets ``frame-ancestors`` to the member's registered
  origins) keeps its directives; the rest are filled in from the default.
- ``frame-ancestors 'none'`` (and ``X-Frame-Options: DENY``) unless a view allowed framing.
- ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy`` (``CONSORTIUM_REFERRER_POLICY``;
  a view's own, such as the reader's status page ``no-referrer``, wins).
- ``SESSION_COOKIE_SECURE`` is turned on when ``CONSORTIUM_BASE_URL`` is https: behind a TLS
  proxy the app sees http, but the browser must never send the staff session in clear.
"""
from flask import current_app

from consortium.config import apply_defaults
from consortium.web import DEFAULTS


def parse_policy(header: str) -> dict[str, str]:
    """``{"directive": "sources"}`` of a CSP header value."""
    policy = {}
    for part in header.split(";"):
        name, _, sources = part.strip().partition(" ")
        if name:
            policy[name.lower()] = sources.strip()
    return policy


def format_policy(policy: dict[str, str]) -> str:
    return "; ".join(f"{name} {sources}".strip() for name, sources in policy.items())


def merged_policy(default: dict[str, str], own: str | None) -> str:
    """The default policy, a view's own directives (``own``, a header value) taking precedence."""
    policy = dict(default)
    policy.update(parse_policy(own or ""))
    return format_policy(policy)


def add_security_headers(response):
    config = current_app.config
    own = response.headers.get("Content-Security-Policy")
    response.headers["Content-Security-Policy"] = merged_policy(config["CONSORTIUM_CSP"], own)
    if "frame-ancestors" not in parse_policy(own or ""):
        response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", config["CONSORTIUM_REFERRER_POLICY"])
    return response


def secure_cookie_wanted(config) -> bool:
    """``SESSION_COOKIE_SECURE`` as set, or on when the public base URL is https."""
    return bool(config.get("SESSION_COOKIE_SECURE")) or \
        str(config.get("CONSORTIUM_BASE_URL") or "").lower().startswith("https://")


def init_app(app) -> None:
    apply_defaults(app, DEFAULTS)
    app.config["SESSION_COOKIE_SECURE"] = secure_cookie_wanted(app.config)
    app.after_request(add_security_headers)
