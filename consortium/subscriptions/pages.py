"""Reader pages: subscribe to a search (or class, member's arrivals, guides, answers), the
one-button confirmation page, the manage page, and the unsubscribe link (RFC 8058
one-click POST, exempt from CSRF: the unguessable token is the authority)."""
from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from consortium.accounts.auth import csrf
from consortium.accounts.service import list_members
from consortium.db import get_session
from consortium.errors import ConsortiumError, InvalidInput
from consortium.subscriptions import service
from consortium.subscriptions.viewhelpers import (
    mailer,
    member_names,
    now,
    private,
    settings,
    subscribe_rate_limits,
    wake_mail,
)
from consortium.web.errors import handle_domain_error

bp = Blueprint("subscriptions", __name__, template_folder="templates")
FORM_FIELDS = ("email", "frequency", "language", "source", "label", "home_member")


@bp.errorhandler(ConsortiumError)
def _translated(exc):
    exc.message = _(exc.message)
    return handle_domain_error(exc)


def _search_from(args, prefix: str = "") -> dict:
    """The search parameters of a query string or form (repeatable keys kept as lists)."""
    search = {}
    for key in service.SEARCH_KEYS:
        values = [v for v in args.getlist(prefix + key) if v.strip()][:20]
        if values:
            search[key] = values if key in service.LIST_KEYS else values[0]
    return search


def _fields(search: dict) -> list[tuple[str, str]]:
    return [(key, v) for key, value in search.items() for v in (value if isinstance(value, list) else [value])]


@bp.route("/subscribe", methods=["GET", "POST"])
@subscribe_rate_limits
def subscribe():
    """The form (GET carries the search to follow); POST stores it pending confirmation."""
    errors = {}
    if request.method == "POST":
        search = _search_from(request.form, "s.")
        values = {k: (request.form.get(k) or "").strip()[:300] for k in FORM_FIELDS}
        data = dict(values, search=search, home_member=values["home_member"] or None,
                    source=values["source"] or "search")
        try:
            service.subscribe(get_session(), data, now=now(), settings=settings(), mailer=mailer(),
                              on_commit=wake_mail())
            return render_template("subscriptions/pending.html")
        except InvalidInput as exc:
            errors = exc.errors
            flash(_("The subscription could not be saved: please check the fields."), "error")
    else:
        search = _search_from(request.args)
        values = {k: (request.args.get(k) or "").strip()[:300] for k in ("source", "label")}
        values["source"] = values["source"] or ("clc" if list(search) == ["clc"] else "search")
        values["home_member"] = request.cookies.get("home_member", "")
    return render_template("subscriptions/subscribe.html", search=search, search_fields=_fields(search),
                           values=values, errors=errors, names=member_names(), members=list_members(get_session()),
                           default_language="en" if str(request.accept_languages.best_match(["zh", "en"])) == "en"
                           else "zh"), (422 if errors else 200)


@bp.route("/subscriptions/<token>/confirm", methods=["GET", "POST"])
def confirm(token):
    """GET shows one button (mail scanners open links); only the POST confirms."""
    if request.method == "POST":
        service.confirm(get_session(), token, now=now(), settings=settings())
        flash(_("Thank you: your subscription is confirmed."), "info")
        return private(redirect(url_for("subscriptions.manage", token=token)))
    sub = service.find(get_session(), token, settings())
    return private(make_response(render_template("subscriptions/confirm.html", sub=sub, token=token,
                                                 names=member_names())))


@bp.route("/subscriptions/<token>")
def manage(token):
    sub = service.find(get_session(), token, settings())
    return private(make_response(render_template("subscriptions/manage.html", sub=sub, token=token,
                                                 names=member_names(), zone=None)))


@bp.route("/subscriptions/<token>/change", methods=["POST"])
def change(token):
    data = {k: request.form[k] for k in ("frequency", "language", "paused") if request.form.get(k)}
    service.change(get_session(), token, data, now=now(), settings=settings())
    flash(_("Your subscription was changed."), "info")
    return private(redirect(url_for("subscriptions.manage", token=token)))


@bp.route("/subscriptions/<token>/delete", methods=["POST"])
def delete(token):
    service.remove(get_session(), token, settings=settings())
    return private(make_response(render_template("subscriptions/deleted.html")))


@bp.route("/subscriptions/<token>/unsubscribe", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token):
    """The List-Unsubscribe target: a mail client's one-click POST ends the subscription at
    once; a person who opens the link gets a page with one button (GET changes nothing)."""
    if request.method == "POST":
        service.remove(get_session(), token, settings=settings())
        return private(make_response(render_template("subscriptions/deleted.html")))
    service.find(get_session(), token, settings())
    return private(make_response(render_template("subscriptions/unsubscribe.html", token=token)))
