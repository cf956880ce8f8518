"""Management pages: the reader's rating form, liaisons' feedback, scorecards with their
charts and CSV, the printable annual report, and the admin's targets. One service call each."""
from datetime import date

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import login_required

from consortium.db import get_read_session, get_session, reads_replica
from consortium.errors import ConsortiumError, InvalidInput
from consortium.management import charts, feedback, scorecards, targets
from consortium.management.errors import NotForYou
from consortium.management.measures import BY_NAME, TARGET_DEFAULTS, TERMS
from consortium.management.viewhelpers import actor, now, settings, today
from consortium.reference.questions import reader_view
from consortium.reference.viewhelpers import handle_page_error, translated_message

bp = Blueprint("management", __name__, template_folder="templates")
bp.register_error_handler(ConsortiumError, handle_page_error)
STAFF = ("librarian", "liaison")


@bp.route("/questions/<token>/feedback", methods=["POST"])
def rate(token):
    """The status page's rating form; a refused form shows the page again with what was typed."""
    data = {"helpful": {"yes": True, "no": False}.get(request.form.get("helpful", ""), None),
            "comment": request.form.get("comment", "")}
    if data["helpful"] is None:
        data.pop("helpful")
    try:
        feedback.rate_answer(get_session(), token, data, now=now())
    except InvalidInput as exc:
        flash(translated_message(exc), "error")
        view = reader_view(get_session(), token)
        response = current_app.make_response((render_template("reference/status.html", q=view, token=token,
                                                              rating_form=request.form), 422))
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"  # the token must not leak, as on the status page
        return response
    flash(_("Thank you for rating the answer."), "info")
    return redirect(url_for("reference.status", token=token, _anchor="feedback"))


def reader_rating(token: str) -> dict | None:
    """Template global for the status page: the reader's current rating, if any."""
    return feedback.reader_rating(get_session(), token)


@bp.route("/staff/feedback")
@login_required
def feedback_list():
    rows = feedback.member_feedback(get_session(), actor("liaison"), request.args.get("member") or None)
    return render_template("management/feedback.html", rows=rows)


def _report():
    return scorecards.report_for(get_read_session(), actor(*STAFF), request.args.get("year", today().year),
                                 request.args.get("term"), today=today(), settings=settings())


def month_labels(months) -> list[str]:
    return [format_date(date(y, m, 1), "LLL") for y, m in months]


@bp.route("/staff/scorecards")
@reads_replica
@login_required
def overview():
    report = _report()
    comparison = {name: charts.bar_chart([c.member for c in report.members],
                                         [c.measures[name]["value"] for c in report.members])
                  for name in ("answered_within_sla_pct", "questions_answered", "answered_for_other_members")}
    return render_template("management/overview.html", report=report, comparison=comparison,
                           terms=TERMS, measures=BY_NAME)


@bp.route("/staff/scorecards/<code>")
@reads_replica
@login_required
def member_card(code):
    report = _report()
    card = report.card(code.strip().upper())
    if card is None:
        raise NotForYou("There is no scorecard of this member for you.")
    return render_template("management/card.html", report=report, card=card, measures=BY_NAME, terms=TERMS,
                           trends=_trends(report, card))


def _trends(report, card) -> dict:
    """Monthly bars; a share's target (the same every month) drawn as a line."""
    labels = month_labels(report.months)
    return {name: charts.bar_chart(labels, card.months[name],
                                   target=card.measures[name]["target"] if BY_NAME[name].per == "fixed" else None)
            for name in card.months}


@bp.route("/staff/scorecards.csv")
@reads_replica
@login_required
def export_csv():
    report = _report()
    name = f"scorecards-{report.year}-{report.term}.csv"
    return Response("\ufeff" + scorecards.as_csv(report), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={name}"})


@bp.route("/staff/scorecards/report")
@reads_replica
@login_required
def annual_report():
    report = scorecards.report_for(get_read_session(), actor(), request.args.get("year", today().year), "year",
                                   today=today(), settings=settings())
    whole = report.consortium
    labels = month_labels(report.months)
    trends = {name: charts.bar_chart(labels, whole.months[name]) for name in whole.months}
    sla = charts.bar_chart([c.member for c in report.members],
                           [c.measures["answered_within_sla_pct"]["value"] for c in report.members],
                           target=whole.measures["answered_within_sla_pct"]["target"])
    return render_template("management/report.html", report=report, trends=trends, sla=sla, measures=BY_NAME,
                           generated=now())


@bp.route("/staff/targets", methods=["GET", "POST"])
@login_required
def edit_targets():
    who, session = actor(), get_session()
    year, _term = scorecards.parse_period(request.values.get("year", today().year), None)
    errors, code = {}, request.form.get("member", "")
    if request.method == "POST":
        try:
            targets.set_targets(session, who, year, code, request.form, now=now())
            flash(_("Targets saved."), "info")
            return redirect(url_for("management.edit_targets", year=year))
        except InvalidInput as exc:
            errors = exc.errors
            flash(translated_message(exc), "error")
    base = targets.defaults(current_app.config["MANAGEMENT_TARGET_DEFAULTS"])
    table = targets.targets_for_year(session, year, base)
    return render_template("management/targets.html", year=year, table=table, base=base, errors=errors,
                           names=list(TARGET_DEFAULTS), failed=code if errors else None,
                           form=request.form), (422 if errors else 200)
