"""Which member's own title a reader's words matched (pure over an analyzer): a record merged
into a work catalogued under another title is shown under the title the reader searched."""


def matching_variant(analyzer, payload: dict, terms: set[str]) -> dict | None:
    """The variant of ``payload["variants"]`` matching more of the query's ``terms`` than the
    work's own title does (the first such, in member order), or None."""
    variants = payload.get("variants") or ()
    if not terms or not variants:
        return None
    lead = _matched(analyzer, payload.get("title"), payload.get("subtitle"), terms)
    best, best_count = None, lead
    for variant in variants:
        count = _matched(analyzer, variant.get("title"), variant.get("subtitle"), terms)
        if count > best_count:
            best, best_count = variant, count
    return best


def _matched(analyzer, title: str | None, subtitle: str | None, terms: set[str]) -> int:
    text = " ".join(part for part in (title, subtitle) if part)
    return len({token.text for token in analyzer(text, mode="index")} & terms) if text else 0
