"""Text typed into pages and query strings loses the characters XML 1.0 forbids.

Whatever a reader or librarian types may end up in a feed, an OAI-PMH response or an export
(guides, questions, answers, routing profiles, search terms echoed in a feed), and PostgreSQL
cannot store NUL at all. No person means a control character in a form field, so every form
and query-string value (and an upload's file name) is read without them
(``XmlSafeMultiDict``), before any view sees it.
JSON bodies are left to each API's schema: the push API refuses such characters in a record's
identifiers rather than change them (``member_sites.record.checks``).
"""
from flask import Request
from werkzeug.datastructures import FileStorage, ImmutableMultiDict, iter_multi_items

from member_sites.record.xmlchars import strip_forbidden


def _clean(value):
    if isinstance(value, FileStorage) and value.filename:
        value.filename = strip_forbidden(value.filename)  # shown in import reports
        return value
    return strip_forbidden(value) if isinstance(value, str) else value


class XmlSafeMultiDict(ImmutableMultiDict):
    """Werkzeug's request parameters with every key and text value cleaned on the way in."""

    def __init__(self, mapping=None):
        if mapping is not None:
            mapping = [(_clean(key), _clean(value)) for key, value in iter_multi_items(mapping)]
        super().__init__(mapping)


class SafeRequest(Request):
    parameter_storage_class = XmlSafeMultiDict


def init_app(app) -> None:
    app.request_class = SafeRequest
