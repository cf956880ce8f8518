"""Staff Markdown made safe and readable: rendered HTML never carries script, the mail text of
it never carries Markdown marks or tags, and relative links become absolute for mail."""
from html.parser import HTMLParser

from hypothesis import given
from hypothesis import strategies as st

from consortium.web.markup import absolute_links, html_to_text, render_markdown

WORDS = st.text(alphabet=st.characters(whitelist_categories=("Lo", "Ll", "Lu", "Nd")), min_size=1, max_size=12)
HOSTILE = st.sampled_from(["<script>alert(1)</script>", '<img src=x onerror="alert(1)">', "[x](javascript:alert(1))",
                           '<a href="javascript:x">y</a>', "<style>body{}</style>", '<p onclick="x()">p</p>',
                           "<iframe src=//evil></iframe>", "**", "- ", "\n", "&lt;", "`"])


@given(st.lists(st.one_of(WORDS, HOSTILE), max_size=12))
def test_rendered_markdown_never_carries_script(parts):
    """Whatever a liaison types, the HTML readers get has no script, handlers or javascript: links."""
    elements = _elements(render_markdown(" ".join(parts)))
    assert not {"script", "iframe", "style"} & {tag for tag, _attrs in elements}
    for _tag, attrs in elements:
        assert not any(name.startswith("on") for name, _value in attrs)
        assert not any(name in ("href", "src") and (value or "").strip().lower().startswith("javascript:")
                       for name, value in attrs)


def _elements(html: str) -> list[tuple[str, list]]:
    """The elements of an HTML fragment with their attributes, as a browser's parser sees them
    (text that merely shows markup, such as escaped code, is not an element)."""
    found = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collect().feed(html)
    return found


@given(st.lists(WORDS, min_size=1, max_size=5), st.lists(WORDS, min_size=1, max_size=4))
def test_the_mail_text_of_an_answer_has_its_words_and_no_markup(bold, items):
    """Bold words and list items survive as text: no asterisks, no tags, one bullet per item."""
    source = " ".join(f"**{w}**" for w in bold) + "\n\n" + "\n".join(f"- {i}" for i in items)
    text = html_to_text(render_markdown(source))
    assert "**" not in text and "<strong>" not in text and "<li>" not in text
    assert all(w in text for w in bold) and [line[2:] for line in text.splitlines() if line.startswith("- ")] == items


def test_links_keep_their_targets_in_text_and_become_absolute_for_mail():
    """A named link shows its URL after the text; a bare URL once; site paths get the base URL."""
    html = render_markdown("见[本馆主页](https://lib.example.cn/)与 <https://a.example.cn/x>，以及[此书](/works/7)。")
    assert html_to_text(html) == "见本馆主页 <https://lib.example.cn/>与 https://a.example.cn/x，以及此书 </works/7>。"
    assert 'href="http://daodu.test/works/7"' in absolute_links(html, "http://daodu.test/")
    assert 'href="https://lib.example.cn/"' in absolute_links(html, "http://daodu.test")
