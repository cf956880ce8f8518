"""The push record's fields (DESIGN.md "Record fields"), declared once.

Each ``Field`` says what a value must be; ``member_sites.record.checks`` applies it in plain
Python (readers, fast loaders) and the consortium builds its marshmallow schema from it:

- ``kind``: ``"str"``, ``"int"``, ``"date"`` (ISO 8601 text) or ``"list"`` (a list of str).
- ``required``: the record is refused without it; ``allow_none``: null (or blank text) is
  accepted as "no value"; ``default``: what a record that leaves the field out gets (a value,
  or a callable such as ``list`` that makes a fresh one).
- ``min_length``/``max_length``: of the text, or of each item of a list; ``max_items``: how
  many items a list may have (checked before its items, so a huge list costs nothing).
- ``minimum``/``maximum`` (with ``range_error`` when the wording is the field's own): numbers.
- ``choices``: the allowed values; ``url_schemes``: the value is an absolute URL with one of
  these schemes.
- ``strict``: an int field takes only ints; not strict (``year``), numeric text too.
- ``rule``: a check each value (each item of a list) must pass after the checks above; it
  returns the value's canonical form (identifiers) or raises ``RecordError``. Its messages are
  answered per field, one per bad item, as ``{"isbns": ["ISBN '…' has a bad check digit."]}``.
"""
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from member_sites.record import messages
from member_sites.record.clc import normalise_clc
from member_sites.record.dates import check_acquired_on
from member_sites.record.identifiers import normalise_isbn, normalise_issn
from member_sites.record.language import normalise_language

KINDS = ("str", "int", "date", "list")
FORMATS = ("book", "ebook", "journal", "ejournal", "database", "av", "thesis", "other")
ACCESS = ("open", "consortium", "member")
URL_SCHEMES = ("http", "https")
MAX_COPIES = 100000
MIN_YEAR = 1000
MAX_YEAR = dt.date.today().year + 5  # fixed when the process starts, as the schema always was


class _NoDefault:
    def __repr__(self) -> str:
        return "NO_DEFAULT"


NO_DEFAULT: Any = _NoDefault()


@dataclass(frozen=True)
class Field:
    """One field of the push record (see the module docstring for each attribute)."""

    name: str
    kind: str
    required: bool = False
    allow_none: bool = False
    default: Any = NO_DEFAULT
    min_length: int | None = None
    max_length: int | None = None
    max_items: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    range_error: str | None = None
    choices: tuple[str, ...] | None = None
    url_schemes: tuple[str, ...] | None = None
    strict: bool = True
    rule: Callable[[Any], Any] | None = None
    doc: str = ""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"field {self.name}: kind {self.kind!r} is not one of {KINDS}")

    @property
    def has_default(self) -> bool:
        return self.default is not NO_DEFAULT

    def default_value(self):
        """A fresh default (a new list for list fields)."""
        return self.default() if callable(self.default) else self.default

    @property
    def length_message(self) -> str | None:
        """The template of a length error, or None when the length is free."""
        if self.min_length is not None and self.max_length is not None:
            return messages.LENGTH_BETWEEN
        if self.min_length is not None:
            return messages.LENGTH_MIN
        return messages.LENGTH_MAX if self.max_length is not None else None

    @property
    def range_message(self) -> str | None:
        """The template of a range error, or None when the number is free."""
        if self.range_error:
            return self.range_error
        if self.minimum is not None and self.maximum is not None:
            return messages.RANGE_BETWEEN
        if self.minimum is not None:
            return messages.RANGE_MIN
        return messages.RANGE_MAX if self.maximum is not None else None


def _text(name: str, max_length: int, doc: str = "") -> Field:
    return Field(name, "str", allow_none=True, max_length=max_length, doc=doc)


def _count(name: str, doc: str) -> Field:
    return Field(name, "int", allow_none=True, minimum=0, maximum=MAX_COPIES, doc=doc)


FIELDS: tuple[Field, ...] = (
    Field("local_id", "str", required=True, min_length=1, max_length=200,
          doc="The member's own id of the record; pushes upsert by (member, local_id)."),
    Field("title", "str", required=True, min_length=1, max_length=1000),
    _text("subtitle", 1000),
    Field("authors", "list", default=list, max_length=500, max_items=1000),
    _text("publisher", 500),
    Field("year", "int", allow_none=True, strict=False, minimum=MIN_YEAR, maximum=MAX_YEAR,
          range_error=messages.YEAR_RANGE),
    Field("language", "str", allow_none=True, max_length=16, rule=normalise_language,
          doc="ISO 639-1 or 639-2 code; stored as ISO 639-2/B."),
    Field("format", "str", default="book", choices=FORMATS),
    Field("isbns", "list", default=list, max_items=100, rule=normalise_isbn, doc="ISBN-10 or -13; stored as ISBN-13."),
    Field("issns", "list", default=list, max_items=100, rule=normalise_issn, doc="Stored as NNNN-NNNC."),
    Field("clc", "str", allow_none=True, max_length=64, rule=normalise_clc,
          doc="中图分类号, a CLC class number such as TP311.13."),
    Field("subjects", "list", default=list, max_length=500, max_items=1000),
    _text("summary", 20000),
    Field("acquired_on", "date", allow_none=True, rule=check_acquired_on,
          doc="The date the member acquired the item (YYYY-MM-DD); what makes it new."),
    _text("call_number", 200),
    _text("location", 200),
    _count("copies", "Copies the member holds."),
    _count("available", "Copies on the shelf now (at most ``copies``)."),
    Field("url", "str", allow_none=True, max_length=2000, url_schemes=URL_SCHEMES),
    Field("access", "str", allow_none=True, choices=ACCESS,
          doc="Who may use an e-resource: open, consortium or member."),
    _text("coverage", 500, "Free text, e.g. KBART coverage."),
)

BY_NAME: dict[str, Field] = {field.name: field for field in FIELDS}
FIELD_NAMES: tuple[str, ...] = tuple(BY_NAME)
REQUIRED_NAMES: tuple[str, ...] = tuple(field.name for field in FIELDS if field.required)


def names_of_kind(kind: str) -> tuple[str, ...]:
    """The fields of one kind, in declaration order (``names_of_kind("list")``)."""
    return tuple(field.name for field in FIELDS if field.kind == kind)
