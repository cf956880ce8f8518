"""Integer ids in paths and query strings, bounded to what the database can hold.

Ids are ``INTEGER`` columns (32-bit on PostgreSQL): a larger number cannot name a row, and
handing it to the database raises (SQLite: "Python int too large", PostgreSQL: "integer out
of range") — a 500 for a typo. Every ``<int:…>`` in a route uses ``IdConverter``, so a path
with a larger number does not match (404); ``int_arg`` reads an id from the query string the
same way (None when it is not one).
"""
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """Werkzeug's ``int`` converter with ``max`` defaulting to the largest id a row can have."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002 (werkzeug's names)
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def int_arg(raw) -> int | None:
    """A positive id from query-string text, or None when the text is not one."""
    text = (raw or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > len(str(MAX_ID)):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


def init_app(app) -> None:
    """Before any blueprint is registered: rules bind their converters when they are added
    (flask-smorest documents the bound as the parameter's ``maximum``)."""
    app.url_map.converters["int"] = IdConverter
