"""Every string of the reference pages has a Chinese translation."""
import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from consortium.reference.viewhelpers import ACTION_WORDS, STATE_WORDS

ROOT = Path(__file__).resolve().parents[3] / "consortium"
PY_FILES = ["reference/public.py", "reference/staff.py", "reference/viewhelpers.py", "reference/__init__.py"]


def _catalogue():
    with open(ROOT / "i18n/reference/zh/LC_MESSAGES/messages.po", "rb") as fh:
        return read_po(fh)


def _msgids() -> set[str]:
    ids = {msg for _f, _l, msg, _c, _x in extract_from_dir(ROOT / "reference/templates/reference",
                                                              method_map=[("**.html", "jinja2")])}
    for name in PY_FILES:
        ids.update(re.findall(r'\b_l?\("([^"]+)"', (ROOT / name).read_text(encoding="utf-8")))
    ids.update(ACTION_WORDS.values())
    ids.update(STATE_WORDS.values())
    return {i for i in ids if isinstance(i, str)}


def test_every_reference_page_string_is_translated_to_chinese():
    """No msgid used by the reference templates or views lacks a msgstr."""
    catalogue = _catalogue()
    missing = sorted(i for i in _msgids() if not (catalogue.get(i) and catalogue.get(i).string))
    assert missing == []


def test_service_messages_shown_on_pages_are_translated(client, members):
    """An unknown status link shows the Chinese message on the Chinese page."""
    html = client.get("/questions/nope").get_data(as_text=True)
    assert "此地址没有对应的咨询" in html
    english = client.get("/questions/nope?lang=en").get_data(as_text=True)
    assert "There is no question at this address" in english
