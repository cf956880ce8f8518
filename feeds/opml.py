"""OPML 2.0 listing of feeds, for feed readers and member sites. Pure."""
from datetime import datetime, timezone
from email.utils import format_datetime
from xml.etree import ElementTree as ET


def render_opml(title: str, groups: list[tuple[str, list[dict]]], created: datetime) -> bytes:
    """``groups`` is ``[(group title, [{"title", "xml_url", "html_url", "type"}])]``."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    # usegmt wants exactly timezone.utc; PostgreSQL's driver hands back an equal zone of its own
    ET.SubElement(head, "dateCreated").text = format_datetime(created.astimezone(timezone.utc), usegmt=True)
    body = ET.SubElement(root, "body")
    for group_title, feeds in groups:
        # a folder of feeds: readers that group subscriptions read the folder from its type
        outline = ET.SubElement(body, "outline", type="folder", text=group_title, title=group_title)
        for feed in feeds:
            ET.SubElement(outline, "outline", type="rss", text=feed["title"], title=feed["title"],
                          xmlUrl=feed["xml_url"], htmlUrl=feed["html_url"])
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
