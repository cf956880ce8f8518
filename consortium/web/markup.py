"""Untrusted rich text made safe with nh3: liaisons' answers and readers' plain text."""
import html

import nh3

# What an answer may contain: structure, emphasis, lists, links, quotes, simple tables.
ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "a", "blockquote", "code", "pre",
                "h3", "h4", "table", "thead", "tbody", "tr", "th", "td", "span"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}


def clean_html(body: str) -> str:
    """Sanitised HTML: scripts, styles, event handlers and javascript: links are gone."""
    return nh3.clean(body or "", tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow").strip()


def clean_text_to_html(text: str) -> str:
    """Plain text as escaped HTML paragraphs (line breaks kept)."""
    paragraphs = [p.strip() for p in (text or "").replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)


def looks_like_html(body: str) -> bool:
    return "<" in (body or "") and ">" in body
