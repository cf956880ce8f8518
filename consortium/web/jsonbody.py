"""JSON request bodies, bounded: size, nesting depth and number length, before any view runs.

Python's ``json`` recurses once per level of nesting (``[[[[…`` thousands deep raises
``RecursionError``) and ``int()`` refuses more than 4,300 digits with a ``ValueError`` that
webargs does not expect: both used to end in a 500. Every JSON body is parsed here once, by
Flask's ``request.get_json`` through ``BoundedJSONProvider``, and a body that is too deep
(``CONSORTIUM_MAX_JSON_DEPTH``), too long a number, ``NaN`` or not JSON at all is a 400 (too
large: 413) naming what was wrong. API blueprints built with ``consortium.web.api.Blueprint``
read that parsed body instead of parsing it again.
"""
import json
import sys

from flask import current_app, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import BadRequest

from consortium.config import apply_defaults
from consortium.errors import TooLarge
from consortium.web import DEFAULTS


class JSONBodyError(ValueError):
    """A JSON text parsed but breaks a bound (nesting, NaN). A number longer than Python's
    integer-string limit (4,300 digits) is a ``ValueError`` of ``json`` itself."""


def _refuse_constant(name: str):
    raise JSONBodyError(f"{name} is not a JSON number")


def check_depth(value, max_depth: int) -> None:
    """Refuse arrays and objects nested deeper than ``max_depth`` (walked without recursion)."""
    level, depth = [value], 1
    while level:
        # one level at a time, the children that are containers gathered by a comprehension
        # (a push of 1,000 records is walked in a few milliseconds)
        deeper = []
        for node in level:
            deeper += [child for child in (node.values() if type(node) is dict else node)
                       if type(child) is dict or type(child) is list]
        if deeper and depth == max_depth:
            raise JSONBodyError(f"arrays and objects are nested more than {max_depth} levels deep")
        level, depth = deeper, depth + 1


def bounded_loads(text, max_depth: int):
    """``json.loads`` with the bounds above; every failure is a ``ValueError``."""
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise JSONBodyError(f"arrays and objects are nested more than {max_depth} levels deep") from None
    except ValueError as exc:
        if "integer string conversion" in str(exc):  # Python's own words name its setting
            raise JSONBodyError(f"a number has more than {sys.int_info.default_max_str_digits} digits") from None
        raise
    if isinstance(value, (dict, list)):
        check_depth(value, max_depth)
    return value


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON with bounded parsing (``request.get_json`` and ``flask.json.loads``)."""

    def loads(self, s, **kwargs):
        return bounded_loads(s, self._app.config["CONSORTIUM_MAX_JSON_DEPTH"])


def parse_json_body() -> None:
    """Parse a JSON body once, early: a bad one never reaches a view (400/413)."""
    if not request.is_json or request.method in ("GET", "HEAD", "OPTIONS"):
        return
    limit = current_app.config["CONSORTIUM_MAX_JSON_BYTES"]
    if request.content_length is not None and request.content_length > limit:
        raise TooLarge(f"A JSON request body may be at most {limit // (1024 * 1024)} MB.")
    request.max_content_length = limit
    try:
        request.get_json()  # cached for the view
    except BadRequest as exc:
        # Flask hides werkzeug's reason ("Failed to decode JSON object: …") outside debug mode
        reason = getattr(exc.__cause__, "description", None) or "it does not parse"
        reason = reason.removeprefix("Failed to decode JSON object: ")
        raise BadRequest(f"The request body is not valid JSON: {reason}.") from None


def init_app(app) -> None:
    apply_defaults(app, DEFAULTS)
    app.json_provider_class = BoundedJSONProvider
    app.json = BoundedJSONProvider(app)
    app.before_request(parse_json_body)
