"""OAI-PMH harvester: a member's ILS repository in, pages of push records and withdrawals out.

The harvester never talks to the consortium: the caller (``member-sync harvest``, the upload
worker) pushes what it is given. API::

    from member_sites.harvester import Harvester, HarvestPage

    harvester = Harvester(
        "https://opac.example.edu/oai",       # OAI-PMH base URL
        metadata_prefix="oai_dc",             # or "marc21" (MARCXML records)
        set_spec=None,                        # optional setSpec
        state_path="sync/harvest-state.json", # checkpoint file (a "<name>.pages/" spool dir sits beside it)
        session=requests.Session(),           # optional; the harvester mounts its retries on it
        max_withdraw_share=0.10,              # circuit breaker (default 10 %)
        progress=None,                        # optional callable(phase, done, total): phase is
                                              # "fetch" (pages fetched, completeListSize or None)
                                              # or "deliver" (pages delivered, pages fetched)
    )

    def push_page(page: HarvestPage) -> None:
        # page.number      1-based page number of this run
        # page.results     list[ReadResult]: .record is a push record dict (or None + .problems)
        # page.deleted     list[str]: local ids the source deleted -> withdraw them
        # Return normally ONLY after the consortium acknowledged this page; raise to stop.
        # After a raise, the next harvest() resumes with this same page (none lost, none twice).
        ...

    summary = harvester.harvest(push_page, holdings_count=12345, force=False, from_date=None)
    # -> HarvestSummary(pages, records, usable, problems, deleted, from_date, response_date, resumed)
    #    (counts cover the whole run, including pages delivered before a crash)
    harvester.next_from   # the `from` (YYYY-MM-DD) the next new run will send, or None
    harvester.reset()     # discard an unfinished run and its spool

Notes for callers: a withdrawn id may already be gone (day-granularity overlap re-sends the
last day's deletions), so treat "not found" on withdrawal as done. ``from_date`` overrides the
incremental ``from`` for a new run (ignored when resuming an unfinished one).

How a run goes (each step is checkpointed in ``state_path`` as JSON, written atomically):

1. **Fetch.** ListRecords from ``from`` = the server's own ``responseDate`` of the first response
   of the last *complete* run (day granularity, ``YYYY-MM-DD``, which every OAI-PMH repository
   must support; the overlap re-sends a day's records, which upserts absorb), following
   resumptionTokens. Each raw response is saved to the spool directory and the state records the
   next token, so a crash while fetching resumes from the saved token. A token the server gave
   before in the same run (a loop that would never end) stops the run with ``HarvestLoop``,
   keeping the checkpoint at the last good page and delivering nothing. If the server refuses a
   saved token (``badResumptionToken``, e.g. expired), the fetch restarts from ``from`` — safe,
   because nothing has been delivered yet. ``noRecordsMatch`` means "nothing new": the run
   completes with zero pages.
2. **Circuit breaker.** With the full list known, the distinct deleted identifiers are counted.
   If they exceed ``max_withdraw_share`` × ``holdings_count`` (the member's current holdings,
   passed by the caller) and ``force`` is false, ``WithdrawalLimitExceeded`` is raised before
   ``on_page`` is ever called: nothing changes. The spool is kept, so a rerun with
   ``force=True`` delivers it without fetching again (``reset()`` discards it instead). With
   ``holdings_count == 0`` the member holds nothing a withdrawal could remove; the breaker
   does not apply.
3. **Deliver.** Pages go to ``on_page`` in order; after it returns, the state records the page
   as delivered. A crash (or an exception from ``on_page``) leaves the state at the last
   acknowledged page; the next ``harvest()`` delivers from the next one.
4. **Complete.** The run's first ``responseDate`` becomes the next incremental ``from``; the
   spool is removed.

Local ids: ``local_id`` is the local part of the OAI identifier (``oai:<repository>:<local>``
→ ``<local>``; identifiers not in that scheme are used whole), for ``oai_dc`` and ``marc21``
alike, so a deleted header (which carries only the identifier) withdraws the same holding its
record created. Metadata mapping: ``marc21`` records go through
``member_sites.readers.marc.record_from_marc``; ``oai_dc`` through
``member_sites.readers.dublin_core.record_from_dc``.

Errors (all ``HarvestError`` → ``MemberSitesError``): ``OAIError`` (an OAI ``<error>`` other
than noRecordsMatch; ``.code`` holds the OAI code), ``BadOAIResponse`` (not XML / not OAI-PMH),
``HarvestHTTPError`` (HTTP failure after retries), ``HarvestLoop`` (a repeated resumptionToken),
``WithdrawalLimitExceeded`` (breaker),
``HarvestStateError`` (state file unreadable or belonging to another base URL/prefix/set);
they live in ``member_sites.errors`` and are importable from here too.

HTTP: every request retries by the push client's policy (``member_sites.retry``): connection
errors, timeouts, 429 and 5xx are retried ``retries`` times with exponential backoff from
``backoff`` seconds, with jitter, honouring ``Retry-After``; other 4xx are final.

Imports go one way: ``harvester`` → ``harvest_fetch`` → ``harvest_pages``/``harvest_state`` →
``oai``/``readers``/``errors``.
"""
import logging
from collections.abc import Callable

