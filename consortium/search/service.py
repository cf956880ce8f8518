"""The reader search as the rest of the consortium uses it (``consortium.ports.SEARCH``):
the public parameters in, the ``/api/v1/search`` body out, over the configured backend's
read port. One request → one answer; the engine's errors mapped at this edge. A query that
finds nothing while its suggestion finds something is answered with the suggestion's
results, saying so (``corrected_from``), unless the reader asked for the exact query."""
from collections.abc import Mapping, Sequence
from dataclasses import replace

from consortium.search.errors import index_errors
from consortium.search.params import parse_params
from consortium.search.render import answer_body
from search_index.ports import SearchAnswer, SearchParams, SearchReader


class SearchService:
    """``consortium.ports.SearchPort`` over a ``search_index.ports.SearchReader``."""

    def __init__(self, reader: SearchReader, max_per_page: int = 100, max_results: int = 1000):
        self.reader = reader
        self.max_per_page = max_per_page
        self.max_results = max_results

    def search(self, params: Mapping | SearchParams) -> dict:
        """Validate the parameters (``InvalidSearch`` names every bad one) and search."""
        if not isinstance(params, SearchParams):
            params = parse_params(params, self.max_per_page, self.max_results)
        with index_errors():
            return answer_body(self._answer(params))

    def _answer(self, params: SearchParams) -> SearchAnswer:
        answer = self.reader.search(params)
        if answer.total or not answer.suggestion or not params.autocorrect:
            return answer
        corrected = self.reader.search(replace(params, q=answer.suggestion))
        if not corrected.total:
            return answer
        return replace(corrected, suggestion=answer.suggestion, corrected_from=params.q)

    def count_matching(self, text: str, identifiers: Sequence[str]) -> dict[str, int]:
        with index_errors():
            return self.reader.count_matching(text, list(identifiers or ()))
