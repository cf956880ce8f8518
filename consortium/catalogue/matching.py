"""Pure decisions about which union work a pushed record belongs to.

Evidence, by kind of record:

- a book (anything but a serial) joins a work sharing one of its ISBN-13s, unless their titles
  have nothing in common (a reused ISBN) or their edition statements name different numbers:
  those are *doubtful* — not joined, listed for a librarian's review. A record carrying the
  ISBNs of several works links them: they merge into the oldest, except works a librarian
  keeps apart, works of another carrier, or of another edition. A book's ISSN is its series'
  and is never evidence.
- a serial (journal, e-journal) joins a serial work sharing one of its ISSNs *and* spelling
  the same title (``normalise.serial_title_key``): providers give a journal's sections,
  country reports and successors the parent's ISSN, so the ISSN alone is not the title's.
  Serials are never merged by a record (a row listing two journals' ISSNs joins one), and a
  serial of another title under the ISSN is another serial, not a doubt.
- then the title + first author + year key (which needs an author or a year), refused where
  both sides carry ISBNs or ISSNs and share none, state different edition numbers, or name
  different publishers (another publisher's edition, ``normalise.publishers_agree``).

Works whose carriers conflict (print vs electronic vs audio-visual) are never matched or
merged. No Flask, no database: callers pass candidates.
"""
from dataclasses import dataclass, field

from consortium.catalogue import normalise

ELECTRONIC = frozenset({"ebook", "ejournal", "database"})
PRINT = frozenset({"book", "journal", "thesis"})
SERIALS = frozenset({"journal", "ejournal"})


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
    issns: tuple = ()
    serial: bool = False
    title_words: frozenset = frozenset()
    serial_title: str = ""
    edition: int | None = None
    publisher: str = ""


@dataclass(frozen=True)
class Probe:
    """What matching needs to know of the record being placed."""

    carrier: str
    isbns: frozenset = frozenset()
    issns: tuple = ()
    serial: bool = False
    title_words: frozenset = frozenset()
    serial_title: str = ""
    edition: int | None = None
    publisher: str = ""


def probe_of(record: dict) -> Probe:
    return Probe(carrier_of(record.get("format")), frozenset(record.get("isbns") or ()),
                 tuple(record.get("issns") or ()), record.get("format") in SERIALS,
                 normalise.title_tokens(record.get("title"), record.get("subtitle")),
                 normalise.serial_title_key(record.get("title")), normalise.edition_number(record.get("edition")),
                 normalise.publisher_key(record.get("publisher")))


def candidate_of(work_id: int, work: dict) -> Candidate:
    """A candidate from a work's stored (or derived) description."""
    fmt = work.get("format")
    return Candidate(work_id, work.get("carrier") or carrier_of(fmt), frozenset(work.get("isbns") or ()),
                     work.get("match_key"), tuple(work.get("issns") or ()), fmt in SERIALS,
                     normalise.title_tokens(work.get("title"), work.get("subtitle")),
                     normalise.serial_title_key(work.get("title")), normalise.edition_number(work.get("edition")),
                     normalise.publisher_key(work.get("publisher")))


def candidate_of_probe(work_id: int, probe: Probe, match_key: str | None) -> Candidate:
    """The candidate a new work made from the probed record is (computed once, not again)."""
    return Candidate(work_id, probe.carrier, probe.isbns, match_key, probe.issns, probe.serial, probe.title_words,
                     probe.serial_title, probe.edition, probe.publisher)


def with_identifiers(candidate: Candidate, isbns, issns) -> Candidate:
    """``candidate`` also carrying these identifiers (a record attached to its work)."""
    return Candidate(candidate.id, candidate.carrier, candidate.isbns.union(isbns), candidate.match_key,
                     candidate.issns + tuple(i for i in issns if i not in candidate.issns), candidate.serial,
                     candidate.title_words, candidate.serial_title, candidate.edition, candidate.publisher)


def absorbed(candidate: Candidate, other: Candidate) -> Candidate:
    """``candidate`` after it absorbed ``other``: it carries both works' identifiers."""
    return with_identifiers(candidate, other.isbns, other.issns)


@dataclass(frozen=True)
class MatchDecision:
    """The work to use (None: create one), the works it absorbs, the evidence, and the
    candidates not joined for doubt (``(work_id, "title" | "edition")``, for review)."""

    target_id: int | None
    absorb_ids: tuple = ()
    matched_by: str = "new"
    considered: tuple = field(default=())
    doubtful: tuple = field(default=())


def decide_match(probe: Probe, by_isbn: list[Candidate], by_issn: list[Candidate], by_title: list[Candidate],
                 apart: frozenset = frozenset()) -> MatchDecision:
    """Pick the work for a record and the works it links (to merge into the oldest).

    ``apart`` holds ``frozenset({a, b})`` pairs of works a librarian keeps apart."""
    found = _by_issn(probe, by_issn) if probe.serial else _by_isbn(probe, by_isbn, apart)
    if found.target_id is not None:
        return found
    titled = [c for c in _compatible(probe.carrier, by_title) if _title_key_agrees(probe, c)]
    if titled:
        # several title matches are ambiguous: join the oldest, never merge them on a title alone
        return MatchDecision(min(c.id for c in titled), (), "title", tuple(sorted(c.id for c in titled)),
                             found.doubtful)
    return MatchDecision(None, doubtful=found.doubtful)