from member_sites.errors import (
    BadOAIResponse,
    HarvestError,
    HarvestHTTPError,
    HarvestLoop,
    HarvestStateError,
    OAIError,
    WithdrawalLimitExceeded,
)
from member_sites.harvest_fetch import check_breaker, deliver, fetch_all
from member_sites.harvest_pages import HarvestPage, HarvestSummary, OnPage, page_results
from member_sites.harvest_state import HarvestState
from member_sites.retry import RetryPolicy
from member_sites.transport import retrying_session

__all__ = ["BadOAIResponse", "HarvestError", "HarvestHTTPError", "HarvestLoop", "HarvestPage", "HarvestStateError",
           "HarvestSummary", "Harvester", "OAIError", "OnPage", "WithdrawalLimitExceeded", "page_results"]

log = logging.getLogger(__name__)
Progress = Callable[[str, int, int | None], None]


class Harvester:
    """Harvest one OAI-PMH repository into pages for ``on_page`` (see the module docstring)."""

    def __init__(self, base_url: str, *, metadata_prefix: str = "oai_dc", set_spec: str | None = None,
                 state_path, session=None, max_withdraw_share: float = 0.10, timeout: float = 60.0,
                 retries: int = 3, backoff: float = 1.0, progress: Progress | None = None):
        self.base_url = base_url
        self.metadata_prefix = metadata_prefix
        self.set_spec = set_spec
        self.max_withdraw_share = max_withdraw_share
        self.timeout = timeout
        self.policy = RetryPolicy(attempts=retries + 1, base=backoff, cap=60.0, retry_for=None)
        self.session = retrying_session(self.policy, session=session,
                                        on_retry=lambda message: log.warning("%s", message))
        self.progress = progress or (lambda phase, done, total: None)
        self.state = HarvestState(state_path, {"base_url": base_url, "metadata_prefix": metadata_prefix,
                                               "set_spec": set_spec})

    @property
    def next_from(self) -> str | None:
        """The ``from`` the next new run will use (day of the last complete run's first responseDate)."""
        last = self.state.data.get("last_complete") or {}
        return (last.get("response_date") or "")[:10] or None

    def reset(self) -> None:
        """Discard an unfinished run (its spool too); the next harvest starts from ``next_from``."""
        self.state.reset()

    def harvest(self, on_page: OnPage, *, holdings_count: int, force: bool = False,
                from_date: str | None = None) -> HarvestSummary:
        """Fetch (or resume), check the withdrawal breaker, deliver pages; see the module docstring."""
        resumed = self.state.run is not None
        if not resumed:
            self.state.start_run(from_date or self.next_from)
        fetch_all(self)
        check_breaker(self, holdings_count, force)
        summary = deliver(self, on_page)
        summary.resumed = resumed
        self.state.complete(dict(summary.__dict__))
        return summary
