"""The two ports of the search engines and the engine-neutral types that cross them.

Read port (``SearchReader``): validated ``SearchParams`` in, a typed ``SearchAnswer`` out,
plus ``count_matching`` (question routing's holdings signal). Write port (``SearchWriter``):
``IndexDocument`` batches applied, full rebuilds from a ``DocumentSource``, fingerprints for
``index check``, and ``status`` (including the index's content version). Every backend
(``search_index.backends``) implements both; no engine's objects cross them, so an
application can switch engines without changing a line.
"""
import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

# The sorts every backend offers: relevance (a search without words lists newest first),
# newest acquisition, publication year (both newest first) and title.
SORTS = ("relevance", "newest", "year", "title")
# The facets every answer carries (``clc`` is the CLC main class, ``clc_sub`` the second
# level, ``year`` the decade), in this order.
FACET_NAMES = ("member", "format", "language", "clc", "clc_sub", "year", "available")


@dataclass(frozen=True)
class SearchParams:
    """One reader search, already validated by the application (codes normalised, the sort
    one of ``SORTS``, the page within the application's limits)."""

    q: str = ""
    member: tuple[str, ...] = ()
    format: tuple[str, ...] = ()
    language: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    clc: str | None = None
    available: bool | None = None
    acquired_since: dt.date | None = None
    # Works the consortium first saw (the earliest ``first_seen_at`` of their holdings) after
    # ``first_seen_after`` and at or before ``first_seen_until`` (aware datetimes; either end
    # open when None): what a subscription's digest asks for "new since the last digest".
    first_seen_after: dt.datetime | None = None
    first_seen_until: dt.datetime | None = None
    sort: str = "relevance"
    page: int = 1
    # Only the hits and the counts: no marked titles, no did-you-mean (a digest run makes
    # thousands of searches whose answers no reader sees as a results page).
    brief: bool = False
    per_page: int = 20
    home_member: str | None = None
    # whether the application may answer a query that found nothing with its suggestion's
    # results (False: the reader asked for exactly what was typed)
    autocorrect: bool = True


@dataclass(frozen=True, slots=True)
class HitHolding:
    """A member's holding of a found work, as readers see it."""

    member: str
    call_number: str | None = None
    location: str | None = None
    available: int | None = None
    copies: int | None = None
    url: str | None = None
    access: str | None = None


@dataclass(frozen=True, slots=True)
class HitVariant:
    """A member's own title of a found work, shown when the reader's words matched it rather
    than the work's lead title (a record merged into a work catalogued under another title)."""

    member: str
    title: str
    subtitle: str | None = None


@dataclass(frozen=True, slots=True)
class Hit:
    """One found work: its description, holdings (the reader's home member first) and the
    title with matched words marked (``highlight["title"]``: escaped HTML, or None)."""

    id: int
    title: str
    subtitle: str | None = None
    authors: tuple[str, ...] = ()
    publisher: str | None = None
    year: int | None = None
    format: str | None = None
    language: str | None = None
    clc: str | None = None
    isbns: tuple[str, ...] = ()
    issns: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    acquired_on: str | None = None
    holdings: tuple[HitHolding, ...] = ()
    highlight: Mapping[str, str | None] = field(default_factory=dict)
    variant: HitVariant | None = None


@dataclass(frozen=True, slots=True)
class FacetCount:
    """A facet value and how many matching works carry it (a decade also gives its years)."""

    value: str
    count: int
    year_from: int | None = None
    year_to: int | None = None


@dataclass(frozen=True)
class SearchAnswer:
    """``total`` matching works, one page of ``hits``, facet counts over every match
    (one entry per name of ``FACET_NAMES``, most frequent first, decades newest first), and
    a did-you-mean ``suggestion`` or None. ``corrected_from`` is the reader's query when it
    found nothing and the answer holds the suggestion's results instead (``suggestion`` is
    then the query that was run)."""

    total: int
    page: int
    per_page: int
    hits: tuple[Hit, ...] = ()
    facets: Mapping[str, tuple[FacetCount, ...]] = field(default_factory=dict)
    suggestion: str | None = None
    corrected_from: str | None = None

    @classmethod
    def empty(cls, params: SearchParams) -> "SearchAnswer":
        """No results (an index not created yet), every facet present and empty."""
        return cls(total=0, page=params.page, per_page=params.per_page,
                   facets={name: () for name in FACET_NAMES})


@dataclass(frozen=True, slots=True)
class IndexedHolding:
    """A member's holding of a work as the index receives it (``acquired_on``: ISO date;
    ``first_seen_at``: when the consortium first saw the holding, ISO 8601 with its offset),
    with the member's own record's title, subtitle, authors and identifiers (a record merged
    into a work catalogued under another title stays findable by its own)."""

    member: str
    local_id: str | None = None
    call_number: str | None = None
    location: str | None = None
    copies: int | None = None
    available: int | None = None
    url: str | None = None
    access: str | None = None
    acquired_on: str | None = None
    first_seen_at: str | None = None
    title: str | None = None
    subtitle: str | None = None
    authors: tuple[str, ...] = ()
    isbns: tuple[str, ...] = ()
    issns: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class IndexDocument:
    """What a backend indexes of one union work that at least one member holds."""

    id: int
    title: str
    subtitle: str | None = None
    authors: tuple[str, ...] = ()
    publisher: str | None = None
    year: int | None = None
    language: str | None = None
    format: str | None = None
    isbns: tuple[str, ...] = ()
    issns: tuple[str, ...] = ()
    clc: str | None = None
    subjects: tuple[str, ...] = ()
    summary: str | None = None
    holdings: tuple[IndexedHolding, ...] = ()


