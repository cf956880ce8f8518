"""Embed options from a query string: which feed, how many, which language. Pure."""
from dataclasses import dataclass

from consortium.publishing.errors import InvalidEmbedOption

KINDS = ("new", "guides")
STYLES = ("list", "compact", "cards")
PASSED = ("clc", "days", "scope", "format", "language")


@dataclass(frozen=True)
class EmbedOptions:
    member: str
    kind: str = "new"
    count: int = 10
    lang: str = "zh-CN"
    style: str = "list"
    filters: tuple = ()

    def feed_args(self) -> dict:
        args = {"member": self.member, "lang": self.lang}
        args.update(dict(self.filters))
        return args


def embed_options(args, max_count: int) -> EmbedOptions:
    member = (args.get("member") or "").strip().upper()
    if not member:
        raise InvalidEmbedOption("An embed names its member: add member=CODE.", {"member": ["required"]})
    kind = args.get("kind") or "new"
    if kind not in KINDS:
        raise InvalidEmbedOption(f"kind must be one of {', '.join(KINDS)}.", {"kind": ["unknown kind"]})
    try:
        count = int(args.get("count") or 10)
    except ValueError:
        raise InvalidEmbedOption("count must be a whole number.", {"count": ["not a number"]}) from None
    if not 1 <= count <= max_count:
        raise InvalidEmbedOption(f"count must be between 1 and {max_count}.", {"count": ["out of range"]})
    lang = "en" if (args.get("lang") or "").lower().startswith("en") else "zh-CN"
    style = args.get("style") or "list"
    if style not in STYLES:
        raise InvalidEmbedOption(f"style must be one of {', '.join(STYLES)}.", {"style": ["unknown style"]})
    passed = tuple(sorted((k, args[k]) for k in PASSED if args.get(k) and (kind == "new" or k == "clc")))
    return EmbedOptions(member, kind, count, lang, style, passed)
