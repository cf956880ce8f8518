"""Staff pages for correcting matching: the review queue, a work's holdings with split and
merge forms, its audit trail. Plain forms (CSRF-protected by the foundation); each view makes
one service call; a refused correction is explained in the page's language."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from consortium.accounts.auth import roles_required
from consortium.catalogue import corrections, review
from consortium.catalogue.errors import CatalogueBusy, CorrectionRefused, WorkNotLive
from consortium.catalogue.staff_api import staff_actor, wake_indexer
from consortium.db import get_session
from consortium.errors import ConsortiumError, UnknownWork
from consortium.web.errors import handle_domain_error

bp = Blueprint("catalogue_staff", __name__, url_prefix="/staff/catalogue", template_folder="templates")


@bp.errorhandler(ConsortiumError)
def _page_error(exc):
    """The foundation's answer; the error page puts the message in the page's language (it
    shows a message the catalogues have, so it must stay the English msgid here)."""
    if isinstance(exc, UnknownWork):
        exc.message = "There is no such work."
    return handle_domain_error(exc)


@bp.route("/reviews")
@roles_required("librarian")
def reviews():
    """The review queue (open by default) with the forms that answer it."""
    page = request.args.get("page", "1")
    queue = review.list_reviews(get_session(), staff_actor(), request.args.get("status", "open"),
                                int(page) if page.isdigit() else 1)
    return render_template("catalogue/reviews.html", queue=queue)


@bp.route("/reviews/<int:review_id>", methods=["POST"])
@roles_required("librarian")
def answer(review_id):
    _correct(lambda: corrections.answer_review(get_session(), staff_actor(), review_id, request.form.get("answer"),
                                               request.form.get("reason"), on_commit=wake_indexer()))
    return redirect(url_for("catalogue_staff.reviews"), 303)


@bp.route("/works/<int:work_id>")
@roles_required("librarian")
def work(work_id):
    """A work as staff correct it."""
    return render_template("catalogue/work.html", work=review.staff_work(get_session(), staff_actor(), work_id))


@bp.route("/works/<int:work_id>/merge", methods=["POST"])
@roles_required("librarian")
def merge(work_id):
    other = request.form.get("work_id", "").strip().lstrip("#")
    if not other.isdigit() or not 0 < int(other) < 2**31:
        flash(_("Give the number of the work to merge into this one."), "error")
    else:
        _correct(lambda: corrections.merge_works(get_session(), staff_actor(), work_id, int(other),
                                                 request.form.get("reason"), on_commit=wake_indexer()))
    return redirect(url_for("catalogue_staff.work", work_id=work_id), 303)


@bp.route("/holdings/<int:holding_id>/split", methods=["POST"])
@roles_required("librarian")
def split(holding_id):
    done = _correct(lambda: corrections.split_holding(get_session(), staff_actor(), holding_id,
                                                      request.form.get("reason"), on_commit=wake_indexer()))
    back = request.form.get("work_id", "")
    if done:
        return redirect(url_for("catalogue_staff.work", work_id=done["work_id"]), 303)
    if back.isdigit():
        return redirect(url_for("catalogue_staff.work", work_id=int(back)), 303)
    return redirect(url_for("catalogue_staff.reviews"), 303)


@bp.route("/go")
@roles_required("librarian")
def go():
    """The work-number box of the review page."""
    number = request.args.get("work", "").strip().lstrip("#")
    if number.isdigit() and 0 < int(number) < 2**31:
        return redirect(url_for("catalogue_staff.work", work_id=int(number)))
    flash(_("Give the number of a work."), "error")
    return redirect(url_for("catalogue_staff.reviews"))


def _correct(action):
    """Run a correction; a refusal (no reason, another carrier, merged meanwhile, busy) is
    flashed on the page it came from; permissions and unknown ids answer their error page."""
    try:
        done = action()
    except (CorrectionRefused, WorkNotLive, CatalogueBusy) as exc:
        flash(_(exc.message), "error")
        return None
    flash(_("Done: the change is recorded and the search index follows."), "info")
    return done
