"""Redirect targets that come from a request (``next=``): same-site paths only.

Browsers forgive a lot in a ``Location``: ``/\\evil`` (read as ``//evil``), ``next=/%09/evil``
(decoded to a tab, which they drop, leaving ``//evil``), ``https:evil``. A target is kept only
when it has none of the characters browsers drop or reinterpret, starts with one ``/``, and
werkzeug's URL parsing finds neither a scheme nor a host in it.
"""
import re

from werkzeug.urls import urlsplit

# What browsers strip from a URL before resolving it (WHATWG URL: C0 controls and space at
# the ends, tab and newlines anywhere). A query string arrives decoded, so "%09" is a tab here.
_IGNORED = re.compile(r"[\x00-\x20\x7f]")


def safe_next(target: str | None) -> str | None:
    """``target`` when it is a same-site path ("/search?q=x"), else None."""
    if not target or not isinstance(target, str):
        return None
    if _IGNORED.search(target) or "\\" in target:
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def safe_next_or(target: str | None, default: str) -> str:
    """``safe_next(target)``, or ``default`` (a URL the caller built) when it is not safe."""
    return safe_next(target) or default
