"""ISBN and ISSN: validated with python-stdnum, written one canonical way.

``normalise_isbn`` gives the ISBN-13 of any ISBN-10 or -13; an ISBN-13 that is already valid
(most pushed ISBNs) is recognised by ``ean13_check_digit`` alone, the one check-digit
computation of the project, without stdnum's cleaning.
"""
import re
import unicodedata
from functools import lru_cache

from stdnum import isbn as stdnum_isbn
from stdnum import issn as stdnum_issn
from stdnum.exceptions import InvalidChecksum, ValidationError

from member_sites.record import messages
from member_sites.record.errors import InvalidISBN, InvalidISSN

# An ISBN at the start of a value, before a qualifier such as "(pbk.)".
_ISBN_LEAD = re.compile(r"^[\s]*([0-9Xx][0-9Xx\-\s]{8,20}[0-9Xx])")
# An ISSN (optionally labelled "ISSN") with nothing after it but a qualifier such as "(print)",
# "(Online)" or "[电子版]" and ISBD punctuation; a second number after it is not a qualifier.
_ISSN_QUALIFIED = re.compile(r"^\s*(?:ISSN[:：\s]*)?(\d{4}\s*[-‐‑–]?\s*\d{3}[\dXx])"
                             r"\s*(?:[(\[（【][^()\[\]（）【】\d]*[)\]）】])?\s*[.,;:]?\s*$", re.IGNORECASE)


def ean13_check_digit(twelve: str) -> str:
    """The EAN-13 (ISBN-13) check digit of twelve digits (weights 1, 3, 1, 3, ...)."""
    return str(-sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(twelve)) % 10)


@lru_cache(maxsize=65536)
def normalise_isbn(raw: str) -> str:
    """Return the ISBN-13 for an ISBN-10 or -13 written with or without hyphens.

    A trailing qualifier such as ``(pbk.)`` is ignored; a bad checksum is an error.
    """
    text = unicodedata.normalize("NFKC", str(raw))
    match = _ISBN_LEAD.match(text)
    candidate = match.group(1) if match else text
    if len(candidate) == 13 and candidate.isdigit() and candidate[:3] in ("978", "979") \
            and ean13_check_digit(candidate[:12]) == candidate[12]:
        return candidate  # already a valid ISBN-13: stdnum would return it as it is
    try:
        return stdnum_isbn.validate(candidate, convert=True)  # compacted, checked, as ISBN-13
    except InvalidChecksum:
        raise InvalidISBN(messages.BAD_ISBN_CHECK.format(raw=raw)) from None
    except ValidationError:
        raise InvalidISBN(messages.NOT_ISBN.format(raw=raw)) from None


def isbn_forms(isbn13: str) -> list[str]:
    """Every written form of an ISBN-13 a reader might type: 13 and 10 digits, hyphenated."""
    forms = {isbn13, stdnum_isbn.format(isbn13)}
    isbn10 = stdnum_isbn.to_isbn10(isbn13) if isbn13.startswith("978") else None
    if isbn10:
        forms.update({isbn10, stdnum_isbn.format(isbn10)})
    return sorted(forms)


@lru_cache(maxsize=16384)
def normalise_issn(raw: str) -> str:
    """Return the ISSN as ``NNNN-NNNC``; a bad checksum is an error.

    A qualifier after the number (``1530-5309 (print)``) is ignored, as for ISBNs."""
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    match = _ISSN_QUALIFIED.match(text)
    if match:
        text = re.sub(r"[\s‐‑–]", "", match.group(1))
    try:
        return stdnum_issn.format(stdnum_issn.validate(text))
    except InvalidChecksum:
        raise InvalidISSN(messages.BAD_ISSN_CHECK.format(raw=raw)) from None
    except ValidationError:
        raise InvalidISSN(messages.NOT_ISSN.format(raw=raw)) from None
