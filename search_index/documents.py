"""What every backend derives from an ``IndexDocument``: the result body it stores and
returns, its fingerprint, its facet values, and hits rebuilt from the stored body (pure)."""
import datetime as dt
import hashlib
import json
import re

from member_sites.record.clc import clc_prefixes
from search_index.analysis.folding import exact_key, fold_key, fold_variants
from search_index.analysis.terms import HAN
from search_index.ports import FACET_NAMES, Hit, HitHolding, HitVariant, IndexDocument, IndexedHolding

RESULT_FIELDS = ("id", "title", "subtitle", "authors", "publisher", "year", "format", "language",
                 "clc", "isbns", "issns", "subjects")
# stored beside RESULT_FIELDS: the newest acquisition, and the members' own titles
PAYLOAD_EXTRAS = ("acquired_on", "variants")
HOLDING_FIELDS = ("member", "call_number", "location", "available", "copies", "url", "access")
_LISTS = ("authors", "isbns", "issns", "subjects")
# the stored result body's JSON (one encoder: ``json.dumps`` with options builds one per call)
_ENCODE = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=str).encode


def is_available(holding: IndexedHolding) -> bool:
    """Available now: a copy on the shelf, or an e-resource with a link."""
    return bool(holding.available) or bool(holding.url)


def acquired_on(doc: IndexDocument) -> str | None:
    """The newest ``acquired_on`` of the holdings (ISO date), or None when none is known."""
    return max((h.acquired_on for h in doc.holdings if h.acquired_on), default=None)


def newest_acquisition(doc: IndexDocument) -> int:
    """The newest acquisition as ``YYYYMMDD`` (0 when none is known)."""
    newest = acquired_on(doc)
    return int(newest.replace("-", "")) if newest else 0


def first_seen(doc: IndexDocument) -> int:
    """When the consortium first saw the work: the earliest ``first_seen_at`` of its holdings
    as whole seconds since 1970 (UTC; 0 when none is known)."""
    seen = [_epoch(h.first_seen_at) for h in doc.holdings if h.first_seen_at]
    return min(seen, default=0)


# ``standing``: each holding member counts for more than any publication year
_PER_MEMBER = 10_000


def standing(doc: IndexDocument) -> int:
    """How widely held and how recent the work is, as one number that orders works scoring
    alike (the editions of one title): the members holding it, then its publication year
    (0 when unknown). A reader who names no edition is best served by the one most members
    can lend, and then by the newest."""
    members = len({h.member for h in doc.holdings})
    year = doc.year if doc.year and 0 < doc.year < _PER_MEMBER else 0
    return members * _PER_MEMBER + year


_ID_BITS = 32


def tie_order(doc: IndexDocument) -> int:
    """The order of works scoring alike as one number, the larger first: ``standing``, then
    the lower work id (so every backend lists ties alike, and a rebuild whose processes end
    in another order lists them as before)."""
    return standing(doc) << _ID_BITS | ((1 << _ID_BITS) - 1 - min(doc.id, (1 << _ID_BITS) - 1))


def epoch_seconds(moment: dt.datetime) -> int:
    """An aware datetime as whole seconds since 1970 (a naive one is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return int(moment.timestamp())


def _epoch(text: str) -> int:
    return epoch_seconds(dt.datetime.fromisoformat(text))


def result_payload(doc: IndexDocument) -> dict:
    """The result body of a work (holdings in member order), as the search API returns it."""
    payload = {name: getattr(doc, name) for name in RESULT_FIELDS}
    for name in _LISTS:
        payload[name] = list(payload[name])
    payload["holdings"] = [{name: getattr(h, name) for name in HOLDING_FIELDS}
                           for h in sorted(doc.holdings, key=lambda h: (h.member, h.local_id or ""))]
    payload["acquired_on"] = acquired_on(doc)
    payload["variants"] = variants(doc)
    return payload


def _title_key(title: str | None, subtitle: str | None) -> str:
    return fold_key(" ".join(part for part in (title, subtitle) if part))


def variants(doc: IndexDocument) -> list[dict]:
    """The members' own titles that differ from the work's (after folding), each once, in
    member order: ``[{"member", "title", "subtitle"}]``."""
    seen = {_title_key(doc.title, doc.subtitle)}
    found = []
    for holding in sorted(doc.holdings, key=lambda h: (h.member, h.local_id or "")):
        key = _title_key(holding.title, holding.subtitle)
        if holding.title and key not in seen:
            seen.add(key)
            found.append({"member": holding.member, "title": holding.title, "subtitle": holding.subtitle})
    return found


def variant_authors(doc: IndexDocument) -> list[str]:
    """Authors of the members' records that the work's own list lacks (after folding)."""
    seen = {fold_key(author) for author in doc.authors}
    found = []
    for holding in doc.holdings:
        for author in holding.authors:
            key = fold_key(author)
            if key not in seen:
                seen.add(key)
                found.append(author)
    return found


def all_identifiers(doc: IndexDocument) -> list[str]:
    """The work's ISBNs and ISSNs, then those only its members' records carry, each once."""
    found = dict.fromkeys(doc.isbns + doc.issns)
    for holding in doc.holdings:
        found.update(dict.fromkeys(holding.isbns + holding.issns))
    return list(found)


def encode_payload(payload: dict) -> str:
    """The one JSON form of a result body (what is stored, and what fingerprints hash)."""
    return _ENCODE(payload)


def fingerprint_text(body: str) -> str:
    """The fingerprint of a stored result body."""
    return hashlib.sha1(body.encode()).hexdigest()


def fingerprint(doc: IndexDocument) -> str:
    """What ``index check`` compares: the result body decides everything indexed."""
    return fingerprint_text(encode_payload(result_payload(doc)))


def facet_values(doc: IndexDocument) -> dict[str, tuple[str, ...]]:
    """The document's values of each facet of ``FACET_NAMES`` (empty when it has none)."""
    prefixes = clc_prefixes(doc.clc) if doc.clc else ()
    values = {
        "member": tuple(sorted({h.member for h in doc.holdings})),
        "format": (doc.format or "other",),
        "language": (doc.language,) if doc.language else (),
        "clc": prefixes[:1],
        "clc_sub": prefixes[1:2],
        "year": (str(doc.year - doc.year % 10),) if doc.year else (),
        "available": ("1" if any(is_available(h) for h in doc.holdings) else "0",),
    }
    return {name: values[name] for name in FACET_NAMES}


