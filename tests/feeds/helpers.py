"""Shared checks of feed documents: feedparser without bozo, the RFC 4287 RELAX NG schema,
and the RFC's rules the schema cannot express."""
import datetime as dt
import json
from pathlib import Path

import feedparser
from lxml import etree

ATOM = "{http://www.w3.org/2005/Atom}"
_SCHEMA = None


def atom_schema() -> etree.RelaxNG:
    global _SCHEMA
    if _SCHEMA is None:
        _SCHEMA = etree.RelaxNG(etree.parse(str(Path(__file__).with_name("atom.rng"))))
    return _SCHEMA


def check_atom(body: bytes) -> etree._Element:
    """Valid Atom: schema, one alternate link per type/hreflang, author, content or link."""
    root = etree.fromstring(body)
    schema = atom_schema()
    assert schema.validate(root), schema.error_log
    feed_has_author = root.find(f"{ATOM}author") is not None
    for entry in root.findall(f"{ATOM}entry"):
        assert feed_has_author or entry.find(f"{ATOM}author") is not None
        alternates = [link for link in entry.findall(f"{ATOM}link") if link.get("rel", "alternate") == "alternate"]
        assert entry.find(f"{ATOM}content") is not None or alternates
        assert len({(link.get("type"), link.get("hreflang")) for link in alternates}) == len(alternates)
    return root


def parse_feed(body: bytes):
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def check_json_feed(body: bytes) -> dict:
    doc = json.loads(body)
    assert doc["version"] == "https://jsonfeed.org/version/1.1"
    assert doc["title"] and isinstance(doc["items"], list)
    for item in doc["items"]:
        assert item["id"] and item["url"].startswith("http")
        assert "content_html" in item or "content_text" in item
        for name in ("date_published", "date_modified"):
            assert dt.datetime.fromisoformat(item[name]).tzinfo is not None
    return doc


def valid_in_every_format(client, path: str) -> dict:
    """Fetch ``path`` (without extension) as Atom, RSS and JSON; check each; return the three."""
    base, _, query = path.partition("?")
    out = {}
    for fmt in ("atom", "rss", "json"):
        response = client.get(f"{base}.{fmt}" + (f"?{query}" if query else ""))
        assert response.status_code == 200, response.get_data(as_text=True)
        if fmt == "json":
            out[fmt] = check_json_feed(response.data)
        else:
            if fmt == "atom":
                check_atom(response.data)
            out[fmt] = parse_feed(response.data)
    return out
