"""The work picker: how staff choose catalogue works (a guide's picked works, an answer's
cited works) by title, author or ISBN instead of typing internal ids.

Candidates come from the reader search (the ``SEARCH`` port): the same analysis and relevance
readers get, so 三体 lists 三体 before 三体Ⅲ, and ISBNs in any form match. Each candidate
carries what tells two similar records apart: title, subtitle, authors, edition (when the
record has one), year, format and the members holding it. Without a search port, or while the
index cannot answer, the database stands in (title or ISBN, the closest title first) and the
result says so. A search that finds nothing is also tried in the database: a record pushed a
moment ago is pickable before the indexer has caught up. No Flask: views hand in the session
and the port.
"""
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import case, func, or_
from sqlmodel import Session, select

from consortium.accounts.models import Member
from consortium.catalogue.models import Holding, Work, WorkIdentifier
from consortium.search.errors import InvalidSearch, SearchUnavailable
from member_sites.record.identifiers import normalise_isbn

MAX_QUERY = 200


@dataclass(frozen=True)
class Candidate:
    """One pickable work, with what distinguishes it from its neighbours."""

    id: int
    title: str
    subtitle: str | None = None
    authors: tuple[str, ...] = ()
    edition: str | None = None
    year: int | None = None
    format: str = "book"
    publisher: str | None = None
    holders: tuple[str, ...] = ()


@dataclass(frozen=True)
class Found:
    """The picker's answer: candidates best first, and where they came from: ``search``, or
    ``catalogue`` (the database) when search found nothing or ``search_unavailable``."""

    query: str = ""
    candidates: tuple[Candidate, ...] = field(default_factory=tuple)
    source: str = "search"
    search_unavailable: bool = False


def pick(session: Session, search_port, text: str, limit: int = 10) -> Found:
    """Works matching ``text`` (title, author, ISBN…), best first, at most ``limit``."""
    query = " ".join((text or "").split())[:MAX_QUERY]
    if not query:
        return Found()
    unavailable = search_port is None
    if search_port is not None:
        try:
            answer = search_port.search({"q": query, "sort": "relevance", "page": 1, "per_page": limit})
        except SearchUnavailable:
            unavailable = True
        except InvalidSearch:  # a query the search cannot take: the catalogue's title match may
            pass
        else:
            found = _from_hits(session, answer.get("results", []))
            if found:
                return Found(query, found)
    return Found(query, _from_database(session, query, limit), "catalogue", unavailable)


def chosen(session: Session, work_ids: Iterable) -> tuple[Candidate, ...]:
    """The works already chosen (cited works of a draft answer), in the order given; unknown
    or non-numeric ids are left out (the service refusing them says why)."""
    ids = []
    for raw in work_ids or ():
        text = str(raw).strip()
        if text.isdigit() and 0 < int(text) < 2**31 and int(text) not in ids:
            ids.append(int(text))
    works = {w.id: w for w in session.exec(select(Work).where(Work.id.in_(ids))).all()} if ids else {}
    holders = _holders(session, list(works))
    return tuple(_candidate(works[i], holders.get(i, ())) for i in ids if i in works)


def _from_hits(session: Session, hits: Sequence[dict]) -> tuple[Candidate, ...]:
    """Search hits in their order, checked against the database: a work merged since it was
    indexed is left out, and the record's edition is read where the index has none."""
    ids = [hit["id"] for hit in hits]
    works = {w.id: w for w in session.exec(select(Work).where(Work.id.in_(ids))).all()} if ids else {}
    found = []
    for hit in hits:
        work = works.get(hit["id"])
        if work is None or work.merged_into_id is not None:
            continue
        holders = tuple(sorted({h["member"] for h in hit.get("holdings") or [] if h.get("member")}))
        found.append(Candidate(id=work.id, title=hit.get("title") or work.title, subtitle=hit.get("subtitle"),
                               authors=tuple(hit.get("authors") or ()), edition=hit.get("edition") or _edition(work),
                               year=hit.get("year"), format=hit.get("format") or work.format,
                               publisher=hit.get("publisher"), holders=holders))
    return tuple(found)


def _from_database(session: Session, query: str, limit: int) -> tuple[Candidate, ...]:
    """Live, held works by any ISBN form, else by title: exact title, then prefix, then shorter."""
    stmt = select(Work).where(Work.merged_into_id.is_(None), Work.id.in_(select(Holding.work_id)))
    try:
        isbn = normalise_isbn(query)
    except ValueError:
        isbn = None
    if isbn:
        ids = select(WorkIdentifier.work_id).where(WorkIdentifier.kind == "isbn", WorkIdentifier.value == isbn)
        stmt = stmt.where(Work.id.in_(ids)).order_by(Work.id)
    else:
        escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        closeness = case((Work.title == query, 0), (Work.title.ilike(escaped + "%", escape="\\"), 1), else_=2)
        stmt = (stmt.where(or_(Work.title.ilike(f"%{escaped}%", escape="\\"),
                               Work.subtitle.ilike(f"%{escaped}%", escape="\\")))
                .order_by(closeness, func.length(Work.title), Work.id))
    works = list(session.exec(stmt.limit(limit)).all())
    holders = _holders(session, [w.id for w in works])
    return tuple(_candidate(w, holders.get(w.id, ())) for w in works)


def _holders(session: Session, work_ids: list[int]) -> dict[int, tuple[str, ...]]:
    if not work_ids:
        return {}
    rows = session.exec(select(Holding.work_id, Member.code).join(Member, Member.id == Holding.member_id)
                        .where(Holding.work_id.in_(work_ids))).all()
    holders: dict[int, set] = {}
    for work_id, code in rows:
        holders.setdefault(work_id, set()).add(code)
    return {work_id: tuple(sorted(codes)) for work_id, codes in holders.items()}


def _edition(work: Work) -> str | None:
    # the record's edition field is being added to the catalogue; older schemas have none
    return getattr(work, "edition", None) or None


def _candidate(work: Work, holders: tuple[str, ...]) -> Candidate:
    return Candidate(id=work.id, title=work.title, subtitle=work.subtitle, authors=tuple(work.authors or ()),
                     edition=_edition(work), year=work.year, format=work.format, publisher=work.publisher,
                     holders=holders)
