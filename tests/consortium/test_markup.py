"""Staff Markdown made safe and readable: rendered HTML never carries script, the mail text of
it never carries Markdown marks or tags, and relative links become absolute for mail."""
import re

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
    html = render_markdown(" ".join(parts))
    assert "<script" not in html and "<iframe" not in html and "<style" not in html
    assert not re.search(r"(href|src)=\"?\s*javascript:", html, re.I) and not re.search(r"<[^>]+\son\w+=", html)


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
