"""Did-you-mean on the cluster: the two lookups ``search_index.spelling`` asks (which holds the
rules, shared with the Whoosh backends), answered by search requests.

The term dictionary comes from the index itself, not a side list: the words near a misspelt
one are the term suggester's candidates over the unstemmed ``spell`` field (Lucene's direct
spell checker walks the field's terms within two edits), and every count — whether a word
or a title pair is indexed, how often a candidate is — is a document count over the whole
index (a filters aggregation: a shard's own suggester counts only its shard). The shared
rules then choose among the candidates as Whoosh chooses among its segments' words, with one
difference: at two edits Lucene's checker keeps the first letter, so a word mistyped in its
first letter is corrected here only within one edit (Whoosh: two). Pure:
``Lookups`` builds the requests and reads the answers; ``ask`` sends one.
"""
from collections.abc import Callable

from search_index import spelling

# Candidates asked per misspelt word (the direct spell checker inspects five times as many).
CANDIDATES = 25


class Lookups:
    """``spelling.Frequencies`` and ``spelling.TablesFor`` over ``ask(body) -> answer``.
    The first count of ``spell`` words also asks their candidates (one round trip for a
    query of Latin words), kept for ``tables_for``."""

    def __init__(self, ask: Callable[[dict], dict]):
        self.ask = ask
        self._near: dict[str, list[str]] = {}

    def frequencies(self, field: str, terms: list[str]) -> dict[str, int]:
        body = count_request(field, terms)
        near = field == spelling.SPELL_FIELD
        if near:
            body["suggest"] = near_request(terms)
        answer = self.ask(body)
        if near:
            self._near.update(near_words(terms, answer))
        return counts(terms, answer)

    def tables_for(self, words: list[str]) -> list[dict]:
        """One word table of every word near ``words``, with document counts."""
        missing = [word for word in words if word not in self._near]
        if missing:
            self._near.update(near_words(missing, self.ask({"size": 0, "suggest": near_request(missing)})))
        candidates = list(dict.fromkeys(found for word in words for found in self._near[word]))
        if not candidates:
            return []
        found = counts(candidates, self.ask(count_request(spelling.SPELL_FIELD, candidates)))
        return [spelling.word_table((word, found[word]) for word in candidates if found[word])]


def count_request(field: str, terms: list[str]) -> dict:
    """How many works hold each of ``terms`` in ``field``."""
    return {"size": 0, "track_total_hits": False, "query": {"terms": {field: terms}},
            "aggs": {"known": {"filters": {"filters": {f"t{k}": {"term": {field: term}}
                                                       for k, term in enumerate(terms)}}}}}


def counts(terms: list[str], answer: dict) -> dict[str, int]:
    buckets = answer.get("aggregations", {}).get("known", {}).get("buckets", {})
    return {term: buckets.get(f"t{k}", {}).get("doc_count", 0) for k, term in enumerate(terms)}


def near_request(words: list[str]) -> dict:
    """The term suggester's indexed words within ``spelling.MAX_DISTANCE`` edits of each word
    (whatever their similarity: the shared rule decides, so ``accuracy`` lets all through)."""
    return {f"w{k}": {"text": word, "term": {"field": spelling.SPELL_FIELD, "suggest_mode": "always",
                                             "max_edits": spelling.MAX_DISTANCE, "prefix_length": 0,
                                             "min_word_length": 1, "accuracy": 0.0, "size": CANDIDATES,
                                             "string_distance": "levenshtein"}}
            for k, word in enumerate(words)}


def near_words(words: list[str], answer: dict) -> dict[str, list[str]]:
    suggested = answer.get("suggest", {})
    return {word: [option["text"] for entry in suggested.get(f"w{k}") or () for option in entry["options"]]
            for k, word in enumerate(words)}
