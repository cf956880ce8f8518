"""Pure decisions about which union work a pushed record belongs to.

Order of evidence: a shared ISBN-13, then a shared ISSN, then the normalised
title + first author + year key. Works whose carriers conflict (print vs electronic vs
audio-visual) are never matched or merged. No Flask, no database: callers pass candidates.
"""
from dataclasses import dataclass, field

ELECTRONIC = frozenset({"ebook", "ejournal", "database"})
PRINT = frozenset({"book", "journal", "thesis"})


def carrier_of(fmt: str | None) -> str:
    """The physical carrier of a format: print, electronic, av, or unknown (``other``)."""
    if fmt in ELECTRONIC:
        return "electronic"
    if fmt in PRINT:
        return "print"
    if fmt == "av":
        return "av"
    return "unknown"


def carriers_compatible(a: str, b: str) -> bool:
    return a == b or "unknown" in (a, b)


@dataclass(frozen=True)
class Candidate:
    """What matching needs to know of an existing live or holding-less work."""

    id: int
    carrier: str
    isbns: frozenset = frozenset()
    match_key: str | None = None


@dataclass(frozen=True)
class MatchDecision:
    """The work to use (None: create one), the works it absorbs, and the evidence."""

    target_id: int | None
    absorb_ids: tuple = ()
    matched_by: str = "new"
    considered: tuple = field(default=())


def decide_match(
    carrier: str,
    isbns: set[str],
    by_isbn: list[Candidate],
    by_issn: list[Candidate],
    by_title: list[Candidate],
) -> MatchDecision:
    """Pick the work for a record and the works it links (to merge into the oldest)."""
    isbn_hits = _compatible(carrier, by_isbn)
    issn_hits = _compatible(carrier, by_issn)
    linked = {c.id for c in isbn_hits} | {c.id for c in issn_hits}
    if linked:
        target = min(linked)
        matched_by = "isbn" if isbn_hits else "issn"
        return MatchDecision(target, tuple(sorted(linked - {target})), matched_by, tuple(sorted(linked)))
    titled = [c for c in _compatible(carrier, by_title) if _editions_agree(isbns, c.isbns)]
    if titled:
        # several title matches are ambiguous: join the oldest, never merge them on a title alone
        return MatchDecision(min(c.id for c in titled), (), "title", tuple(sorted(c.id for c in titled)))
    return MatchDecision(None)


def _compatible(carrier: str, candidates: list[Candidate]) -> list[Candidate]:
    return [c for c in candidates if carriers_compatible(carrier, c.carrier)]


def _editions_agree(isbns: set[str], other: frozenset) -> bool:
    """Two records that both carry ISBNs and share none are different editions."""
    return not isbns or not other or bool(isbns & other)


_SCORED_FIELDS = ("subtitle", "publisher", "year", "language", "clc", "summary", "authors", "isbns", "subjects")


def completeness(record: dict) -> int:
    return sum(1 for name in _SCORED_FIELDS if record.get(name))


def derive_work(records: list[dict]) -> dict:
    """A work's descriptive fields from its holdings' records (oldest first).

    The most complete record leads; identifiers and subjects are the union of all.
    """
    if not records:
        raise ValueError("a work needs at least one record")
    lead = max(enumerate(records), key=lambda pair: (completeness(pair[1]), -pair[0]))[1]
    work = {name: lead.get(name) for name in ("title", "subtitle", "publisher", "year", "language", "clc", "summary")}
    work["format"] = lead.get("format") or "book"
    work["authors"] = list(lead.get("authors") or [])
    for name in ("isbns", "issns", "subjects"):
        work[name] = _union(r.get(name) or [] for r in records)
    for name in ("subtitle", "publisher", "year", "language", "clc", "summary"):
        if work[name] in (None, ""):
            work[name] = next((r[name] for r in records if r.get(name) not in (None, "")), None)
    return work


def _union(lists) -> list:
    seen: dict = {}
    for values in lists:
        for value in values:
            seen.setdefault(value, None)
    return list(seen)
