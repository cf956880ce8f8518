"""Live chat JSON API for readers (DESIGN.md "Live help"): start a chat, send, the event stream.

The reader's token is their only key (as a question's status token). Sending is a plain POST
and the server → browser direction a server-sent event stream, which campus proxies pass.
"""
from flask import Response, current_app, request
from marshmallow import EXCLUDE, Schema, fields, validate

from consortium.db import get_session, new_session
from consortium.reference import chat, chat_desk, questions
from consortium.reference.chat_rules import FINAL, last_event_id
from consortium.reference.chat_stream import chat_state, stream
from consortium.reference.viewhelpers import (
    chat_bus,
    chat_settings,
    now,
    question_rate_limits,
    search_port,
    settings,
    wake_mail,
)
from consortium.web.api import Blueprint, cap_json_body
from consortium.web.limits import hashed, limiter

blp = Blueprint("chat_api", __name__, url_prefix="/api/v1/chats", description="Live help: chats with the librarian on duty")


class ChatCreatedSchema(Schema):
    id = fields.Integer()
    token = fields.String()
    state = fields.String(metadata={"description": "waiting (ringing at a member on duty) | queued (a question)"})
    routed_to = fields.String(allow_none=True)
    events_url = fields.String()
    status_url = fields.String()


class MessageSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    text = fields.String(required=True, validate=validate.Length(min=1, max=20000))


class SentSchema(Schema):
    seq = fields.Integer()


class ChatStateSchema(Schema):
    id = fields.Integer()
    state = fields.String()
    final = fields.Boolean()
    member = fields.String(allow_none=True)
    member_name = fields.String(allow_none=True)
    member_name_en = fields.String(allow_none=True)
    status_url = fields.String()


def _message_limit() -> str:
    return current_app.config["CHAT_RATE_LIMIT_MESSAGES"]


@blp.before_request
def _guard():
    cap_json_body()


@blp.route("", methods=["POST"])
@question_rate_limits
@blp.arguments(questions.IntakeSchema)
@blp.response(201, ChatCreatedSchema)
def create_chat(body):
    """Start a chat: it rings at the best-placed member on duty, or is a queued question at once."""
    result = chat.start_chat(get_session(), body, now=now(), settings=settings(), chat=chat_settings(),
                             search=search_port(), on_commit=wake_mail())
    chat_bus().poke()
    base = settings().base_url
    return {**result, "state": "waiting" if result["state"] == "ringing" else result["state"],
            "events_url": f"{base}/api/v1/chats/{result['token']}/events"}


@blp.route("/<token>", methods=["GET"])
@blp.response(200, ChatStateSchema)
def chat_view(token):
    """The chat's state and who has it."""
    return chat.reader_view(get_session(), token, settings())


@blp.route("/<token>/messages", methods=["POST"])
@limiter.limit(_message_limit, key_func=lambda: hashed("chat", request.view_args.get("token", "")))
@blp.arguments(MessageSchema)
@blp.response(201, SentSchema)
def send_message(body, token):
    """Say something; at most ``CHAT_MESSAGE_MAX_CHARS`` characters, shown as a sanitised Markdown subset."""
    result = chat.reader_message(get_session(), token, body["text"], now=now(), chat=chat_settings())
    chat_bus().poke()
    return result


@blp.route("/<token>/end", methods=["POST"])
@blp.response(200, ChatStateSchema)
def end_chat(token):
    """The reader closes the chat."""
    chat_desk.reader_end(get_session(), token, now=now(), settings=settings(), on_commit=wake_mail())
    chat_bus().poke()
    return chat.reader_view(get_session(), token, settings())


@blp.route("/<token>/transcript", methods=["POST"])
@blp.response(202, ChatStateSchema)
def transcript(token):
    """Mail me the transcript (when the chat ends; at once if it has)."""
    record = chat.chat_for_token(get_session(), token)
    chat_desk.request_transcript(get_session(), record, settings=settings(), on_commit=wake_mail())
    return chat.reader_view(get_session(), token, settings())


@blp.route("/<token>/events", methods=["GET"])
@blp.doc(responses={"200": {"description": "text/event-stream; resume with Last-Event-ID"}})
def events(token):
    """The chat's events as server-sent events (``message``, ``card``, ``state``)."""
    record = chat.chat_for_token(get_session(), token)
    after = last_event_id(request.headers.get("Last-Event-ID"), request.args.get("after"))
    if record.state in FINAL and after >= record.last_seq:
        return Response(status=204)  # nothing more will come: EventSource stops reconnecting
    app, cfg, ref, search = current_app._get_current_object(), chat_settings(), settings(), search_port()
    chat_id, wake = record.id, wake_mail()

    def expire_if_due():
        with new_session(app) as session:
            if chat_state(session, chat_id) == "ringing":
                chat.expire_ringing(session, now=now(), settings=ref, chat=cfg, search=search, only=chat_id,
                                    token=token, on_commit=wake)
        chat_bus(app).poke()

    return sse_response(stream(lambda: new_session(app), chat_bus(app), chat_id, after,
                               seconds=cfg.stream_seconds, on_wait=expire_if_due))


def sse_response(body) -> Response:
    response = Response(body, mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response

