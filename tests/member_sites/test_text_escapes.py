"""Escaped text in members' exports is decoded where a record's text is normalised."""
from hypothesis import given
from hypothesis import strategies as st

from member_sites.record.normalise import normalise_record
from member_sites.record.text import clean_text


def test_character_references_become_the_characters():
    """&#268;eslovo, &quot;…&quot;, &amp; and a doubly escaped &amp;#268; read as characters."""
    assert clean_text("&#268;eslovo") == "Česlovo"
    assert clean_text("&quot;Minotaurus im Spiegel&quot;") == '"Minotaurus im Spiegel"'
    assert clean_text("Tom &amp; Jerry &#x4E2D;&#x6587;") == "Tom & Jerry 中文"
    assert clean_text("&amp;#268;eslovo") == "Česlovo"


def test_backslash_escapes_become_the_characters():
    """L\\'Hebdo d\\'AlterEco reads L'Hebdo d'AlterEco; an escaped newline is a space."""
    assert clean_text("L\\'Hebdo d\\'AlterEco") == "L'Hebdo d'AlterEco"
    assert clean_text('say \\"hi\\"\\nthere') == 'say "hi" there'


def test_plain_ampersands_and_backslashes_stay():
    """Text that only looks escaped is kept: AT&T, Q&A, a lone backslash."""
    assert clean_text("AT&T Q&A") == "AT&T Q&A"
    assert clean_text("C:\\data") == "C:\\data"


def test_local_ids_and_urls_are_kept_as_written():
    """Keys and links are not display text: a record's local id and URL keep their escapes."""
    record = normalise_record({"local_id": "a&amp;b", "title": "&#268;eslovo", "url": "http://x/?a=1&amp;b=2"})
    assert record["local_id"] == "a&amp;b" and record["url"] == "http://x/?a=1&amp;b=2"
    assert record["title"] == "Česlovo"


@given(st.text(alphabet=st.sampled_from(list("&#;x0123ABamp\\'\"n q")), max_size=30))
def test_decoding_escaped_looking_text_is_idempotent(text):
    """Cleaning a cleaned value changes nothing, however the escapes nest."""
    once = clean_text(text)
    assert clean_text(once) == once