def _by_isbn(probe: Probe, candidates: list[Candidate], apart: frozenset) -> MatchDecision:
    ok, doubtful = [], []
    for c in _compatible(probe.carrier, candidates):
        if not normalise.titles_share_words(probe.title_words, c.title_words):
            doubtful.append((c.id, "title"))
        elif normalise.editions_differ(probe.edition, c.edition):
            doubtful.append((c.id, "edition"))
        else:
            ok.append(c)
    if not ok:
        return MatchDecision(None, doubtful=tuple(doubtful))
    best = max(ok, key=lambda c: (_similarity(probe.title_words, c.title_words), -c.id))
    group = [best]
    for c in sorted(ok, key=lambda c: c.id):
        if c is not best and all(_mergeable(c, member, apart) for member in group):
            group.append(c)
    ids = sorted(c.id for c in group)
    return MatchDecision(ids[0], tuple(ids[1:]), "isbn", tuple(sorted(c.id for c in ok)), tuple(doubtful))


def _by_issn(probe: Probe, candidates: list[Candidate]) -> MatchDecision:
    # another title under the ISSN is another serial (a section, a report, a successor, or the
    # series ISSN of a publisher's journals): apart with confidence, no review
    hits = [c for c in _compatible(probe.carrier, candidates) if c.serial and not set(probe.issns).isdisjoint(c.issns)]
    same = [c for c in hits if probe.serial_title and c.serial_title == probe.serial_title]
    if not same:
        return MatchDecision(None)
    first = probe.issns[0] if probe.issns else None
    target = min(same, key=lambda c: (first not in c.issns, c.id))
    return MatchDecision(target.id, (), "issn", tuple(sorted(c.id for c in same)))


def _mergeable(a: Candidate, b: Candidate, apart: frozenset) -> bool:
    return (carriers_compatible(a.carrier, b.carrier) and frozenset((a.id, b.id)) not in apart
            and not normalise.editions_differ(a.edition, b.edition))


def _similarity(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _title_key_agrees(probe: Probe, c: Candidate) -> bool:
    """A title key joins unless identifiers, editions or publishers say the two are different
    editions (the same novel from Knopf and from Harvill Secker, 南海出版公司 and 時報文化)."""
    return (_disjoint_or_absent(probe.isbns, c.isbns) and _disjoint_or_absent(set(probe.issns), set(c.issns))
            and not normalise.editions_differ(probe.edition, c.edition)
            and normalise.publishers_agree(probe.publisher, c.publisher))


def _disjoint_or_absent(a, b) -> bool:
    """False when both sides carry identifiers of a kind and share none."""
    return not a or not b or not set(a).isdisjoint(b)


def _compatible(carrier: str, candidates: list[Candidate]) -> list[Candidate]:
    return [c for c in candidates if carriers_compatible(carrier, c.carrier)]


def should_join(a: Candidate, b: Candidate, apart: frozenset = frozenset()) -> bool:
    """Whether two live works that share an identifier are one work by the rules above
    (``consortium catalogue check`` reports and merges those that are not)."""
    if a.id == b.id or not _mergeable(a, b, apart):
        return False
    if a.serial and b.serial:
        return not set(a.issns).isdisjoint(b.issns) and bool(a.serial_title) and a.serial_title == b.serial_title
    if a.serial or b.serial or a.isbns.isdisjoint(b.isbns):
        return False
    return normalise.titles_share_words(a.title_words, b.title_words)


_SCORED_FIELDS = ("subtitle", "publisher", "year", "language", "clc", "summary", "authors", "isbns", "subjects")
_SCALARS = ("subtitle", "edition", "publisher", "year", "language", "clc", "summary")


def completeness(record: dict) -> int:
    return sum(1 for name in _SCORED_FIELDS if record.get(name))


def derive_work(records: list[dict]) -> dict:
    """A work's descriptive fields from its holdings' records (oldest first).

    The most complete record leads; identifiers and subjects are the union of all.
    """
    if not records:
        raise ValueError("a work needs at least one record")
    lead = max(enumerate(records), key=lambda pair: (completeness(pair[1]), -pair[0]))[1]
    work = {name: lead.get(name) for name in ("title", *_SCALARS)}
    work["format"] = lead.get("format") or "book"
    work["authors"] = list(lead.get("authors") or [])
    for name in ("isbns", "issns", "subjects"):
        work[name] = _union(r.get(name) or [] for r in records)
    for name in _SCALARS:
        if work[name] in (None, ""):
            work[name] = next((r[name] for r in records if r.get(name) not in (None, "")), None)
    return work


def _union(lists) -> list:
    seen: dict = {}
    for values in lists:
        for value in values:
            seen.setdefault(value, None)
    return list(seen)
