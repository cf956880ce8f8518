"""CLC (中图法, Chinese Library Classification) class numbers."""
import re
import unicodedata
from functools import lru_cache

from member_sites.record import messages
from member_sites.record.errors import InvalidCLC

# A main class letter (no L, M, W, Y), an optional second letter (TP, TN, ...), digits with
# dotted extensions, then the auxiliary-table notations the schedules use
# (-, =, (), "", <>, :, +, /).
_CLC = re.compile(r"^[A-KN-VXZ][A-Z]?(\d+(\.\d+)*)?([-=()\"<>:+/.\dA-Z]*)$")
_CORE = re.compile(r"[A-Z]+[\d.]*")


def normalise_clc(raw: str) -> str:
    """Return a CLC class number upper-cased without spaces; reject what is not one."""
    text = unicodedata.normalize("NFKC", str(raw)).upper().replace(" ", "")
    if not text or not _CLC.match(text):
        raise InvalidCLC(messages.NOT_CLC.format(raw=raw))
    return text


@lru_cache(maxsize=16384)
def clc_prefixes(clc: str) -> tuple[str, ...]:
    """Hierarchy of a class number, broadest first: TP311.13 → T, TP, TP3, TP31, TP311, TP311.1,
    TP311.13. Cached (a catalogue uses a few thousand class numbers over and over)."""
    core = _CORE.match(clc)
    text = core.group(0).rstrip(".") if core else clc
    return tuple(text[:end] for end in range(1, len(text) + 1) if not text[:end].endswith("."))
