"""Did-you-mean for misspelt Latin queries, from the unstemmed ``spell`` field's words."""
import re

_LATIN_WORD = re.compile(r"(?<![:\w])([A-Za-z\u00C0-\u024F]{3,})(?![\w:])")


def suggestion_for(searcher, text: str) -> str | None:
    """The query with each unknown Latin word replaced by the closest indexed word, or None."""
    corrector = None
    changed = False

    def fix(match):
        nonlocal corrector, changed
        word = match.group(1)
        lowered = word.lower()
        if searcher.doc_frequency("spell", lowered) > 0:
            return word
        if corrector is None:
            corrector = searcher.corrector("spell")
        options = corrector.suggest(lowered, limit=1, maxdist=2)
        if not options or options[0] == lowered:
            return word
        changed = True
        return options[0]

    fixed = _LATIN_WORD.sub(fix, text)
    return fixed if changed else None
