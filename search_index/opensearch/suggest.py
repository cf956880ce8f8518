"""Did-you-mean on the cluster: the term suggester over the unstemmed ``spell`` field, with
the rules of Whoosh's corrector in ``whoosh_common.suggest``: each Latin word of three or
more letters that no work holds is replaced by the closest indexed word (two edits at most;
nearer first, then more frequent). Pure: builds the request and reads its answer.
"""
import re

# The words ``whoosh_common.suggest`` corrects: Latin, three letters or more, not fielded.
LATIN_WORD = re.compile(r"(?<![:\w])([A-Za-z\u00C0-\u024F]{3,})(?![\w:])")


def latin_words(text: str) -> list[str]:
    """The words of ``text`` that may be corrected, lowercased, each once."""
    return list(dict.fromkeys(match.group(1).lower() for match in LATIN_WORD.finditer(text or "")))


def request(words: list[str]) -> dict:
    """Which words some work holds (counted over the whole index: a shard's own suggester
    knows only its shard), and each word's closest indexed words."""
    known = {f"w{k}": {"term": {"spell": word}} for k, word in enumerate(words)}
    return {
        "size": 0, "track_total_hits": False,
        "query": {"bool": {"should": list(known.values())}},
        "aggs": {"known": {"filters": {"filters": known}}},
        "suggest": {f"w{k}": {"text": word, "term": {"field": "spell", "suggest_mode": "always", "max_edits": 2,
                                                     "prefix_length": 0, "min_word_length": 3, "size": 1,
                                                     "sort": "score", "string_distance": "levenshtein"}}
                    for k, word in enumerate(words)},
    }


def suggestion(text: str, words: list[str], answer: dict) -> str | None:
    """The text with each word no work holds replaced by its best option, or None."""
    known = answer.get("aggregations", {}).get("known", {}).get("buckets", {})
    fixes = {}
    for k, word in enumerate(words):
        if known.get(f"w{k}", {}).get("doc_count"):
            continue
        entries = answer.get("suggest", {}).get(f"w{k}") or []
        options = entries[0]["options"] if entries else []
        if options:
            fixes[word] = options[0]["text"]
    if not fixes:
        return None
    return LATIN_WORD.sub(lambda match: fixes.get(match.group(1).lower(), match.group(1)), text)
