"""/new-arrivals: each work once with all its new holders, paged, filtered by member, CLC and format."""
import re

import pytest

from consortium.catalogue.service import ingest_batch
from tests.consortium.publishing.test_new_arrivals_feed import record


@pytest.fixture
def app_config(app_config):
    return {**app_config, "NEW_ARRIVALS_PAGE_SIZE": 2}


@pytest.fixture
def catalogue(session, members):
    """红楼梦 new at A and B; Algorithms and 史记 at A; 数据库系统 (an e-book) at B."""
    ingest_batch(session, members["A"], [
        record("a1", "红楼梦", 2, isbns=["9787020002207"], clc="I242.4", language="zh"),
        record("a2", "Algorithms", 5, isbns=["9780262033848"], clc="TP301.6", language="en", format="book"),
        record("a3", "史记", 30, clc="K204.2", language="zh"),
    ])
    ingest_batch(session, members["B"], [
        record("b1", "红楼梦", 1, isbns=["9787020002207"], clc="I242.4", language="zh"),
        record("b2", "数据库系统", 10, clc="TP311.13", language="zh", format="ebook"),
    ])


def titles(html: str) -> list[str]:
    return re.findall(r'<li class="arrival">\s*<a href="/works/\d+"[^>]*>([^<]+)</a>', html)


def test_a_work_new_at_two_members_is_listed_once_with_both(client, catalogue):
    """红楼梦 appears once, naming 甲 and 乙 with their call numbers; pages of two works follow."""
    html = client.get("/new-arrivals").get_data(as_text=True)
    assert titles(html) == ["红楼梦", "Algorithms"]
    entry = html.split('<li class="arrival">')[1]
    assert "甲大学图书馆 (CN/a1)" in entry and "乙大学图书馆 (CN/b1)" in entry
    assert 'rel="next" href="/new-arrivals?page=2"' in html
    second = client.get("/new-arrivals?page=2").get_data(as_text=True)
    assert titles(second) == ["数据库系统", "史记"] and 'rel="prev"' in second
    assert titles(client.get("/new-arrivals?page=3").get_data(as_text=True)) == []


def test_filters_by_member_clc_class_and_format(client, catalogue):
    """member=B keeps B's new works (B first among holders); clc=TP and format=ebook narrow further."""
    by_b = client.get("/new-arrivals?member=B").get_data(as_text=True)
    assert titles(by_b) == ["红楼梦", "数据库系统"]
    assert by_b.index("乙大学图书馆 (CN/b1)") < by_b.index("甲大学图书馆 (CN/a1)")
    assert titles(client.get("/new-arrivals?clc=TP").get_data(as_text=True)) == ["Algorithms", "数据库系统"]
    assert titles(client.get("/new-arrivals?clc=TP&format=ebook").get_data(as_text=True)) == ["数据库系统"]
    assert 'href="/feeds/new.atom?clc=TP&amp;format=ebook"' in client.get("/new-arrivals?clc=TP&format=ebook").get_data(as_text=True)


def test_bad_filter_values_are_a_400_explained_in_the_page_language(client, catalogue):
    """A malformed class is refused with a hint, in Chinese and in English; nothing else breaks."""
    bad = client.get("/new-arrivals?clc=M1")
    assert bad.status_code == 400 and "中图法分类号形如 TP3" in bad.get_data(as_text=True)
    english = client.get("/new-arrivals?clc=M1&lang=en").get_data(as_text=True)
    assert "looks like TP3" in english
    assert client.get("/new-arrivals?page=abc").status_code in (200, 400)
    assert client.get("/new-arrivals?format=vinyl").status_code == 400
