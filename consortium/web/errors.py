"""One place that maps errors to responses.

API paths (``/api/``) always answer ``{"code", "status", "message", "errors"}``; pages
answer an HTML error page in the reader's language. Nothing a user sends yields a traceback.
"""
import logging
from http import HTTPStatus

from flask import jsonify, make_response, redirect, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from consortium import errors as domain

log = logging.getLogger(__name__)

STATUS_OF = (
    (domain.WorkMerged, 301),
    (domain.NotFound, 404),
    (domain.Unauthenticated, 401),
    (domain.PermissionDenied, 403),
    (domain.TooLarge, 413),
    (domain.InvalidInput, 422),
    (domain.Conflict, 409),
    (domain.RateLimited, 429),
)


def status_for(exc: domain.ConsortiumError) -> int:
    for cls, status in STATUS_OF:
        if isinstance(exc, cls):
            return status
    return 400


def is_api_request() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_payload(status: int, message: str, errors: dict | None = None) -> dict:
    """The contract's error body, the one place it is built: ``{"code", "status", "message", "errors"}``."""
    return {"code": status, "status": HTTPStatus(status).phrase, "message": message, "errors": _keyed_by_text(errors or {})}


def _keyed_by_text(errors):
    """Field names as text: a form field webargs could not name comes back keyed ``None``,
    and JSON (sorted keys) cannot mix ``None`` with text."""
    if isinstance(errors, dict):
        return {("" if key is None else str(key)): _keyed_by_text(value) for key, value in errors.items()}
    if isinstance(errors, list):
        return [_keyed_by_text(item) for item in errors]
    return errors


def json_error_response(status: int, message: str, errors: dict | None = None, headers: dict | None = None):
    """The error payload as JSON, whatever the client asked for (APIs, feeds, embeds)."""
    response = jsonify(error_payload(status, message, errors))
    return _finish(response, status, headers)


def error_response(status: int, message: str, errors: dict | None = None, headers: dict | None = None):
    """JSON for API clients, the error page in the reader's language for browsers."""
    if is_api_request():
        return json_error_response(status, message, errors, headers)
    response = make_response(render_template("error.html", error=error_payload(status, message, errors)))
    return _finish(response, status, headers)


def _finish(response, status: int, headers: dict | None):
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def handle_domain_error(exc: domain.ConsortiumError):
    if isinstance(exc, domain.WorkMerged):
        return redirect(request.path.replace(f"/{exc.work_id}", f"/{exc.target_id}", 1), code=301)
    status = status_for(exc)
    headers = None
    if status == 401:
        headers = {"WWW-Authenticate": 'Bearer realm="daodu"'}
    elif isinstance(exc, domain.RateLimited):
        headers = {"Retry-After": str(exc.retry_after)}
    return error_response(status, exc.message, exc.errors, headers)


def handle_http_error(exc: HTTPException):
    messages = {}
    data = getattr(exc, "data", None) or {}
    if isinstance(data, dict) and "messages" in data:
        messages = _webargs_messages(data["messages"])
    message = exc.description or HTTPStatus(exc.code).phrase
    if exc.code == 400 and messages:
        message = "The request body is not valid JSON."
    if exc.code == 413:
        message = "The request body is too large."
    if exc.code == 422 and messages:
        message = "The request body failed validation."
    response = error_response(exc.code or 500, message, messages)
    for name, value in (exc.get_headers() if exc.code in (301, 302, 405) else []):
        if name.lower() in ("location", "allow"):
            response.headers[name] = value
    return response


def _webargs_messages(messages: dict) -> dict:
    """webargs groups by location (``json``); the contract lists fields only."""
    if set(messages) <= {"json", "form", "query", "files", "headers", "view_args"}:
        merged = {}
        for location_errors in messages.values():
            if isinstance(location_errors, dict):
                merged.update(location_errors)
            else:
                merged.setdefault("_schema", []).extend(location_errors)
        return merged
    return messages


def handle_unexpected(exc: Exception):
    if isinstance(exc, HTTPException):
        return handle_http_error(exc)
    log.exception("unhandled error on %s %s", request.method, request.path)
    return handle_http_error(InternalServerError("Something went wrong on our side; it has been logged."))


def init_app(app) -> None:
    app.register_error_handler(domain.ConsortiumError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
