"""Liaison workspace pages: queue tabs, one question with its actions, publishing, statistics,
reference profiles, canned answers. Actions are plain forms (CSRF-protected by the foundation).

An answer is written in Markdown with cited works chosen by the shared picker
(``consortium.compose``). Without JavaScript, the answer form's "search" and "preview"
buttons post it to ``compose``, which renders the page again with the draft, the picker's
results and the preview (nothing typed is lost); ``compose.js`` does the same in place.
"""
from datetime import datetime, timedelta, timezone

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consortium.accounts.auth import roles_required
from consortium.accounts.service import list_members
from consortium.compose.picker import chosen
from consortium.compose.views import pick_works, wants_picker_fragment
from consortium.db import get_read_session, get_session, reads_replica
from consortium.errors import ConsortiumError, InvalidInput, NotFound, PermissionDenied
from consortium.reference import (
    knowledge,
    liaison,
)
from consortium.reference import (
    profiles as reference_profiles,
)
from consortium.reference import (
    queue as liaison_queue,
)
from consortium.reference import (
    stats as reference_stats,
)
from consortium.reference.api import run_action
from consortium.reference.viewhelpers import (
    handle_page_error,
    now,
    search_port,
    settings,
    staff_actor,
    translated_message,
)
from consortium.web.markup import render_markdown

bp = Blueprint("reference_staff", __name__, url_prefix="/staff", template_folder="templates")
bp.register_error_handler(ConsortiumError, handle_page_error)


@bp.route("/questions")
@login_required
def queue():
    actor = staff_actor()
    tab = request.args.get("tab", "new")
    rows = liaison_queue.queue(get_session(), actor, tab, now=now())
    counts = liaison_queue.queue_counts(get_session(), actor, now=now())
    return render_template("reference/queue.html", tab=tab, rows=rows, counts=counts, tabs=liaison_queue.TABS)


@bp.route("/questions/<int:question_id>")
@login_required
def question(question_id):
    """One question; ``?pick=`` searches works to cite (``&fragment=picker``: the results alone)."""
    pick = request.args.get("pick", "").strip()
    if wants_picker_fragment():
        staff_actor()
        return render_template("reference/_cite_results.html", found=pick_works(pick) if pick else None)
    return _question_page(question_id, {"pick": pick, "found": pick_works(pick) if pick else None})


@bp.route("/questions/<int:question_id>/compose", methods=["POST"])
@login_required
def compose(question_id):
    """The answer form posted for a search, a preview or a canned text: the page again with the
    draft, changing nothing."""
    form = request.form
    body, pick = form.get("body", ""), form.get("pick", "").strip()
    detail_canned = form.get("canned")
    draft = {"body": body, "pick": pick, "found": pick_works(pick) if pick else None,
             "cited": chosen(get_session(), form.getlist("cited_work_ids")), "canned": detail_canned,
             "preview": form.get("compose") == "preview"}
    return _question_page(question_id, draft)


def _question_page(question_id: int, draft: dict):
    actor = staff_actor()
    session = get_session()
    detail = liaison_queue.question_detail(session, question_id, actor, now=now())
    if draft.get("canned"):
        draft["body"] = next((c["body"] for c in detail["canned_answers"] if c["id"] == draft["canned"]),
                             draft.get("body", ""))
    if draft.get("preview"):
        draft["preview_html"] = render_markdown(draft.get("body", ""))
    suggestion = None
    if "transfer" in detail["allowed_actions"] and (detail["handles"] or actor.is_admin):
        q = liaison.load_question(session, question_id, actor)
        suggestion = liaison.suggest_transfer(session, q, now(), settings(), search_port())
    return render_template("reference/question.html", q=detail, suggestion=suggestion, draft=draft,
                           members=list_members(session))


@bp.route("/questions/<int:question_id>/<action>", methods=["POST"])
@login_required
def act(question_id, action):
    try:
        run_action(action, question_id, request.form)
    except (PermissionDenied, NotFound):
        raise
    except ConsortiumError as exc:
        flash(translated_message(exc), "error")
    else:
        flash(_("Done."), "info")
        if action in ("transfer", "return"):  # it left this member's queue: the page would be a 403
            return redirect(url_for("reference_staff.queue"))
    return redirect(url_for("reference_staff.question", question_id=question_id))


@bp.route("/questions/<int:question_id>/publish")
@login_required
def publish_preview(question_id):
    """Review the redacted Markdown of a question and its answer before publishing."""
    preview = knowledge.preview(get_session(), question_id, staff_actor())
    return render_template("reference/publish.html", p=preview)


@bp.route("/questions/<int:question_id>/publish/preview", methods=["POST"])
@login_required
def publish_review(question_id):
    """The review form posted for a preview: the edited Markdown rendered, nothing published."""
    preview = knowledge.preview(get_session(), question_id, staff_actor())
    preview.update({key: request.form.get(key, preview[key]) for key in ("title", "question_text", "answer_md")})
    preview["answer_html"] = render_markdown(preview["answer_md"])
    return render_template("reference/publish.html", p=preview)


