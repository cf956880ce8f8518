"""The database and e-journal navigator over what members push (records with URLs, KBART):
A–Z, by CLC subject, by member, by words, and "available to my library".

Each entry: the resource, its coverage (the years its holdings' KBART coverage spans; for a
database, how many KBART titles members list on its platform, i.e. with links on the same
host), and which members give access and how. No Flask.
"""
from collections import defaultdict
from urllib.parse import urlsplit

from sqlmodel import Session, select

from consortium.accounts.models import Member
from consortium.catalogue.models import Holding, Work
from consortium.resources import rules
from consortium.resources.errors import InvalidResourceQuery
from consortium.resources.notes import notes_for
from member_sites.record.clc import normalise_clc

MAX_Q = 200
# Resources read per request: a consortium's databases and e-journals with links, before
# the letter and "available" filters (a KBART list of every e-journal title belongs in search).
MAX_ROWS = 5000
TITLE_FORMATS = ("ejournal", "ebook")


def clean_query(raw: dict) -> dict:
    """The navigator's parameters, validated (``InvalidResourceQuery`` names every bad one)."""
    errors, out = {}, {}
    letter = str(raw.get("letter") or "").strip().upper()
    if letter and letter not in rules.LETTERS:
        errors["letter"] = ["Must be one letter A–Z or #."]
    out["letter"] = letter or None
    subject = str(raw.get("subject") or "").strip()
    try:
        out["subject"] = normalise_clc(subject) if subject else None
    except ValueError as exc:
        errors["subject"] = [str(exc)]
    out["member"] = str(raw.get("member") or "").strip().upper()[:32] or None
    out["q"] = " ".join(str(raw.get("q") or "").split())
    if len(out["q"]) > MAX_Q:
        errors["q"] = [f"At most {MAX_Q} characters."]
    kind = str(raw.get("format") or "").strip().lower()
    if kind and kind not in rules.FORMATS:
        errors["format"] = [f"Must be one of: {', '.join(rules.FORMATS)}."]
    out["format"] = kind or None
    out["home"] = str(raw.get("home_member") or "").strip().upper()[:32] or None
    available = str(raw.get("available") or "").strip().lower()
    if available not in ("", "1", "true", "yes", "on", "0", "false", "no", "off"):
        errors["available"] = ["Must be true or false."]
    out["available"] = available in ("1", "true", "yes", "on")
    if out["available"] and not out["home"]:
        errors["home_member"] = ["Choose your library to see what it gives you access to."]
    if errors:
        raise InvalidResourceQuery("Some navigator parameters are not valid.", errors)
    return out


def navigate(session: Session, raw: dict) -> dict:
    """``{"total", "letters": {letter: count}, "resources": [...]}`` for the parameters."""
    query = clean_query(raw)
    entries = _entries(session, query)
    if query["available"]:
        entries = [e for e in entries if e["available_to_home"]]
    letters = defaultdict(int)
    for entry in entries:
        letters[entry["letter"]] += 1
    if query["letter"]:
        entries = [e for e in entries if e["letter"] == query["letter"]]
    entries.sort(key=lambda e: (rules.LETTERS.index(e["letter"]), e["title"].casefold()))
    return {"total": len(entries), "letters": dict(letters), "resources": entries, "query": query}


def _entries(session: Session, query: dict) -> list[dict]:
    stmt = (select(Work, Holding, Member.code).join(Holding, Holding.work_id == Work.id)
            .join(Member, Member.id == Holding.member_id)
            .where(Work.format.in_([query["format"]] if query["format"] else rules.FORMATS),
                   Work.merged_into_id.is_(None)))
    if query["subject"]:
        stmt = stmt.where(Work.clc.startswith(query["subject"], autoescape=True))
    if query["q"]:
        like = f"%{query['q']}%"
        stmt = stmt.where(Work.title.ilike(like) | Work.publisher.ilike(like) | Work.summary.ilike(like))
    if query["member"]:
        held = select(Holding.work_id).join(Member, Member.id == Holding.member_id).where(Member.code == query["member"])
        stmt = stmt.where(Work.id.in_(held))
    works, holdings = {}, defaultdict(list)
    for work, holding, code in session.exec(stmt.order_by(Work.id, Holding.id).limit(MAX_ROWS)).all():
        works[work.id] = work
        holdings[work.id].append({"member": code, "url": holding.url, "access": holding.access,
                                  "way": rules.way_of(holding.access), "coverage": holding.coverage})
    counts = _titles_per_host(session) if any(w.format == "database" for w in works.values()) else {}
    notes = notes_for(session, list(works))
    return [dict(_entry(work, holdings[work_id], query["home"], counts), notes=notes.get(work_id, []))
            for work_id, work in works.items()]


def _entry(work: Work, holdings: list[dict], home: str | None, titles_per_host: dict[str, int]) -> dict:
    span = rules.merge_spans([h["coverage"] for h in holdings])
    hosts = {_host(h["url"]) for h in holdings if h["url"]} - {None}
    holdings.sort(key=lambda h: (h["member"] != home, h["member"]))
    return {"id": work.id, "title": work.title, "format": work.format, "clc": work.clc, "publisher": work.publisher,
            "summary": work.summary, "subjects": list(work.subjects or []), "letter": rules.letter_of(work.title),
            "coverage": {"first_year": span.first, "last_year": span.last, "to_present": span.present,
                         "titles": sum(titles_per_host.get(h, 0) for h in hosts) if work.format == "database" else None},
            "holdings": holdings, "available_to_home": rules.available_at(holdings, home) if home else None}


def _titles_per_host(session: Session) -> dict[str, int]:
    """KBART titles (e-journals, e-books with links) members list, per link host: distinct
    works, however many members list one."""
    titles: dict[str, set[int]] = defaultdict(set)
    for work_id, url in session.exec(select(Holding.work_id, Holding.url)
                                     .where(Holding.format.in_(TITLE_FORMATS), Holding.url.is_not(None))):
        host = _host(url)
        if host:
            titles[host].add(work_id)
    return {host: len(works) for host, works in titles.items()}


def _host(url: str | None) -> str | None:
    try:
        return (urlsplit(url).hostname or None) if url else None
    except ValueError:
        return None
