"""Highlighting matched words in stored titles: HTML-escaped text with ``<mark>`` spans.

Whoosh's own highlighter expects one token per character span; our analysis yields
overlapping bigrams and jieba words, so the spans are merged here before marking.
"""
from markupsafe import escape


def matched_spans(analyzer, text: str, terms: set[str]) -> list[tuple[int, int]]:
    spans = sorted((t.startchar, t.endchar) for t in analyzer(text, chars=True, mode="index")
                   if t.text in terms)
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(analyzer, text: str, terms: set[str]) -> str | None:
    """The text with matched words in ``<mark>``; None when nothing matched."""
    if not text or not terms:
        return None
    spans = matched_spans(analyzer, text, terms)
    if not spans:
        return None
    out, last = [], 0
    for start, end in spans:
        out.append(str(escape(text[last:start])))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        last = end
    out.append(str(escape(text[last:])))
    return "".join(out)