def hit_from_payload(payload: dict, home_member: str | None, title_highlight: str | None,
                     variant: dict | None = None) -> Hit:
    """A hit from a stored result body, the reader's home member's holding first, with the
    member's title that matched (one of ``payload["variants"]``) when there is one."""
    holdings = sorted(payload["holdings"], key=lambda h: (h["member"] != home_member, h["member"]))
    return Hit(
        id=payload["id"], title=payload["title"], subtitle=payload.get("subtitle"),
        authors=tuple(payload.get("authors") or ()), publisher=payload.get("publisher"),
        year=payload.get("year"), format=payload.get("format"), language=payload.get("language"),
        clc=payload.get("clc"), isbns=tuple(payload.get("isbns") or ()), issns=tuple(payload.get("issns") or ()),
        subjects=tuple(payload.get("subjects") or ()), acquired_on=payload.get("acquired_on"),
        holdings=tuple(HitHolding(**{name: h.get(name) for name in HOLDING_FIELDS}) for h in holdings),
        highlight={"title": title_highlight},
        variant=HitVariant(variant["member"], variant["title"], variant.get("subtitle")) if variant else None,
    )


# a role written after a name (钱钟书著, 曹雪芹 原著, 王力 主编) and the digits of life dates
_ROLE = re.compile(r"[\s,;:：，]*(?:等)?(?:原著|主编|编著|编译|选编|改编|校注|编|著|译|撰|注|绘)$")
_DIGITS = re.compile(r"\d+")
# authors combined with the titles for author + title keys (a work's first few)
EXACT_AUTHORS = 3


def author_names(author: str) -> list[str]:
    """An author as a reader may type the name: without a role or life dates, and a
    "Last, First" heading also as "First Last"."""
    name = _ROLE.sub("", _DIGITS.sub(" ", author)).strip(" ,.;-")
    names = [name] if name else []
    if "," in name:
        last, first = (part.strip() for part in name.split(",", 1))
        if last and first:
            names.append(f"{first} {last}")
    return names


def exact_keys(doc: IndexDocument, found: list[dict] | None = None, more_authors: list[str] | None = None) -> list[str]:
    """The keys a query equal to one of the work's titles (the lead title with or without its
    subtitle, or a member's own title) or to an author's name with a title (either order)
    matches exactly (``analysis.folding.exact_key``). ``found``, ``more_authors``: the work's
    ``variants`` and ``variant_authors`` when the caller has them already."""
    titles = [doc.title, _joined(doc.title, doc.subtitle)]
    for variant in variants(doc) if found is None else found:
        titles += [variant["title"], _joined(variant["title"], variant["subtitle"])]
    title_keys = {key for key in map(exact_key, titles) if key}
    keys = set(title_keys)
    more_authors = variant_authors(doc) if more_authors is None else more_authors
    for author in (list(doc.authors) + more_authors)[:EXACT_AUTHORS]:
        for name in map(exact_key, author_names(author)):
            if name:
                keys.update(name + key for key in title_keys)
                keys.update(key + name for key in title_keys)
    return sorted(keys)


# Between a title-start key's position and its word (``exact_key`` leaves word characters
# only, so no exact key holds it).
START_MARK = ">"
# The words of a title's start that get keys (a Han character counting as one): readers type
# the first few, and more words find a title by their own.
START_WORDS = 6
_WORD_UNITS = re.compile(rf"[{HAN}]|[^\s{HAN}]+")


def start_keys(doc: IndexDocument, found: list[dict] | None = None) -> list[str]:
    """Keys of the first ``START_WORDS`` words of each of the work's titles (with its
    subtitle; a member's own too), each with its place: ``1>law``, ``2>the``. A query
    equal to a title's first words matches all of its own (``start_query_keys``). One key a
    word rather than one a prefix, because the keys are shared by many titles: on the shared
    data's 129,000 works these are 106,000 distinct keys and the index grows by 8%, where a
    key per prefix of up to four words made 263,000, nearly all unique, and 16%. A work's
    titles share the places, so words of two of its titles may combine (rare, and it only
    lifts a work that matches the query anyway)."""
    found = variants(doc) if found is None else found
    titles = [_joined(doc.title, doc.subtitle)] + [_joined(v["title"], v["subtitle"]) for v in found]
    keys = set()
    for title in titles:
        keys.update(_placed(start_words(title)[:START_WORDS]))
    return sorted(keys)


def start_query_keys(text: str) -> list[str]:
    """The keys a title beginning with ``text``'s words holds (none when it has more than
    ``START_WORDS`` words, or none)."""
    words = start_words(text)
    return _placed(words) if len(words) <= START_WORDS else []


def start_words(text: str | None) -> list[str]:
    """The words of a text as title-start keys compare them: folded as ``exact_key`` folds,
    each Han character one word."""
    return _WORD_UNITS.findall(fold_key(fold_variants(text))) if text else []


def _placed(words: list[str]) -> list[str]:
    return [f"{place}{START_MARK}{word}" for place, word in enumerate(words, 1)]


def _joined(*parts) -> str:
    return " ".join(part for part in parts if part)
