"""The JSON API (flask-smorest): the ``Api`` object every feature registers its blueprints on,
and what every API view shares (the bearer key, the JSON body cap, the ``Blueprint`` whose
``arguments`` read the body ``consortium.web.jsonbody`` already parsed)."""
import flask_smorest
from flask import current_app, request
from flask_smorest import Api
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from consortium.errors import TooLarge
from consortium.web.openapi import ConsortiumDocPlugin

EXTENSION = "consortium.api"


class ParsedJSONParser(FlaskParser):
    """webargs reading the JSON body Flask parsed (bounded) before the view, not parsing it
    a second time: a push body of 1,000 records costs tens of milliseconds to parse."""

    def _raw_load_json(self, req):
        if not is_json_request(req):
            return core.missing
        return req.get_json(cache=True)


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's blueprint with ``ParsedJSONParser`` for ``@blp.arguments``."""

    ARGUMENTS_PARSER = ParsedJSONParser()


def init_app(app) -> Api:
    api = Api(app, spec_kwargs={"extra_plugins": [ConsortiumDocPlugin()]})
    app.extensions[EXTENSION] = api
    return api


def get_api(app=None) -> Api:
    return (app or current_app).extensions[EXTENSION]


def bearer_key() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def cap_json_body() -> None:
    """Refuse an over-large JSON body before it is read (uploads have their own, larger cap)."""
    limit = current_app.config["CONSORTIUM_MAX_JSON_BYTES"]
    if request.content_length is not None and request.content_length > limit:
        raise TooLarge(f"A push request body may be at most {limit // (1024 * 1024)} MB.")
    request.max_content_length = limit
