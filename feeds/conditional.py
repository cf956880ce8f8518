"""Conditional GET (RFC 9110 §13): strong ETags from the bytes, 304 decisions. Pure."""
import hashlib
from datetime import datetime

from werkzeug.http import parse_date, parse_etags


def strong_etag(body: bytes) -> str:
    """A strong validator: equal bytes, equal tag, on every worker and after every restart."""
    return '"' + hashlib.sha256(body).hexdigest()[:40] + '"'


def not_modified(etag: str, last_modified: datetime | None, if_none_match: str | None,
                 if_modified_since: str | None) -> bool:
    """True when the client's copy is current.

    ``If-None-Match`` wins when present (RFC 9110 §13.2.2): ``If-Modified-Since`` is only
    consulted without it, because a date has one-second granularity and an ETag does not.
    """
    if if_none_match:
        tags = parse_etags(if_none_match)
        return tags.star_tag or tags.contains_weak(etag.strip('"'))
    if if_modified_since and last_modified is not None:
        since = parse_date(if_modified_since)
        return since is not None and last_modified.replace(microsecond=0) <= since
    return False