def _period():
    today = datetime.now(timezone.utc).date()
    try:
        start = datetime.fromisoformat(request.args.get("from") or (today - timedelta(days=30)).isoformat())
        end = datetime.fromisoformat(request.args.get("to") or (today + timedelta(days=1)).isoformat())
    except ValueError:
        raise InvalidInput(_("Dates are written YYYY-MM-DD."), {"from": ["date"]}) from None
    return start.replace(tzinfo=start.tzinfo or timezone.utc), end.replace(tzinfo=end.tzinfo or timezone.utc)


@bp.route("/reference/stats")
@reads_replica
@login_required
def stats():
    start, end = _period()
    rows = reference_stats.member_stats(get_read_session(), staff_actor(), start, end, now=now(), settings=settings(),
                                        member_code=request.args.get("member") or None)
    if request.args.get("format") == "csv":
        return Response(reference_stats.stats_csv(rows), mimetype="text/csv",
                        headers={"Content-Disposition": "attachment; filename=reference-stats.csv"})
    return render_template("reference/stats.html", rows=rows, start=start, end=end,
                           columns=reference_stats.COLUMNS)


@bp.route("/reference/profiles", methods=["GET", "POST"])
@login_required
def profiles():
    actor = staff_actor()
    if not actor.is_admin:
        raise PermissionDenied(_("Only consortium administrators manage reference profiles."))
    session = get_session()
    if request.method == "POST":
        try:
            reference_profiles.set_profile(session, request.form.get("code", ""), _profile_values(request.form),
                                           now=now(), actor=current_user)
            flash(_("Profile saved."), "info")
        except ConsortiumError as exc:
            flash(translated_message(exc), "error")
        return redirect(url_for("reference_staff.profiles"))
    return render_template("reference/profiles.html", rows=reference_profiles.list_profiles(session))


def _profile_values(form) -> dict:
    try:
        return {
            "strengths": reference_profiles.parse_strengths(form.get("strengths", "")),
            "languages": [v for v in form.get("languages", "zh").replace(",", " ").split() if v],
            "capacity": int(form.get("capacity", "10")),
            "opening_hours": form.get("opening_hours", "").strip() or "mon-fri 08:30-17:30",
            "timezone": form.get("timezone", "").strip() or "Asia/Shanghai",
            "closures": [v for v in form.get("closures", "").replace(",", " ").split() if v],
            "first_response_days": int(form.get("first_response_days", "1")),
            "answer_days": int(form.get("answer_days", "3")),
            "retention_days": int(form.get("retention_days", "365")),
            "accepts_questions": form.get("accepts_questions") == "y",
        }
    except ValueError:
        raise InvalidInput(_("Numbers are whole numbers."), {"capacity": ["number"]}) from None


@bp.route("/reference/canned", methods=["GET", "POST"])
@roles_required("librarian", "liaison")
def canned():
    """A member's canned answers (own member; admins choose one), and the form adding one."""
    code = (request.values.get("member") or "").strip().upper() or None
    status = 200
    if request.method == "POST":
        try:
            reference_profiles.add_canned(get_session(), current_user, code, request.form.get("title", ""),
                                          request.form.get("body", ""), now=now())
        except (PermissionDenied, NotFound):
            raise
        except ConsortiumError as exc:
            flash(translated_message(exc), "error")
            status = 422
        else:
            flash(_("Canned answer saved."), "success")
            return redirect(url_for("reference_staff.canned", member=code))
    member, rows = (None, []) if current_user.is_admin and not code else \
        reference_profiles.canned_answers(get_session(), current_user, code)
    return render_template("reference/canned.html", member=member, rows=rows, members=list_members(get_session()),
                           values=request.form if status != 200 else {}), status


@bp.route("/reference/canned/<canned_id>", methods=["POST"])
@roles_required("librarian", "liaison")
def canned_edit(canned_id):
    """Save or remove one canned answer."""
    code = (request.values.get("member") or "").strip().upper() or None
    try:
        if request.form.get("action") == "remove":
            reference_profiles.remove_canned(get_session(), current_user, code, canned_id, now=now())
        else:
            reference_profiles.change_canned(get_session(), current_user, code, canned_id, now=now(),
                                             title=request.form.get("title", ""), body=request.form.get("body", ""))
    except (PermissionDenied, NotFound):
        raise
    except ConsortiumError as exc:
        flash(translated_message(exc), "error")
    else:
        flash(_("Canned answer removed.") if request.form.get("action") == "remove" else _("Canned answer saved."),
              "success")
    return redirect(url_for("reference_staff.canned", member=code))
