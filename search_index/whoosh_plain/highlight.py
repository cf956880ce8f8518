"""Highlighting with Whoosh's highlighter (``whoosh.highlight.highlight``): the whole title as
one fragment, matched words in ``<mark>``, the rest HTML-escaped.

Our analysis yields overlapping bigrams and jieba words, and adjacent matched words read as
one: the formatter merges overlapping and touching matches into one mark.
"""
from markupsafe import escape
from whoosh.highlight import Formatter, WholeFragmenter, highlight


class MarkFormatter(Formatter):
    """``<mark>`` around each run of matched characters; text escaped; fragments joined."""

    between = ""

    def _text(self, text):
        return str(escape(text))

    def format_token(self, text, token, replace=False):
        return f"<mark>{escape(text[token.startchar:token.endchar])}</mark>"

    def format_fragment(self, fragment, replace=False):
        spans = merged_spans((t.startchar, t.endchar) for t in fragment.matches)
        out, index, text = [], fragment.startchar, fragment.text
        for start, end in spans:
            out.append(self._text(text[index:start]))
            out.append(f"<mark>{escape(text[start:end])}</mark>")
            index = end
        out.append(self._text(text[index:fragment.endchar]))
        return "".join(out)


def merged_spans(spans) -> list[tuple[int, int]]:
    """Character spans with overlapping or touching ones merged, in order."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight_title(analyzer, text: str, terms: set[str]) -> str | None:
    """The text with matched words in ``<mark>``; None when nothing matched."""
    if not text or not terms:
        return None
    marked = highlight(text, terms, analyzer, WholeFragmenter(charlimit=None), MarkFormatter(), top=1,
                       mode="index")
    return marked or None
