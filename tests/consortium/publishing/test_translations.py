"""Every string the feeds feature shows has a Chinese translation in its own catalogue."""
from pathlib import Path

from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

REPO = Path(__file__).resolve().parents[3]
KEYWORDS = {"_": None, "_l": None, "gettext": None, "lazy_gettext": None}
PYTHON = ["feeds/*.py", "consortium/publishing/*.py", "consortium/guides/*.py"]
TEMPLATES = ["consortium/templates/_feed_links.html", "consortium/guides/templates/guides/*.html",
             "consortium/publishing/templates/*/*.html"]
# shown through _(variable): guide states, their actions, widget styles
DYNAMIC = ["draft", "published", "retracted", "Publish", "Retract", "list", "compact", "cards"]


def extracted() -> set[str]:
    found = set(DYNAMIC)
    for pattern in PYTHON:
        for path in REPO.glob(pattern):
            found.update(m[1] for m in extract_from_file("python", str(path), keywords=KEYWORDS))
    for pattern in TEMPLATES:
        for path in REPO.glob(pattern):
            found.update(m[1] for m in extract_from_file("jinja2.ext:babel_extract", str(path), keywords=KEYWORDS))
    return {m for m in found if isinstance(m, str)}


def test_feeds_catalogue_translates_every_string():
    """No English string of ours leaks onto a zh-CN page or feed."""
    with open(REPO / "consortium/i18n/feeds/zh/LC_MESSAGES/messages.po", "rb") as fh:
        catalog = read_po(fh)
    translated = {m.id for m in catalog if m.id and m.string}
    assert sorted(extracted() - translated) == []
