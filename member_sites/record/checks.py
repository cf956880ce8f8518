"""Pure checks of record values against their declared fields, with the push API's messages.

``check_field`` answers what the consortium's push schema answers for one value: the value as
loaded (an int from a non-strict number's text, a ``date`` from ISO text) or ``InvalidValue``
with the same messages. Blank text counts as null, as the push API reads it. Readers use
``field_errors`` to drop the values the consortium would refuse; the consortium's fast loader
uses ``check_field`` on values that already have their plain JSON type.

Text that XML cannot carry is decided here, per field (``text_problems``): a lone surrogate
is refused everywhere (it is not text); a character XML 1.0 forbids is refused in the values
that identify something — ``local_id`` (stripping could make it another record's id) and URLs —
and removed from free text by ``normalise_record`` (a stray control character from an ILS
export should not cost a librarian the record).
"""
import re
from collections.abc import Mapping
from functools import cache

from member_sites.record import messages
from member_sites.record.dates import parse_date
from member_sites.record.errors import InvalidValue, RecordError
from member_sites.record.fields import BY_NAME, REQUIRED_NAMES, Field
from member_sites.record.xmlchars import codepoint, first_forbidden, first_surrogate, strip_forbidden

# An absolute URL: marshmallow's URL rule (require_tld, any scheme shape, then the field's
# schemes), so a URL checked here is one the push schema's Url field takes.
_HOST = "A-Z0-9\u00a1-\uffff"
_URL = (r"^(?:[a-z0-9\.\-\+]*)://"
        r"(?:(?:[a-z0-9\-._~!$&'()*+,;=:]|%[0-9a-f]{2})*@)?"
        rf"(?:(?:[{_HOST}](?:[{_HOST}-]{{0,61}}[{_HOST}])?\.)+(?:[A-Z\u00a1-\uffff]{{2,6}}\.?|[{_HOST}-]{{2,}}\.?)"
        r"|localhost|\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[[A-F0-9]*:[A-F0-9:]+\])"
        r"(?::\d+)?(?:/?|[/?#]\S+)\Z")


@cache
def _url_pattern() -> re.Pattern:
    """Compiled on first use: the case-folded Unicode ranges take ~25 ms to compile."""
    return re.compile(_URL, re.IGNORECASE)


def is_blank(value) -> bool:
    """None or text of whitespace only (or of characters XML forbids, which free text loses):
    the push API reads both as "no value"."""
    if value is None:
        return True
    if not isinstance(value, str):
        return False
    if not value.strip():
        return True
    return not value.isprintable() and first_surrogate(value) is None and not strip_forbidden(value).strip()


def is_url(value: str, schemes) -> bool:
    """An absolute URL (with a host name that has a top-level domain) of one of ``schemes``."""
    if not value:
        return False
    if "://" in value and value.split("://", 1)[0].lower() not in schemes:
        return False
    return _url_pattern().search(value) is not None


def check_field(field: Field, value):
    """The value as the push schema loads it, or ``InvalidValue`` with the schema's messages.

    A list reports the first bad item's messages. The field's ``rule`` runs last, on a value
    that passed every other check.
    """
    if is_blank(value):
        if field.allow_none:
            return None
        raise InvalidValue([messages.NULL])
    if field.kind == "list":
        if not isinstance(value, list):
            raise InvalidValue([messages.NOT_LIST])
        if field.max_items is not None and len(value) > field.max_items:
            raise InvalidValue([messages.TOO_MANY_ITEMS.format(max=field.max_items)])
        loaded = [_check_item(field, item) for item in value]
    else:
        loaded = _check_item(field, value)
    problems = rule_messages(field, loaded)
    if problems:
        raise InvalidValue(problems)
    return loaded


def rule_messages(field: Field, value) -> list[str]:
    """The messages of the field's ``rule`` for a loaded value: one per bad item of a list."""
    if field.rule is None or value is None:
        return []
    problems = []
    for item in value if field.kind == "list" else (value,):
        try:
            field.rule(item)
        except RecordError as exc:
            problems.append(str(exc))
    return problems


def field_errors(record: Mapping) -> dict[str, list[str]]:
    """``{field: [message]}`` for every declared field the record lacks or gets wrong; keys
    that are not record fields are ignored (as the push API ignores them)."""
    errors = {name: [messages.REQUIRED] for name in REQUIRED_NAMES if name not in record}
    for name, value in record.items():
        field = BY_NAME.get(name)
        if field is None:
            continue
        try:
            check_field(field, value)
        except InvalidValue as exc:
            errors[name] = exc.messages
    return errors


def _check_item(field: Field, value):
    if value is None:
        raise InvalidValue([messages.NULL])
    loaded = _typed(field, value)
    problems = _constraint_messages(field, loaded)
    if problems:
        raise InvalidValue(problems)
    return loaded


def _typed(field: Field, value):
    if field.kind == "int":
        return _integer(value, field.strict)
    if field.kind == "date":
        return parse_date(value)
    if not isinstance(value, str):
        raise InvalidValue([messages.NOT_URL if field.url_schemes else messages.NOT_STRING])
    problems = text_problems(field, value)
    if problems:
        raise InvalidValue(problems)
    return value


def keeps_exact_text(field: Field) -> bool:
    """Whether the field's text identifies something, so it may not be silently changed."""
    return field.name == "local_id" or bool(field.url_schemes)


def text_problems(field: Field, value: str) -> list[str]:
    """Why a text value cannot be taken as it is (see the module docstring), or []."""
    char = first_surrogate(value)
    if char is not None:
        return [messages.LONE_SURROGATE.format(char=codepoint(char))]
    char = first_forbidden(value) if keeps_exact_text(field) else None
    if char is not None:
        return [messages.XML_FORBIDDEN.format(char=codepoint(char))]
    return []


def _integer(value, strict: bool) -> int:
    if value is True or value is False or (strict and not isinstance(value, int)):
        raise InvalidValue([messages.NOT_INTEGER])
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        raise InvalidValue([messages.NOT_INTEGER]) from None


def _constraint_messages(field: Field, value) -> list[str]:
    """Every constraint the value breaks, in the order the push schema checks them."""
    problems = []
    if field.url_schemes and not is_url(value, field.url_schemes):
        problems.append(messages.NOT_URL)
    if field.length_message and not _within(len(value), field.min_length, field.max_length):
        problems.append(field.length_message.format(min=field.min_length, max=field.max_length))
    if field.range_message and not _within(value, field.minimum, field.maximum):
        problems.append(field.range_message.format(min=field.minimum, max=field.maximum))
    if field.choices and value not in field.choices:
        problems.append(messages.ONE_OF.format(choices=", ".join(field.choices)))
    return problems


def _within(number: int, low: int | None, high: int | None) -> bool:
    return (low is None or number >= low) and (high is None or number <= high)
