"""The ``/oai`` endpoint: parse the request, call the provider service once, write XML.

OAI-PMH answers protocol errors with HTTP 200 and ``<error>`` elements, so this blueprint
handles ``OaiError`` itself instead of the app's JSON/HTML error pages.
"""
from datetime import datetime, timezone
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, request

from consortium.db import get_read_session, reads_replica
from consortium.oai import render, service
from consortium.oai.errors import OaiError

bp = Blueprint("oai", __name__)


def request_pairs() -> list[tuple[str, str]]:
    """The OAI arguments: the query string of a GET, the form-encoded body of a POST."""
    source = request.form if request.method == "POST" else request.args
    return list(source.items(multi=True))


def current_settings() -> service.Settings:
    config = current_app.config
    repository_id = config["OAI_REPOSITORY_ID"] or urlsplit(config["CONSORTIUM_BASE_URL"]).hostname or "localhost"
    return service.Settings(
        repository_id=repository_id, repository_name=config["OAI_REPOSITORY_NAME"], base_url=request.base_url,
        admin_emails=tuple(config["OAI_ADMIN_EMAILS"]), page_size=max(1, int(config["OAI_PAGE_SIZE"])),
        token_ttl=int(config["OAI_TOKEN_TTL"]), secret=config["SECRET_KEY"])


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def _xml(text: str) -> Response:
    return Response(text.encode("utf-8"), status=200, content_type=render.CONTENT_TYPE)


@bp.route("/oai", methods=["GET", "POST"])
@reads_replica
def endpoint():
    """Every OAI-PMH verb (GET query string or form-encoded POST)."""
    settings, now = current_settings(), _now()
    answer = service.answer(get_read_session(), request_pairs(), settings, now)
    return _xml(render.render_answer(answer, settings, now))


@bp.errorhandler(OaiError)
def protocol_error(exc: OaiError):
    return _xml(render.render_error(exc, request.base_url, dict(request_pairs()), _now()))
