"""Reader pages of the reference queue: ask, the private status page, the knowledge base."""
import time

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from consortium.accounts.service import get_member, list_members
from consortium.catalogue.models import Work
from consortium.db import get_read_session, get_session, reads_replica
from consortium.errors import ConsortiumError, InvalidInput
from consortium.reference import knowledge, questions
from consortium.reference.viewhelpers import (
    handle_page_error,
    now,
    question_rate_limits,
    search_port,
    settings,
    translated_message,
    wake_mail,
)
from consortium.web.converters import int_arg

bp = Blueprint("reference", __name__, template_folder="templates")
bp.register_error_handler(ConsortiumError, handle_page_error)
HONEYPOT = "website"  # hidden from people by CSS; bots fill every field


def _form_clock() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="reference-ask-form")


def _check_human(form) -> None:
    """Refuse a filled honeypot or a form sent faster than a person can type."""
    if form.get(HONEYPOT):
        raise InvalidInput(_("Your question could not be sent."), {"form": ["spam"]})
    try:
        started = float(_form_clock().loads(form.get("started", "")))
    except (BadSignature, TypeError, ValueError):
        raise InvalidInput(_("The form expired; please send it again."), {"form": ["expired"]}) from None
    if time.time() - started < current_app.config["REFERENCE_MIN_FILL_SECONDS"]:
        raise InvalidInput(_("That was very fast; please check your question and send it again."), {"form": ["too fast"]})


@bp.route("/ask", methods=["GET", "POST"])
@question_rate_limits
def ask():
    session = get_session()
    values = dict(request.form) if request.method == "POST" else {
        "work_id": request.args.get("work", ""), "home_member": request.cookies.get("home_member", ""),
        "language": "en" if request.args.get("lang") == "en" else ""}
    errors = {}
    if request.method == "POST":
        try:
            _check_human(request.form)
            data = {k: request.form.get(k) for k in ("question", "name", "email", "home_member", "language")}
            data["work_id"] = request.form.get("work_id") or None
            data["consent_publish"] = request.form.get("consent_publish") == "y"
            data["language"] = data["language"] or None
            result = questions.submit_question(session, data, now=now(), settings=settings(),
                                               search=search_port(), on_commit=wake_mail())
            return render_template("reference/submitted.html", result=result)
        except InvalidInput as exc:
            errors = exc.errors
            flash(translated_message(exc), "error")
    work = _work(session, values.get("work_id"))
    started = _form_clock().dumps(str(time.time()))
    return render_template("reference/ask.html", values=values, errors=errors, work=work,
                           members=list_members(session), started=started, honeypot=HONEYPOT), (422 if errors else 200)


def _work(session, raw):
    work_id = int_arg(raw)
    return session.get(Work, work_id) if work_id is not None else None


@bp.route("/questions/<token>", methods=["GET"])
def status(token):
    view = questions.reader_view(get_session(), token)
    response = current_app.make_response(render_template("reference/status.html", q=view, token=token))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the token must not leak to linked sites
    return response


@bp.route("/questions/<token>/reply", methods=["POST"])
def reply(token):
    questions.reader_reply(get_session(), token, request.form.get("text", ""), now=now(), settings=settings())
    wake_mail()()
    flash(_("Thank you, your reply was sent."), "info")
    return redirect(url_for("reference.status", token=token))


@bp.route("/questions/<token>/withdraw-consent", methods=["POST"])
def withdraw(token):
    questions.withdraw_consent(get_session(), token, now=now())
    flash(_("You withdrew your consent; the answer is not public any more."), "info")
    return redirect(url_for("reference.status", token=token))


@bp.route("/chat/panel")
def chat_panel():
    """The chat panel's form, fetched into every reader page's panel when it is opened."""
    return render_template("reference/_chat_form.html", members=list_members(get_session()))


@bp.route("/embed/chat")
def embed_chat():
    """The embed kit's chat for a member's site, framed only by the member's registered origins."""
    member = get_member(get_session(), (request.args.get("member") or "").strip().upper()[:32])
    response = current_app.make_response(render_template("reference/embed_chat.html", member=member))
    ancestors = " ".join(["'self'", *(member.site_origins or [])])
    response.headers["Content-Security-Policy"] = f"frame-ancestors {ancestors}"
    return response


@bp.route("/answers")
@reads_replica
def answers():
    q = (request.args.get("q") or "").strip()[:200]
    entries = knowledge.published(get_read_session(), member=request.args.get("member") or None,
                                  clc=request.args.get("clc") or None, q=q or None, limit=50)
    return render_template("reference/answers.html", entries=entries, q=q)


@bp.route("/answers/<int:entry_id>")
@reads_replica
def answer_page(entry_id):
    if entry_id <= 0:
        abort(404)
    return render_template("reference/answer.html", entry=knowledge.get_entry(get_read_session(), entry_id))