@dataclass(frozen=True)
class IndexStatus:
    """What ``status()`` tells: where the index is, whether it exists, how many documents it
    holds, and its content version as stored against the one this code writes
    (``current`` is False when the index must be rebuilt). ``details`` are the backend's own
    (a Whoosh index's generation and segment count)."""

    backend: str
    location: str
    exists: bool
    documents: int | None
    content_version: str | None
    expected_version: str
    details: Mapping[str, Any] = field(default_factory=dict)

    @property
    def current(self) -> bool:
        return not self.exists or self.content_version == self.expected_version


@dataclass(frozen=True)
class BackendSettings:
    """Settings every backend reads; ``options`` holds a backend's own (e.g. a cluster URL)."""

    index_dir: str
    suggest_below: int = 3
    rebuild_procs: int = 2
    rebuild_mb: int = 2048
    options: Mapping[str, Any] = field(default_factory=dict)


Progress = Callable[[int, int], None]


class DocumentSource(Protocol):
    """The documents of a rebuild. Picklable, so a backend may read its partitions from
    several processes; each call of ``documents`` opens its own connections."""

    def count(self) -> int:
        """How many documents to expect (for progress)."""

    def partitions(self, size: int) -> Sequence["DocumentSource"]:
        """Disjoint parts covering the source in order, each about ``size`` ids wide."""

    def documents(self) -> Iterator[IndexDocument]:
        """Every document of this source (part), in id order."""


class WorkBatch(Protocol):
    """The works a batch of the change log touched, for the writer to read (in its own
    process, or in helper processes: picklable, each call of ``documents`` in another process
    opens its own connections)."""

    work_ids: Sequence[int]

    def parts(self, size: int) -> Sequence["WorkBatch"]:
        """Disjoint parts of at most ``size`` works covering the batch, in order."""

    def documents(self) -> Mapping[int, IndexDocument | None]:
        """Each work's document, or None for a work to remove (read once, then kept)."""


class SearchReader(Protocol):
    """The read port. Web processes hold one; it never takes the writer lock."""

    def search(self, params: SearchParams) -> SearchAnswer:
        """Run a reader search (an index not created yet answers no results)."""

    def count_matching(self, text: str, identifiers: Sequence[str]) -> dict[str, int]:
        """Works matching any content word of ``text`` or any of ``identifiers`` (ISBN/ISSN),
        counted per holding member: ``{member_code: n}``."""

    def close(self) -> None:
        """Release open index handles."""


class SearchWriter(Protocol):
    """The write port: one writer at a time across processes (``open`` takes the lock)."""

    def open(self) -> None:
        """Take the single-writer lock; ``IndexBusy`` when another process holds it."""

    def close(self) -> None:
        """Release the lock and any open handles."""

    def apply(self, changed: Sequence[IndexDocument], deleted: Sequence[int],
              before_commit: Callable[[], None] | None = None) -> None:
        """Replace the documents of ``changed`` works and remove those of ``deleted`` ids;
        durable when it returns. ``before_commit`` is called once the batch is written and
        before it is made durable (tests end the process there)."""

    def apply_batch(self, batch: WorkBatch, before_commit: Callable[[], None] | None = None) -> tuple[int, int]:
        """``apply`` to the documents of ``batch``'s works, read by the writer (here, see
        ``apply_here``, or in helper processes); returns how many works were replaced and
        how many removed."""

    def reads_in_helpers(self, works: int) -> bool:
        """Whether ``apply_batch`` reads a batch of this many works in other processes (the
        indexer then does not read its documents ahead in this one)."""

    def rebuild(self, source: DocumentSource, progress: Progress | None = None) -> int:
        """Index every document of ``source`` into a fresh index that replaces the live one
        when complete (readers keep the old one until then); returns the count.
        ``progress(done, total)`` is called as documents are added."""

    def fingerprints(self) -> dict[int, str]:
        """``documents.fingerprint`` of every indexed work, by id (needs no lock)."""

    def status(self) -> IndexStatus:
        """The index's state (needs no lock)."""


class SearchBackend(Protocol):
    """One engine: makes the read and write ports over the index its settings name."""

    name: str

    def reader(self) -> SearchReader:
        """The read port (one per process; thread-safe)."""

    def writer(self) -> SearchWriter:
        """A write port (unlocked until ``open``)."""


def split_documents(docs: Mapping[int, IndexDocument | None]) -> tuple[list[IndexDocument], list[int]]:
    """A batch's documents (``WorkBatch.documents``) as the works to replace and the ids to remove."""
    return ([doc for doc in docs.values() if doc is not None],
            [work_id for work_id, doc in docs.items() if doc is None])


def apply_here(writer: SearchWriter, batch: WorkBatch, before_commit: Callable[[], None] | None = None
               ) -> tuple[int, int]:
    """``SearchWriter.apply_batch`` of a writer that reads the documents in its own process."""
    changed, deleted = split_documents(batch.documents())
    if changed or deleted:
        writer.apply(changed, deleted, before_commit=before_commit)
    return len(changed), len(deleted)


class ReadsBatchesHere:
    """``apply_batch`` and ``reads_in_helpers`` of a writer that reads every batch itself."""

    def apply_batch(self, batch: WorkBatch, before_commit: Callable[[], None] | None = None) -> tuple[int, int]:
        return apply_here(self, batch, before_commit)

    def reads_in_helpers(self, works: int) -> bool:
        return False
