"""Rate limits, with Flask-Limiter: one ``limiter`` every feature decorates its views with.

Storage is ``RATELIMIT_STORAGE_URI``: ``memory://`` (the default) counts in the process,
right for the embedded default's one web process; several web processes must share a store
or each counts alone (N processes allow N times the limit): ``redis://host:6379`` (the
``limits`` library has no SQL store, and Redis's expiring counters are what a shared window
needs). Clients are told ``Retry-After``. Keys name the client by its address
(``request.remote_addr``: behind a reverse proxy, wrap the app in werkzeug's ``ProxyFix``)
or by what it is about (an account's e-mail, hashed).
"""
import hashlib

from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from consortium.config import apply_defaults
from consortium.web import DEFAULTS

limiter = Limiter(key_func=get_remote_address, headers_enabled=True)


def config_limit(count: str, window: str):
    """A Flask-Limiter limit "<count> per <window> seconds" from two settings, read per request
    (tests and operators change them without restarting)."""
    return lambda: f"{current_app.config[count]} per {current_app.config[window]} seconds"


def body_value(name: str) -> str:
    """A field of the form or JSON body as stripped, lower-case text ("" when absent)."""
    value = request.form.get(name)
    if value is None and request.is_json:
        body = request.get_json(silent=True)
        value = body.get(name) if isinstance(body, dict) else None
    return value.strip().lower() if isinstance(value, str) else ""


def hashed(kind: str, value: str) -> str:
    """A limit key that keeps no personal data in the store."""
    return f"{kind}:" + hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def init_app(app) -> None:
    apply_defaults(app, DEFAULTS)
    limiter.init_app(app)
