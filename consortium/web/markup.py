"""Untrusted rich text made safe with nh3: liaisons' Markdown answers and readers' plain text."""
import html
import re
from html.parser import HTMLParser

import markdown
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


def render_markdown(text: str) -> str:
    """A staff member's Markdown as sanitised HTML: what readers, e-mails and feeds show.

    Single line breaks are kept (``nl2br``): Chinese text is written in lines, and a reader
    should see the lines the liaison wrote. Raw HTML in the text passes Markdown and is then
    cleaned like any other (so a client that still sends HTML gets it sanitised, not escaped).
    """
    html_body = markdown.markdown(text or "", extensions=["sane_lists", "nl2br"], output_format="html")
    return clean_html(html_body)


def absolute_links(body_html: str, base_url: str) -> str:
    """Site-relative links (``/works/1``) made absolute, for mail and feed readers."""
    return _RELATIVE_HREF.sub(lambda m: f'href="{base_url.rstrip("/")}/', body_html or "")


_RELATIVE_HREF = re.compile(r'href="/(?!/)')


class _TextWriter(HTMLParser):
    """Sanitised HTML → plain text: paragraphs, line breaks, list bullets, link targets."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.lists: list[list] = []  # one [kind, counter] per open list
        self.href: str | None = None
        self.link_text: list[str] = []
        self.pre = False

    def handle_starttag(self, tag, attrs):
        if tag in ("ul", "ol"):
            self.lists.append([tag, 0])
        elif tag == "li":
            kind = self.lists[-1] if self.lists else ["ul", 0]
            kind[1] += 1
            bullet = f"{kind[1]}. " if kind[0] == "ol" else "- "
            self.parts.append("\n" + "  " * max(0, len(self.lists) - 1) + bullet)
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "pre":
            self.pre = True
        elif tag == "a":
            self.href, self.link_text = dict(attrs).get("href"), []

    def handle_endtag(self, tag):
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            self.parts.append("\n" if self.lists else "\n\n")
        elif tag in ("p", "blockquote", "pre", "h3", "h4", "table", "tr"):
            self.pre = self.pre and tag != "pre"
            self.parts.append("\n\n" if tag != "tr" else "\n")
        elif tag == "a" and self.href is not None:
            text = "".join(self.link_text)
            if self.href and self.href not in text:
                self.parts.append(f" <{self.href}>")
            self.href = None

    def handle_data(self, data):
        if not self.pre:  # HTML collapses white space; a new line starts without it
            data = re.sub(r"\s+", " ", data)
            if not self.parts or self.parts[-1].endswith("\n"):
                data = data.lstrip()
        self.parts.append(data)
        if self.href is not None:
            self.link_text.append(data)


def html_to_text(body_html: str) -> str:
    """Plain text of sanitised HTML (a mail's text part): no markup, no Markdown asterisks."""
    writer = _TextWriter()
    writer.feed(body_html or "")
    writer.close()
    text = "".join(writer.parts)
    lines = [line.rstrip() for line in text.replace("\xa0", " ").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
