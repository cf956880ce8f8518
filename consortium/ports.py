"""Ports: the small protocols through which the consortium uses search, feeds and answers.

``create_app`` (through the features' ``init_app`` functions) puts implementations in
``app.extensions`` under the names below; callers reach them through ``get_port`` and must
work (degraded, never crashing) when one is absent.

The search engines' own ports — ``SearchParams`` in, ``SearchAnswer`` out (read), documents
applied and rebuilt (write) — are declared once, in ``search_index.ports``, and re-exported
here; ``SEARCH`` is the consortium's reader search built on the read port.
"""
from collections.abc import Mapping, Sequence
from typing import Protocol

from search_index.ports import (  # noqa: F401  (the engine-neutral ports, declared there)
    IndexDocument,
    SearchAnswer,
    SearchBackend,
    SearchParams,
    SearchReader,
    SearchWriter,
)

SEARCH = "consortium.port.search"
ANSWERS = "consortium.port.answers"


class SearchPort(Protocol):
    """The reader search (``consortium.search.service.SearchService``; web workers only read,
    one process writes)."""

    def search(self, params: Mapping | SearchParams) -> dict:
        """Run a reader search.

        ``params`` are the public ``/api/v1/search`` parameters (all optional, strings or
        typed values): ``q``, ``member``, ``format``, ``language``, ``year_from``,
        ``year_to``, ``clc``, ``available`` (bool), ``acquired_since`` (``datetime.date``:
        newest acquisition on or after it), ``sort`` (``relevance`` | ``newest`` | ``year``
        | ``title``), ``page``, ``per_page``, ``home_member``; or validated ``SearchParams``.
        The answer is DESIGN.md's ``/api/v1/search`` body: ``total``, ``page``, ``per_page``,
        ``results`` (each with ``id``, ``title``, ``authors``, ``year``, ``format``,
        ``language``, ``clc``, ``isbns``, ``holdings``), ``facets``, ``suggestion``.
        Bad parameter values raise ``consortium.errors.InvalidInput``.
        """

    def count_matching(self, text: str, identifiers: Sequence[str]) -> dict[str, int]:
        """Works matching ``text`` or any of ``identifiers`` (ISBN/ISSN), counted per holding
        member: ``{member_code: n}``. Used by question routing as the holdings signal."""


class AnswersPort(Protocol):
    """Published knowledge-base answers (filled by the reference queue)."""

    def published(self, member: str | None = None, clc: str | None = None,
                  limit: int = 50, offset: int = 0, q: str | None = None) -> list[dict]:
        """Newest first; ``q`` keeps answers whose title or texts contain it. Each: ``id``,
        ``title``, ``question_html``, ``answer_html``, ``member`` (code of the answering
        member), ``clc``, ``language``, ``published_at``, ``updated_at`` (aware datetimes),
        ``url`` (public page path)."""


def get_port(name: str, app=None):
    from flask import current_app

    return (app or current_app).extensions.get(name)
