"""Text XML 1.0 forbids, stored straight into the database (as an old import or a bug
elsewhere might have left it), never makes a feed, OPML, OAI-PMH response or MARCXML export
unparseable: every XML writer drops those characters and keeps the rest of the text."""
import datetime as dt
import json
from urllib.parse import parse_qsl, urlsplit

from lxml import etree
from sqlalchemy import text
from sqlmodel import select

from consortium.catalogue.models import Work
from consortium.db import get_engine, get_session, new_session
from consortium.demo.loader import load_demo
from consortium.jobs import get_jobs
from feeds.opml import render_opml

MARK = "毒"  # shows the poisoned value itself reached the document
TEXT_COLUMNS = {
    "member": ("name", "name_en"),
    "work": ("title", "subtitle", "publisher", "summary"),
    "holding": ("call_number", "location", "coverage"),
    "guide": ("title", "intro_html", "audience"),
    "guide_item": ("commentary",),
    "knowledge_entry": ("title", "question_html", "answer_html"),
}


def poison(app, backend: str) -> None:
    """Append forbidden characters to every free-text value a feed or export shows."""
    # PostgreSQL cannot store NUL in text at all; every other forbidden character it keeps
    bad = ("" if backend == "postgresql" else "\x00") + "\x0b\x01\ufffe\x1f" + MARK
    with get_engine(app).begin() as conn:
        for table, columns in TEXT_COLUMNS.items():
            for column in columns:
                conn.execute(text(f"UPDATE {table} SET {column} = {column} || :bad WHERE {column} IS NOT NULL"),
                             {"bad": bad})
    with new_session(app) as session:
        for work in session.exec(select(Work)).all():
            work.authors = [a + bad for a in work.authors]
            work.subjects = [s + bad for s in work.subjects]
            session.add(work)
        session.commit()


def parse_xml(response) -> etree._Element:
    assert response.status_code == 200, (response.request.path, response.status_code)
    return etree.fromstring(response.data)  # strict: raises on anything XML forbids


def all_pages(client, path: str) -> list:
    """Every page of a paged feed (RFC 5005 ``next`` links), parsed."""
    pages, url = [], path
    while url and len(pages) < 40:
        doc = parse_xml(client.get(url))
        pages.append(doc)
        nxt = doc.xpath("//*[local-name()='link'][@rel='next']/@href")
        url = (urlsplit(nxt[0]).path + "?" + urlsplit(nxt[0]).query) if nxt else None
    return pages


def test_every_xml_output_parses_with_forbidden_characters_in_the_database(app, client, backend):
    """Feeds (Atom, RSS, JSON), OPML, OAI-PMH and MARCXML citations all parse and keep the text."""
    list(load_demo(app, today=dt.date.today()))
    with app.app_context():
        get_jobs(app).jobs["indexer"].run_once()
    poison(app, backend)
    seen = []
    for kind in ("new", "guides", "answers"):
        for query in ("", "?scope=consortium", "?lang=en"):
            for page in all_pages(client, f"/feeds/{kind}.atom{query}") + all_pages(client, f"/feeds/{kind}.rss{query}"):
                seen.append(etree.tostring(page, encoding="unicode"))
            body = client.get(f"/feeds/{kind}.json{query}")
            assert body.status_code == 200
            seen.append(json.dumps(json.loads(body.data), ensure_ascii=False))
    seen.append(etree.tostring(parse_xml(client.get("/feeds.opml")), encoding="unicode"))
    seen.append(etree.tostring(parse_xml(client.get("/feeds/search.atom?q=*")), encoding="unicode"))
    for prefix in ("oai_dc", "marc21"):
        seen.append(etree.tostring(_harvest(client, prefix), encoding="unicode"))
    parse_xml(client.get("/oai?verb=ListSets"))
    with app.app_context():
        ids = [w.id for w in get_session().exec(select(Work).limit(15)).all()]
    for work_id in ids:
        seen.append(etree.tostring(parse_xml(client.get(f"/works/{work_id}/cite.xml")), encoding="unicode"))
    joined = "".join(seen)
    assert MARK in joined and "\ufffe" not in joined and "\x0b" not in joined


def _harvest(client, prefix: str) -> etree._Element:
    """The first ListRecords page and every page after it; returns the last, all parsed."""
    doc = parse_xml(client.get(f"/oai?verb=ListRecords&metadataPrefix={prefix}"))
    pages = 1
    while True:
        token = doc.xpath("//*[local-name()='resumptionToken']/text()")
        if not token or pages > 10:
            return doc
        doc = parse_xml(client.get("/oai?" + "&".join(f"{k}={v}" for k, v in parse_qsl(f"verb=ListRecords&resumptionToken={token[0]}"))))
        pages += 1


def test_opml_takes_a_creation_time_in_any_zone():
    """PostgreSQL hands back times in its session's zone; /feeds.opml answered 500 for them."""
    created = dt.datetime(2026, 12, 7, 20, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    doc = etree.fromstring(render_opml("新书\x00", [("甲馆\x0b", [{"title": "新书", "xml_url": "http://x/a",
                                                                 "html_url": "http://x/b"}])], created))
    assert doc.findtext("head/dateCreated") == "Mon, 07 Dec 2026 12:00:00 GMT"
    assert doc.findtext("head/title") == "新书"
