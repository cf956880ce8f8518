"""Reader pages of the search: results with facets, the record page, citation export, the
home-member chooser and the OpenSearch description. Views parse, call one service, render."""
from urllib.parse import urlencode

from flask import Blueprint, Response, make_response, redirect, render_template, request, url_for

from consortium.accounts.service import list_members
from consortium.catalogue import citations, works
from consortium.catalogue.access import access_for
from consortium.db import get_read_session, reads_replica
from consortium.errors import InvalidInput
from consortium.i18n import localized_name
from consortium.ports import ANSWERS, SEARCH, get_port
from consortium.search.views import HOME_COOKIE, search_args
from consortium.web.redirects import safe_next_or

bp = Blueprint("search_pages", __name__, template_folder="templates")
LIST_FILTERS = ("member", "format", "language")
CITATIONS = {
    "ris": (citations.to_ris, "application/x-research-info-systems"),
    "bib": (citations.to_bibtex, "application/x-bibtex"),
    "xml": (citations.to_marcxml, "application/marcxml+xml"),
    # GB/T 7714-2015, what Chinese readers are asked to cite with: plain text shown in the browser
    "gbt7714": (citations.to_gbt7714, "text/plain"),
}
INLINE_CITATIONS = ("gbt7714",)


def member_names() -> dict[str, str]:
    return {m.code: localized_name(m) for m in list_members(get_read_session())}


def home_member() -> str | None:
    return request.cookies.get(HOME_COOKIE) or None


def url_with(**changes) -> str:
    """This search with some parameters replaced (None removes one); back to page 1."""
    args = request.args.copy()
    args.pop("page", None)
    for name, value in changes.items():
        args.pop(name, None)
        if value is not None:
            args.setlist(name, value if isinstance(value, list) else [value])
    return url_for("search_pages.search", **{}) + ("?" + urlencode(list(args.items(multi=True))) if args else "")


def toggle_url(name: str, value: str) -> str:
    """Add a facet value to a repeatable filter, or take it away when it is there."""
    current = request.args.getlist(name)
    values = [v for v in current if v != value] if value in current else current + [value]
    return url_with(**{name: values or None})


def page_url(page: int) -> str:
    args = request.args.copy()
    args["page"] = str(page)
    return url_for("search_pages.search") + "?" + urlencode(list(args.items(multi=True)))


@bp.route("/search")
def search():
    """The reader search: results, facets, paging, did-you-mean; bad values explained."""
    answer, error = None, None
    try:
        answer = get_port(SEARCH).search(search_args())
    except InvalidInput as exc:
        error = exc
    query_string = request.query_string.decode("latin-1")
    html = render_template("search/search.html", answer=answer, error=error, names=member_names(),
                           home=home_member(), url_with=url_with, toggle_url=toggle_url, page_url=page_url,
                           feed_url="/feeds/search.atom" + (f"?{query_string}" if query_string else ""),
                           args=request.args, deep_paging=getattr(error, "cap", None),
                           related_answers=related_answers(request.args.get("q")))
    return html, (422 if error else 200)


def related_answers(q: str | None, limit: int = 3) -> list[dict]:
    """Published reference answers beside the catalogue results (none without the port)."""
    port = get_port(ANSWERS)
    if port is None or not (q or "").strip() or ":" in q:
        return []
    return port.published(q=q.strip()[:100], limit=limit)


@bp.route("/works/<int:work_id>")
@reads_replica
def record(work_id):
    """One work with every member's holdings (home member first) and how to get at it."""
    work = works.get_work(get_read_session(), work_id, home_member())
    permalink = url_for("search_pages.record", work_id=work["id"], _external=True)
    return render_template("search/record.html", work=work, names=member_names(), home=home_member(),
                           access_for=access_for, args=request.args, permalink=permalink,
                           gbt7714=citations.to_gbt7714(work, permalink))


@bp.route("/works/<int:work_id>/cite.<kind>")
@reads_replica
def cite(work_id, kind):
    """Citation export of one work: RIS, BibTeX, MARCXML or GB/T 7714 (plain text)."""
    if kind not in CITATIONS:
        raise InvalidInput("Citations are offered as .ris, .bib, .xml or .gbt7714.",
                           {"kind": ["Must be ris, bib, xml or gbt7714."]})
    work = works.get_work(get_read_session(), work_id)
    build, mimetype = CITATIONS[kind]
    body = build(work, url_for("search_pages.record", work_id=work["id"], _external=True))
    response = Response(body, mimetype=mimetype)
    if kind in INLINE_CITATIONS:
        response.headers["Content-Disposition"] = f'inline; filename="daodu-{work["id"]}-{kind}.txt"'
    else:
        response.headers["Content-Disposition"] = f'attachment; filename="daodu-{work["id"]}.{kind}"'
    return response


@bp.route("/home-member")
def choose_home_member():
    """Remember the reader's home member in a cookie (an empty choice forgets it)."""
    code = (request.args.get("code") or "").strip().upper()
    response = redirect(safe_next_or(request.args.get("next"), url_for("search_pages.search")))
    if code and code in member_names():
        response.set_cookie(HOME_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax")
    else:
        response.delete_cookie(HOME_COOKIE)
    return response


@bp.route("/opensearch.xml")
def opensearch():
    """The OpenSearch description of the reader search (HTML, Atom and JSON templates)."""
    body = render_template("search/opensearch.xml", base=request.host_url.rstrip("/"))
    response = make_response(body)
    response.mimetype = "application/opensearchdescription+xml"
    return response
