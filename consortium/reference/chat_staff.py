"""The liaison's live-help desk: on/off duty, what rings, accept, messages, cards, transfer,
end, block, the member's staffed hours.

The page's script (``static/desk.js``) posts ``poll`` every ``CHAT_HEARTBEAT_SECONDS``: that
is the heartbeat keeping the liaison on duty and the answer lists what rings. Each accepted
chat's events come as a server-sent event stream. State-changing requests are CSRF-protected
by the foundation (the script sends the token in ``X-CSRFToken``).
"""
from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consortium.accounts.service import list_members
from consortium.db import get_session, new_session
from consortium.errors import ConsortiumError, PermissionDenied
from consortium.reference import chat_desk, duty
from consortium.reference import profiles as reference_profiles
from consortium.reference.chat_api import sse_response
from consortium.reference.chat_rules import last_event_id
from consortium.reference.chat_stream import stream
from consortium.reference.viewhelpers import (
    chat_bus,
    chat_settings,
    handle_page_error,
    now,
    settings,
    staff_actor,
    translated_message,
    wake_mail,
)

bp = Blueprint("reference_chat", __name__, url_prefix="/staff/chats", template_folder="templates")
bp.register_error_handler(ConsortiumError, handle_page_error)


def _liaison():
    actor = staff_actor()
    if actor.is_admin:
        raise PermissionDenied(_("Live help is staffed by member liaisons."))
    return actor


@bp.route("")
def desk():
    actor = _liaison()
    session = get_session()
    state = chat_desk.desk(session, actor, now=now(), settings=settings(), chat=chat_settings())
    _member, canned = reference_profiles.canned_answers(session, current_user, None)
    return render_template("reference/desk.html", desk=state, canned=canned, members=list_members(session),
                           hours=duty.staffed_hours(session, actor.member_id), heartbeat=chat_settings().heartbeat_seconds)


@bp.route("/duty", methods=["POST"])
def set_duty():
    actor = _liaison()
    try:
        if request.form.get("on") == "1":
            duty.go_on_duty(get_session(), actor, now=now(), settings=settings())
            flash(_("You are on duty for live help."), "info")
        else:
            duty.go_off_duty(get_session(), actor)
            flash(_("You are off duty."), "info")
    except PermissionDenied:
        raise
    except ConsortiumError as exc:
        flash(translated_message(exc), "error")
    return redirect(url_for("reference_chat.desk"))


@bp.route("/rota", methods=["POST"])
def set_rota():
    actor = _liaison()
    try:
        duty.set_rota(get_session(), actor, None, request.form.get("hours", ""), now=now())
        flash(_("Staffed hours saved."), "info")
    except PermissionDenied:
        raise
    except ConsortiumError as exc:
        flash(translated_message(exc), "error")
    return redirect(url_for("reference_chat.desk"))


@bp.route("/poll", methods=["POST"])
def poll():
    """The heartbeat: keeps the liaison on duty; answers what rings and their chats."""
    actor = _liaison()
    session, at, cfg = get_session(), now(), chat_settings()
    duty.heartbeat(session, actor, now=at, chat=cfg)
    return jsonify(chat_desk.desk(session, actor, now=at, settings=settings(), chat=cfg))


def _body() -> dict:
    body = request.get_json(silent=True) if request.is_json else request.form
    return body if hasattr(body, "get") else {}


@bp.route("/<int:chat_id>/<action>", methods=["POST"])
def act(chat_id, action):
    """accept | messages | card | transfer | end | block, answering JSON for the desk script."""
    actor, session, at, ref, cfg, body = _liaison(), get_session(), now(), settings(), chat_settings(), _body()
    handlers = {
        "accept": lambda: chat_desk.accept(session, chat_id, actor, now=at, settings=ref, chat=cfg) and {},
        "messages": lambda: chat_desk.staff_message(session, chat_id, actor, body.get("text"), now=at, chat=cfg),
        "card": lambda: chat_desk.send_card(session, chat_id, actor, now=at, work_id=body.get("work_id"),
                                            query=body.get("q")),
        "transfer": lambda: chat_desk.transfer(session, chat_id, actor, str(body.get("to_member") or "")[:32], now=at,
                                               settings=ref, chat=cfg) and {},
        "end": lambda: chat_desk.staff_end(session, chat_id, actor, now=at, settings=ref, on_commit=wake_mail()) and {},
        "block": lambda: chat_desk.staff_end(session, chat_id, actor, now=at, settings=ref, block=True,
                                             on_commit=wake_mail()) and {},
    }
    if action not in handlers:
        return jsonify({"code": 404, "status": "Not Found", "message": _("Unknown action.")}), 404
    result = handlers[action]()
    chat_bus().poke()
    return jsonify({"ok": True, **(result or {})})


@bp.route("/<int:chat_id>/events")
def events(chat_id):
    """The chat's events for the liaison handling it (or of a chat ringing at their member)."""
    actor = _liaison()
    after = last_event_id(request.headers.get("Last-Event-ID"), request.args.get("after"))
    chat_desk.staff_events(get_session(), chat_id, actor, after)  # 403/404 before streaming
    app, cfg = current_app._get_current_object(), chat_settings()
    return sse_response(stream(lambda: new_session(app), chat_bus(app), chat_id, after, seconds=cfg.stream_seconds))
