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


def _msgids() -> set[tuple[str, str | None]]:
    """(msgid, context) pairs: pgettext calls carry a context, plain gettext calls None."""
    ids = {(msg if isinstance(msg, str) else msg[0], context)
           for _f, _l, msg, _c, context in extract_from_dir(ROOT / "reference/templates/reference",
                                                            method_map=[("**.html", "jinja2")])}
    for name in PY_FILES:
        ids.update((m, None) for m in re.findall(r'\b_l?\("([^"]+)"', (ROOT / name).read_text(encoding="utf-8")))
        ids.update((m, c) for c, m in re.findall(r'\blazy_pgettext\("([^"]+)", "([^"]+)"', (ROOT / name).read_text(encoding="utf-8")))
    ids.update((w, None) for w in ACTION_WORDS.values())
    ids.update((w, None) for w in STATE_WORDS.values())
    return {(i, c) for i, c in ids if isinstance(i, str)}


def test_every_reference_page_string_is_translated_to_chinese():
    """No msgid used by the reference templates or views lacks a msgstr (in its context, if any)."""
    catalogue = _catalogue()
    missing = sorted(f"{c}|{i}" if c else i for i, c in _msgids()
                     if not (catalogue.get(i, context=c) and catalogue.get(i, context=c).string))
    assert missing == []


def test_service_messages_shown_on_pages_are_translated(client, members):
    """An unknown status link shows the Chinese message on the Chinese page."""
    html = client.get("/questions/nope").get_data(as_text=True)
    assert "此地址没有对应的咨询" in html
    english = client.get("/questions/nope?lang=en").get_data(as_text=True)
    assert "There is no question at this address" in english
