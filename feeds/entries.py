"""Feed entries from catalogue data: arrivals, guides, answers and search results.

Entry ids are ``tag:`` URIs (RFC 4151) built from database ids only, so they are the same in
every format, page, member view and re-render. Labels are translated with the feed's locale.
"""
from flask_babel import gettext as _
from markupsafe import Markup, escape

from feeds.model import Entry


def tag_uri(authority: str, key: str) -> str:
    return f"tag:{authority}:{key}"


def _title(work: dict) -> str:
    """Title and subtitle joined the way each script writes it (full-width colon for Han)."""
    if not work.get("subtitle"):
        return work["title"]
    han = any("\u4e00" <= ch <= "\u9fff" for ch in work["title"])
    return f"{work['title']}{'：' if han else ': '}{work['subtitle']}"


def _byline(work: dict) -> str:
    parts = ["、".join(work.get("authors") or []), work.get("publisher") or "", str(work.get("year") or "")]
    return " · ".join(p for p in parts if p)


def _member_name(data: dict, lang: str) -> str:
    return data.get("member_name_en") if lang == "en" and data.get("member_name_en") else data.get("member_name") or ""


def arrival_entry(arrival, authority: str, base_url: str, lang: str, held_by: str | None = None) -> Entry:
    """``held_by`` is the translated label, looked up once per feed by callers that make many."""
    work, holding = arrival.work, arrival.holding
    member_name = _member_name(holding, lang)
    where = " · ".join(p for p in (member_name, holding.get("call_number"), holding.get("location")) if p)
    # plain escape + join: Markup.format per field cost more than the rest of the entry
    byline = _byline(work)
    parts = [f"<p>{escape(byline)}</p>"] if byline else []
    parts.append(f"<p>{escape(held_by or _('Held by'))}: {escape(where)}</p>")
    if work.get("summary"):
        parts.append(f"<p>{escape(work['summary'])}</p>")
    return Entry(
        id=tag_uri(authority, arrival.key), title=_title(work), link=f"{base_url}/works/{work['id']}",
        published=arrival.published, updated=arrival.updated, content_html="".join(parts),
        summary=where, authors=list(work.get("authors") or []), categories=[work["clc"]] if work.get("clc") else [],
        extra={"work_id": work["id"], "member": holding["member"], "member_name": member_name,
               "call_number": holding.get("call_number"), "location": holding.get("location"),
               "format": holding.get("format"), "year": work.get("year"),
               "new_on": arrival.published.date().isoformat() if holding.get("acquired_on") is None
               else holding["acquired_on"]},
    )


def guide_entry(view: dict, authority: str, base_url: str, lang: str) -> Entry:
    items = view["items"]
    listed = []
    for item in items or []:
        line = Markup('<a href="{}">{}</a>').format(f"{base_url}/works/{item['work_id']}", _title(item["work"]))
        if item.get("call_number"):
            line += Markup(" <small>({})</small>").format(item["call_number"])
        if item.get("commentary"):
            line += Markup(" — {}").format(item["commentary"])
        listed.append(Markup("<li>{}</li>").format(line))
    body = Markup(view["intro_html"] or "")
    if items is None:
        body += Markup("<p>{}</p>").format(_("Search is not available at the moment."))
    elif listed:
        body += Markup("<ol>{}</ol>").format(Markup("").join(listed))
    member_name = _member_name(view, lang)
    return Entry(
        id=tag_uri(authority, f"guide/{view['id']}"), title=view["title"], link=f"{base_url}/guides/{view['id']}",
        published=view["published"], updated=view["updated"], content_html=str(body),
        summary=" · ".join(p for p in (member_name, view.get("audience")) if p),
        authors=[member_name], categories=[view["clc"]] if view.get("clc") else [],
        extra={"guide_id": view["id"], "member": view["member"], "member_name": member_name,
               "items": [{"title": _title(i["work"]), "url": f"{base_url}/works/{i['work_id']}",
                          "commentary": i.get("commentary") or "", "call_number": i.get("call_number")}
                         for i in items or []]},
    )


def answer_entry(answer: dict, authority: str, base_url: str) -> Entry:
    url = answer["url"] if answer["url"].startswith("http") else f"{base_url}{answer['url']}"
    body = Markup("{}{}").format(Markup(answer.get("question_html") or ""), Markup(answer.get("answer_html") or ""))
    return Entry(
        id=tag_uri(authority, f"answer/{answer['id']}"), title=answer["title"], link=url,
        published=answer["published_at"], updated=max(answer["published_at"], answer["updated_at"]),
        content_html=str(body), categories=[answer["clc"]] if answer.get("clc") else [],
        extra={"member": answer.get("member"), "answer_id": answer["id"]},
    )


def search_entry(result: dict, dates, authority: str, base_url: str, lang: str) -> Entry:
    """A search hit; ``dates`` is (published, updated) of its newest holding from the database."""
    holdings = result.get("holdings") or []
    where = "; ".join(" ".join(p for p in (h.get("member"), h.get("call_number")) if p) for h in holdings)
    parts = [Markup("<p>{}</p>").format(_byline(result))] if _byline(result) else []
    if where:
        parts.append(Markup("<p>{}: {}</p>").format(_("Held by"), where))
    first = holdings[0] if holdings else {}
    return Entry(
        id=tag_uri(authority, f"work/{result['id']}"), title=_title(result), link=f"{base_url}/works/{result['id']}",
        published=dates[0], updated=dates[1], content_html=str(Markup("").join(parts)) or escape(result["title"]),
        summary=where, authors=list(result.get("authors") or []),
        categories=[result["clc"]] if result.get("clc") else [],
        extra={"work_id": result["id"], "member": first.get("member"), "call_number": first.get("call_number")},
    )
