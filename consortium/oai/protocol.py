"""Pure OAI-PMH 2.0 rules: verbs and their arguments, datestamps, identifiers, set specs.

No Flask, no database: the provider's service calls these with plain values, and the
property tests hammer them hardest.
"""
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from consortium.oai.errors import BadArgument, BadVerb, CannotDisseminateFormat

PROTOCOL_VERSION = "2.0"
OAI_NS = "http://www.openarchives.org/OAI/2.0/"
GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
DELETED_RECORD = "persistent"

# prefix -> (schema, namespace)
METADATA_FORMATS = {
    "oai_dc": ("http://www.openarchives.org/OAI/2.0/oai_dc.xsd", "http://www.openarchives.org/OAI/2.0/oai_dc/"),
    "marc21": ("http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd", "http://www.loc.gov/MARC21/slim"),
}

# verb -> (required arguments, optional arguments, may carry a resumptionToken)
VERBS = {
    "Identify": ((), (), False),
    "ListMetadataFormats": ((), ("identifier",), False),
    "ListSets": ((), (), True),
    "ListIdentifiers": (("metadataPrefix",), ("from", "until", "set"), True),
    "ListRecords": (("metadataPrefix",), ("from", "until", "set"), True),
    "GetRecord": (("identifier", "metadataPrefix"), (), False),
}

MEMBER_SET = "member"
_SET_SPEC = re.compile(r"[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*\Z")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_SECOND = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\Z")
# work.id is a 32-bit INTEGER column: a larger id would be a database error on PostgreSQL
_MAX_WORK_ID = 2**31 - 1


@dataclass(frozen=True)
class OaiRequest:
    """A request whose verb and argument names passed §3.1's rules (values are checked later)."""

    verb: str
    args: dict


@dataclass(frozen=True)
class Window:
    """Selective harvesting by datestamp: ``start`` inclusive, ``end`` exclusive, UTC."""

    start: datetime | None = None
    end: datetime | None = None


def parse_request(pairs: list[tuple[str, str]]) -> OaiRequest:
    """Check the verb and the argument names of a request given as (name, value) pairs."""
    verbs = [value for name, value in pairs if name == "verb"]
    if len(verbs) != 1:
        raise BadVerb("The verb argument is missing." if not verbs else "The verb argument is repeated.")
    verb = verbs[0]
    if verb not in VERBS:
        raise BadVerb(f"{verb!r} is not an OAI-PMH verb.")
    required, optional, resumable = VERBS[verb]
    args: dict[str, str] = {}
    problems = []
    allowed = set(required) | set(optional) | ({"resumptionToken"} if resumable else set())
    for name, value in pairs:
        if name == "verb":
            continue
        if name not in allowed:
            problems.append(("badArgument", f"{name!r} is not an argument of {verb}."))
        elif name in args:
            problems.append(("badArgument", f"The argument {name!r} is repeated."))
        elif not value:
            problems.append(("badArgument", f"The argument {name!r} is empty."))
        else:
            args[name] = value
    problems += _shape_problems(verb, required, args)
    if problems:
        raise BadArgument(problems[0][1], problems)
    return OaiRequest(verb, args)


def _shape_problems(verb: str, required: tuple, args: dict) -> list[tuple[str, str]]:
    if "resumptionToken" in args:
        others = sorted(set(args) - {"resumptionToken"})
        if others:
            return [("badArgument", f"resumptionToken is exclusive; it cannot come with {', '.join(others)}.")]
        return []
    return [("badArgument", f"{verb} needs the argument {name!r}.") for name in required if name not in args]


def check_metadata_prefix(prefix: str) -> str:
    if prefix not in METADATA_FORMATS:
        raise CannotDisseminateFormat(f"This repository offers {' and '.join(METADATA_FORMATS)}, not {prefix!r}.")
    return prefix


def parse_datestamp(value: str, name: str) -> tuple[datetime, str]:
    """A UTC datetime and its granularity (``day`` or ``second``) from a from/until value."""
    granularity = "day" if _DAY.match(value) else "second" if _SECOND.match(value) else None
    if granularity is None:
        raise BadArgument(f"{name} must be YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ, not {value!r}.")
    try:
        parsed = datetime.strptime(value, "%Y-%m-%d" if granularity == "day" else "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        raise BadArgument(f"{name} is not a real date: {value!r}.") from None
    return parsed.replace(tzinfo=timezone.utc), granularity


def harvest_window(from_value: str | None, until_value: str | None) -> Window:
    """The datestamp window of a list request; ``until`` includes its whole day or second."""
    start = parse_datestamp(from_value, "from") if from_value else None
    until = parse_datestamp(until_value, "until") if until_value else None
    if start and until and start[1] != until[1]:
        raise BadArgument("from and until must have the same granularity.")
    if start and until and start[0] > until[0]:
        raise BadArgument("from is later than until.")
    end = None
    if until:
        step = timedelta(days=1) if until[1] == "day" else timedelta(seconds=1)
        if until[0] <= datetime.max.replace(tzinfo=timezone.utc) - step:
            end = until[0] + step
    return Window(start[0] if start else None, end)


def format_datestamp(value: datetime) -> str:
    """``YYYY-MM-DDThh:mm:ssZ`` in UTC (naive values are taken as UTC, as SQLite returns them)."""
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def make_identifier(repository_id: str, work_id: int) -> str:
    return f"oai:{repository_id}:work/{work_id}"


def parse_identifier(repository_id: str, identifier: str) -> int | None:
    """The work id an identifier of this repository names, or None for any other string."""
    prefix = f"oai:{repository_id}:work/"
    if not identifier.startswith(prefix):
        return None
    digits = identifier[len(prefix):]
    if not digits.isascii() or not digits.isdigit() or (len(digits) > 1 and digits[0] == "0"):
        return None
    work_id = int(digits)
    return work_id if 0 < work_id <= _MAX_WORK_ID else None


def member_set_spec(code: str) -> str:
    return f"{MEMBER_SET}:{code}"


def is_valid_set_spec(spec: str) -> bool:
    return bool(_SET_SPEC.match(spec))


def parse_set(spec: str) -> tuple[bool, str | None]:
    """``(known_shape, member_code)``: ``member`` is every work, ``member:<CODE>`` one member's.

    A spec that is not setSpec syntax is a badArgument; a well-formed spec of no set of ours
    gives ``(False, None)``, which selects nothing.
    """
    if not _SET_SPEC.match(spec):
        raise BadArgument(f"{spec!r} is not a setSpec.")
    parts = spec.split(":")
    if parts[0] != MEMBER_SET or len(parts) > 2:
        return False, None
    return True, (parts[1] if len(parts) == 2 else None)


def is_valid_repository_id(value: str) -> bool:
    """The oai-identifier scheme's repositoryIdentifier syntax (a domain name with a dot)."""
    return bool(re.fullmatch(r"[a-zA-Z][a-zA-Z0-9\-]*(\.[a-zA-Z][a-zA-Z0-9\-]*)+", value))
