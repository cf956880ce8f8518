"""``GET /api/v1/search`` (DESIGN.md "Read"): a thin view over the search port."""
from flask import request
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from consortium.ports import SEARCH, get_port

blp = Blueprint("search_api", __name__, url_prefix="/api/v1", description="Reader search over every member's holdings")

HOME_COOKIE = "home_member"
PARAMETERS = [
    {"name": "q", "in": "query", "schema": {"type": "string"},
     "description": "words, or fielded: title: author: isbn: issn: clc: subject: publisher:"},
    {"name": "member", "in": "query", "schema": {"type": "array", "items": {"type": "string"}},
     "description": "holding member code (repeatable)"},
    {"name": "format", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
    {"name": "language", "in": "query", "schema": {"type": "array", "items": {"type": "string"}},
     "description": "ISO 639-1 or 639-2"},
    {"name": "year_from", "in": "query", "schema": {"type": "integer"}},
    {"name": "year_to", "in": "query", "schema": {"type": "integer"}},
    {"name": "clc", "in": "query", "schema": {"type": "string"}, "description": "class and its subclasses"},
    {"name": "available", "in": "query", "schema": {"type": "boolean"}},
    {"name": "acquired_since", "in": "query", "schema": {"type": "string", "format": "date"}},
    {"name": "sort", "in": "query", "schema": {"type": "string", "enum": ["relevance", "newest", "year", "title"]}},
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
    {"name": "exact", "in": "query", "schema": {"type": "boolean"},
     "description": "search exactly what was typed: a query that finds nothing is not answered with its suggestion"},
    {"name": "home_member", "in": "query", "schema": {"type": "string"},
     "description": "reader's home member (listed first in holdings); default: the home_member cookie"},
]


class HoldingSchema(Schema):
    member = fields.String()
    call_number = fields.String(allow_none=True)
    location = fields.String(allow_none=True)
    available = fields.Integer(allow_none=True)
    copies = fields.Integer(allow_none=True)
    url = fields.String(allow_none=True)
    access = fields.String(allow_none=True)


class VariantSchema(Schema):
    """A member's own title of the work, when the reader's words matched it."""

    member = fields.String()
    title = fields.String()
    subtitle = fields.String(allow_none=True)


class ResultSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    subtitle = fields.String(allow_none=True)
    authors = fields.List(fields.String())
    publisher = fields.String(allow_none=True)
    year = fields.Integer(allow_none=True)
    format = fields.String()
    language = fields.String(allow_none=True)
    clc = fields.String(allow_none=True)
    isbns = fields.List(fields.String())
    issns = fields.List(fields.String())
    subjects = fields.List(fields.String())
    acquired_on = fields.String(allow_none=True)
    holdings = fields.List(fields.Nested(HoldingSchema))
    highlight = fields.Dict(keys=fields.String(), values=fields.String(allow_none=True))
    variant = fields.Nested(VariantSchema, allow_none=True)


class SearchAnswerSchema(Schema):
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    results = fields.List(fields.Nested(ResultSchema))
    facets = fields.Dict(keys=fields.String(), values=fields.List(fields.Dict()))
    suggestion = fields.String(allow_none=True)
    corrected_from = fields.String(allow_none=True)


def search_args() -> dict:
    """The query string as the port takes it (repeatable keys kept), home member defaulted."""
    args = request.args.copy()
    if not args.get("home_member") and request.cookies.get(HOME_COOKIE):
        args["home_member"] = request.cookies[HOME_COOKIE]
    return args


@blp.route("/search", methods=["GET"])
@blp.doc(parameters=PARAMETERS)
@blp.response(200, SearchAnswerSchema)
def search():
    """Search every member's holdings; bad parameter values answer 422 with field errors."""
    port = get_port(SEARCH)
    return port.search(search_args())
