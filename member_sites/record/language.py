"""Language codes: ISO 639-1 or 639-2 in, ISO 639-2/B (MARC's) out, from pycountry."""
from functools import lru_cache

from member_sites.record import messages
from member_sites.record.errors import UnknownLanguage


@lru_cache(maxsize=512)
def normalise_language(raw: str) -> str:
    """Return the ISO 639-2/B code (MARC's) for an ISO 639-1 or 639-2 code."""
    import pycountry  # loads its tables on first use, never at import

    code = str(raw).strip().lower()
    lang = None
    if len(code) == 2:
        lang = pycountry.languages.get(alpha_2=code)
    elif len(code) == 3:
        lang = pycountry.languages.get(alpha_3=code) or _by_bibliographic(pycountry, code)
    if lang is None:
        raise UnknownLanguage(messages.NOT_LANGUAGE.format(raw=raw))
    return getattr(lang, "bibliographic", None) or lang.alpha_3


def _by_bibliographic(pycountry, code: str):
    for lang in pycountry.languages:
        if getattr(lang, "bibliographic", None) == code:
            return lang
    return None
