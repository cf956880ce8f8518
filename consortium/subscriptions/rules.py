"""The pure rules of subscriptions: when a digest is due, which window it covers, what it
lists and in which order, and when an unconfirmed subscription is forgotten.

No Flask, no database: plain values in, plain values out (property-tested).
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from member_sites.record.clc import clc_prefixes

FREQUENCIES = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}
SOURCES = ("search", "clc", "member", "guides", "answers")
# Sources whose digests list works (guides and the knowledge base list only those).
WORK_SOURCES = ("search", "clc", "member")
# A run a little early still counts: a daily job at 08:00 that ran at 08:00:05 yesterday
# must not skip today's digest because 23:59:55 have passed.
DUE_SLACK = timedelta(hours=1)
OTHER_SUBJECT = ""


def is_due(frequency: str, last_digest_at: datetime | None, now: datetime) -> bool:
    """A confirmed subscription is due once its period (less ``DUE_SLACK``) has passed since
    the end of the last digest's window; one never digested is due at once."""
    if last_digest_at is None:
        return True
    return now - last_digest_at >= FREQUENCIES[frequency] - DUE_SLACK


def window_start(now: datetime) -> datetime:
    """Where a subscription's first window starts when it is confirmed (or resumed) at
    ``now``: the second before, so whatever is first seen from this second on is new to it."""
    return now.replace(microsecond=0) - timedelta(seconds=1)


def window_end(now: datetime, settle_seconds: float) -> datetime:
    """The end of the window a digest run at ``now`` covers: whole seconds (the index keeps
    first-seen times in seconds), at least one second and ``settle_seconds`` in the past, so
    a push committing during the run falls into the next window, never into none."""
    end = now.replace(microsecond=0) - timedelta(seconds=max(1.0, settle_seconds))
    return end.replace(microsecond=0)


@dataclass(frozen=True)
class DigestWork:
    """A new work as the digest lists it: its holdings with the reader's home member first."""

    id: int
    title: str
    authors: tuple[str, ...]
    year: int | None
    clc: str | None
    holdings: tuple[dict, ...]
    at_home: bool


@dataclass(frozen=True)
class DigestGroup:
    """The new works of one CLC main class ("" for works without one)."""

    subject: str
    works: tuple[DigestWork, ...]


@dataclass(frozen=True)
class Digest:
    groups: tuple[DigestGroup, ...] = ()
    guides: tuple[dict, ...] = ()
    answers: tuple[dict, ...] = ()
    total_works: int = 0

    @property
    def is_empty(self) -> bool:
        """Nothing new: no mail is sent."""
        return not self.groups and not self.guides and not self.answers

    @property
    def listed(self) -> int:
        """Works listed (the search may have found more than a digest lists)."""
        return sum(len(group.works) for group in self.groups)


def subject_of(clc: str | None) -> str:
    """The CLC main class a work is grouped under ("TP311" → "T")."""
    prefixes = clc_prefixes(clc) if clc else ()
    return prefixes[0] if prefixes else OTHER_SUBJECT


def digest_work(result: dict, home: str | None) -> DigestWork:
    """A search result (``/api/v1/search`` shape) as a digest entry, home holding first."""
    holdings = tuple(sorted(result.get("holdings") or (), key=lambda h: (h.get("member") != home, h.get("member") or "")))
    return DigestWork(id=result["id"], title=result.get("title") or "", authors=tuple(result.get("authors") or ()),
                      year=result.get("year"), clc=result.get("clc"), holdings=holdings,
                      at_home=bool(home) and any(h.get("member") == home for h in holdings))


def build_digest(results: list[dict], home: str | None, guides: list[dict] = (), answers: list[dict] = (),
                 total_works: int | None = None) -> Digest:
    """Works grouped by CLC main class (classes in CLC order, works without a class last);
    in each group the works the reader's home member holds come first, then the rest, each
    part in the order the search gave."""
    groups: dict[str, list[DigestWork]] = {}
    for result in results:
        work = digest_work(result, home)
        groups.setdefault(subject_of(work.clc), []).append(work)
    ordered = sorted(groups, key=lambda subject: (subject == OTHER_SUBJECT, subject))
    return Digest(
        groups=tuple(DigestGroup(subject, tuple(sorted(groups[subject], key=lambda w: not w.at_home)))
                     for subject in ordered),
        guides=tuple(guides), answers=tuple(answers),
        total_works=len(results) if total_works is None else total_works)


def words(text: str | None) -> list[str]:
    return [word for word in (text or "").lower().split() if word]


def text_matches(query: str | None, *texts: str | None) -> bool:
    """Every word of ``query`` occurs in one of ``texts`` (case-insensitive); an empty query
    matches everything. Guides and answers are few: a plain scan is enough."""
    haystack = " ".join(t for t in texts if t).lower()
    return all(word in haystack for word in words(query))


def item_matches(search: dict, *, member: str | None, clc: str | None, texts: tuple) -> bool:
    """A new guide or answer matches a subscription's search: its member among the chosen
    ones (if any), its CLC under the chosen class (if any), the query's words in its texts."""
    members = [m.upper() for m in _list(search.get("member"))]
    if members and (member or "").upper() not in members:
        return False
    wanted = search.get("clc")
    if wanted and not (clc or "").upper().startswith(str(wanted).upper()):
        return False
    return text_matches(search.get("q"), *texts)


def _list(value) -> list[str]:
    if value is None or value == "":
        return []
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]


@dataclass
class RunReport:
    """What one digest run did."""

    due: int = 0
    sent: int = 0
    empty: int = 0
    failed: int = 0
    searches: int = 0
    renders: int = 0
    seconds: float = 0.0

    def __str__(self) -> str:
        return (f"{self.due} due, {self.sent} digests queued, {self.empty} with nothing new"
                + (f", {self.failed} failed" if self.failed else "")
            + f" ({self.searches} searches, {self.renders} renderings) in {self.seconds:.1f} s")
