"""Feed query parameters: parsed, validated and normalised (pure: no Flask, no database).

An unknown value is an ``InvalidFilter`` naming the parameter (the views answer 400); a valid
filter that matches nothing is simply an empty feed. Unknown *parameters* are ignored, so a
cache-busting ``?_=123`` still works, and they never reach the cache key.
"""
import datetime as dt
import re
from dataclasses import dataclass, field

from feeds.errors import InvalidFilter

KINDS = ("new", "guides", "answers")
FORMATS_OUT = ("atom", "rss", "json")
SCOPES = ("member", "consortium")
# 中图法 main classes (22): the first letter of every class number is one of these.
CLC_MAIN_CLASSES = "ABCDEFGHIJKNOPQRSTUVXZ"
_CLC_RE = re.compile(r"^[A-Z]{1,2}[0-9]*(\.[0-9]+)*[0-9A-Z./:\-=()<>\"]*$")
FEED_LANGUAGES = {"zh-cn": "zh-CN", "zh_cn": "zh-CN", "zh": "zh-CN", "en": "en"}
# params each kind understands (``page`` and ``lang`` are common to all)
KIND_PARAMS = {
    "new": ("member", "clc", "format", "language", "days", "scope"),
    "guides": ("member", "clc"),
    "answers": ("member", "clc"),
}


@dataclass(frozen=True)
class Filters:
    """Normalised filters of one feed request; hashable, so it keys the feed cache."""

    kind: str
    member: str | None = None
    clc: str | None = None
    format: str | None = None
    language: str | None = None
    days: int | None = None
    scope: str = "member"
    page: int = 1
    lang: str = "zh-CN"
    extra: tuple = field(default=())
    default_days: int | None = None  # left out of links when ``days`` equals it

    def query(self, page: int | None = None) -> dict:
        """The canonical query parameters (for self/next/first links), defaults left out."""
        items = {"member": self.member, "clc": self.clc, "format": self.format, "language": self.language,
                 "days": self.days if self.days != self.default_days else None, "scope": self.scope if self.scope != "member" else None,
                 "lang": self.lang if self.lang != "zh-CN" else None}
        items.update(dict(self.extra))
        page = self.page if page is None else page
        if page > 1:
            items["page"] = page
        return {k: v for k, v in items.items() if v not in (None, "")}


def parse_filters(kind: str, args, *, member_codes, formats, normalise_language,
                  default_days: int, max_days: int, max_page: int) -> Filters:
    """Validate ``args`` (a mapping of query strings) for a feed of ``kind``."""
    known = KIND_PARAMS[kind]
    values = {"kind": kind, "page": _int(args, "page", 1, 1, max_page), "lang": _lang(args.get("lang"))}
    if "member" in known and args.get("member"):
        code = args["member"].strip().upper()
        if code not in member_codes:
            raise InvalidFilter(f"Unknown member {args['member']!r}.", {"member": ["unknown member code"]})
        values["member"] = code
    if "clc" in known and args.get("clc"):
        values["clc"] = parse_clc(args["clc"])
    if "format" in known and args.get("format"):
        if args["format"] not in formats:
            raise InvalidFilter(f"Unknown format {args['format']!r}; use one of {', '.join(formats)}.",
                                {"format": ["unknown format"]})
        values["format"] = args["format"]
    if "language" in known and args.get("language"):
        try:
            values["language"] = normalise_language(args["language"])
        except ValueError as exc:
            raise InvalidFilter(str(exc), {"language": ["unknown language code"]}) from None
    if "days" in known:
        values["days"] = _int(args, "days", default_days, 1, max_days)
        values["default_days"] = default_days
    if "scope" in known and args.get("scope"):
        if args["scope"] not in SCOPES:
            raise InvalidFilter(f"scope must be 'member' or 'consortium', not {args['scope']!r}.",
                                {"scope": ["unknown scope"]})
        values["scope"] = args["scope"]
    return Filters(**values)


def parse_clc(raw: str) -> str:
    """A CLC class (or class prefix) such as ``TP3`` or ``I247.5``, upper-cased."""
    text = raw.strip().upper().replace(" ", "")
    if not text or text[0] not in CLC_MAIN_CLASSES or not _CLC_RE.match(text):
        raise InvalidFilter(f"{raw!r} is not a CLC (中图法) class such as TP3 or I247.5.",
                            {"clc": ["not a CLC class"]})
    return text


def _lang(raw: str | None) -> str:
    if not raw:
        return "zh-CN"
    try:
        return FEED_LANGUAGES[raw.strip().lower()]
    except KeyError:
        raise InvalidFilter(f"lang must be zh-CN or en, not {raw!r}.", {"lang": ["unknown language"]}) from None


def _int(args, name: str, default: int, low: int, high: int) -> int:
    raw = args.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise InvalidFilter(f"{name} must be a whole number, not {raw!r}.", {name: ["not a number"]}) from None
    if not low <= value <= high:
        raise InvalidFilter(f"{name} must be between {low} and {high}.", {name: [f"out of range {low}–{high}"]})
    return value


def since_date(filters: Filters, today: dt.date) -> dt.date | None:
    """First day counted as new for a ``days`` window ending today (inclusive)."""
    return today - dt.timedelta(days=filters.days - 1) if filters.days else None
