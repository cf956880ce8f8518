"""OPML 2.0 listing of feeds, for feed readers and member sites. Pure.

Titles come from member names and guides: characters XML forbids are removed (ElementTree
would write them and make the document unparseable)."""
from datetime import datetime, timezone
from email.utils import format_datetime
from xml.etree import ElementTree as ET

from feeds.xmltext import clean


def render_opml(title: str, groups: list[tuple[str, list[dict]]], created: datetime) -> bytes:
    """``groups`` is ``[(group title, [{"title", "xml_url", "html_url", "type"}])]``."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = clean(title)
    # usegmt needs the UTC zone object itself: PostgreSQL hands back its session's offset
    ET.SubElement(head, "dateCreated").text = format_datetime(created.astimezone(timezone.utc), usegmt=True)
    body = ET.SubElement(root, "body")
    for group_title, feeds in groups:
        # a folder of feeds: readers that group subscriptions read the folder from its type
        outline = ET.SubElement(body, "outline", type="folder", text=clean(group_title), title=clean(group_title))
        for feed in feeds:
            ET.SubElement(outline, "outline", type="rss", text=clean(feed["title"]), title=clean(feed["title"]),
                          xmlUrl=clean(feed["xml_url"]), htmlUrl=clean(feed["html_url"]))
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
