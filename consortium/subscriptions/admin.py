"""Consortium admins' page: find an address's subscriptions and record a bounce or a
complaint the mail server reported (a complaint deletes them at once)."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from consortium.accounts.auth import roles_required
from consortium.db import get_session
from consortium.errors import ConsortiumError
from consortium.subscriptions import service
from consortium.subscriptions.viewhelpers import member_names, settings

bp = Blueprint("subscriptions_admin", __name__, url_prefix="/staff/admin/subscriptions", template_folder="templates")


@bp.route("/", methods=["GET", "POST"])
@roles_required("consortium_admin")
def index():
    if request.method == "POST":
        email = (request.form.get("email") or "").strip()[:254]
        try:
            deleted = service.record_delivery_problem(get_session(), email, request.form.get("kind", ""),
                                                      settings=settings())
            flash(_("Recorded. Subscriptions deleted: %(n)d", n=deleted), "info")
        except ConsortiumError as exc:
            flash(_(exc.message), "error")
        return redirect(url_for("subscriptions_admin.index", email=email))
    email = (request.args.get("email") or "").strip()[:254]
    rows = service.listing(get_session(), email or None)
    return render_template("subscriptions/admin.html", rows=rows, email=email, names=member_names())
