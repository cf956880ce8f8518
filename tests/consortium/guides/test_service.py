"""Guides service: drafts, sanitised Markdown, picked works in order, permissions, publishing."""
import datetime as dt
import time
from types import SimpleNamespace

import pytest

from consortium.catalogue.service import ingest_batch
from consortium.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from consortium.guides import service as guides
from consortium.guides.published import picked_items, public_guide, published_guides


def actor(member=None, admin=False, user_id=None):
    return SimpleNamespace(id=user_id, member_id=member.id if member else None, is_admin=admin)


@pytest.fixture
def works(session, members):
    result = ingest_batch(session, members["A"], [
        {"local_id": "a1", "title": "红楼梦", "authors": ["曹雪芹"], "isbns": ["9787020002207"], "call_number": "I242.4/C1"},
        {"local_id": "a2", "title": "三国演义", "authors": ["罗贯中"]},
        {"local_id": "a3", "title": "水浒传", "authors": ["施耐庵"]},
    ])
    return [w["work_id"] for w in result.works]


def test_intro_markdown_is_rendered_and_sanitised(session, members):
    """Markdown becomes HTML; scripts, event handlers and javascript: links are removed."""
    guide = guides.create_guide(session, actor(members["A"]), {
        "title": "本月新书", "intro_md": "**推荐** <script>alert(1)</script>[x](javascript:alert(1)) <img src=x onerror=alert(1)>"})
    assert "<strong>推荐</strong>" in guide.intro_html
    assert "<script" not in guide.intro_html and "javascript:" not in guide.intro_html
    assert "onerror" not in guide.intro_html
    assert guide.state == "draft" and guide.published_at is None


def test_invalid_guide_fields_are_reported_by_field(session, members):
    """A missing title and a bad CLC class are field errors, nothing is stored."""
    with pytest.raises(InvalidInput) as caught:
        guides.create_guide(session, actor(members["A"]), {"title": "", "clc": "??"})
    assert set(caught.value.errors) == {"title", "clc"}


def test_picked_works_keep_their_order_and_commentary(session, members, works):
    """Items are listed in the order added, can be moved, edited and removed."""
    me = actor(members["A"])
    guide = guides.create_guide(session, me, {"title": "古典小说"})
    items = [guides.add_item(session, me, guide.id, w, f"评{i}") for i, w in enumerate(works)]
    guides.edit_item(session, me, guide.id, items[2].id, move="up")
    guides.edit_item(session, me, guide.id, items[0].id, commentary="必读")
    listed = picked_items(session, guide)
    assert [i["work"]["title"] for i in listed] == ["红楼梦", "水浒传", "三国演义"]
    assert listed[0]["commentary"] == "必读" and listed[0]["call_number"] == "I242.4/C1"
    guides.edit_item(session, me, guide.id, items[1].id, remove=True)
    assert [i["work"]["title"] for i in picked_items(session, guide)] == ["红楼梦", "水浒传"]
    with pytest.raises(InvalidInput):
        guides.add_item(session, me, guide.id, works[0])
    with pytest.raises(InvalidInput):
        guides.add_item(session, me, guide.id, 99999)


def test_a_librarian_edits_only_their_own_members_guides(session, members, works):
    """B's librarian may not touch A's guide; a consortium admin may."""
    guide = guides.create_guide(session, actor(members["A"]), {"title": "甲馆导读"})
    with pytest.raises(PermissionDenied):
        guides.update_guide(session, actor(members["B"]), guide.id, {"title": "改"})
    with pytest.raises(PermissionDenied):
        guides.change_state(session, actor(members["B"]), guide.id, "publish")
    with pytest.raises(PermissionDenied):
        guides.add_item(session, actor(members["B"]), guide.id, works[0])
    with pytest.raises(PermissionDenied):
        guides.create_guide(session, actor(members["B"]), {"title": "x"}, member_code="A")
    assert guides.update_guide(session, actor(admin=True), guide.id, {"title": "管理员改"}).title == "管理员改"
    assert [g.title for g, _m in guides.staff_guides(session, actor(members["B"]))] == []


def test_publishing_sets_published_at_once_and_editing_moves_only_updated(session, members):
    """Republishing keeps the first published_at; editing a published guide keeps it published."""
    me = actor(members["A"])
    guide = guides.create_guide(session, me, {"title": "导读"})
    published = guides.change_state(session, me, guide.id, "publish")
    first_published = published.published_at
    time.sleep(0.01)
    edited = guides.update_guide(session, me, guide.id, {"title": "导读（修订）"})
    assert edited.state == "published" and edited.published_at == first_published
    assert edited.updated_at > first_published
    guides.change_state(session, me, guide.id, "retract")
    with pytest.raises(NotFound):
        public_guide(session, guide.id)
    again = guides.change_state(session, me, guide.id, "publish")
    assert again.published_at == first_published
    with pytest.raises(InvalidTransition):
        guides.change_state(session, me, guide.id, "publish")


def test_only_published_guides_are_public(session, members):
    """Drafts and retracted guides are on no public list; filters by member and CLC prefix."""
    me = actor(members["A"])
    draft = guides.create_guide(session, me, {"title": "草稿"})
    shown = guides.create_guide(session, me, {"title": "计算机新书", "clc": "TP31"})
    guides.change_state(session, me, shown.id, "publish")
    assert [g.title for g, _m in published_guides(session)] == ["计算机新书"]
    assert [g.title for g, _m in published_guides(session, clc="TP")] == ["计算机新书"]
    assert published_guides(session, clc="I") == [] and published_guides(session, member="B") == []
    with pytest.raises(NotFound):
        public_guide(session, draft.id)


def test_saved_search_guides_store_their_query_and_ask_for_recent_acquisitions(session, members):
    """A saved-search guide keeps q and filters; its port parameters start N days back."""
    guide = guides.create_guide(session, actor(members["A"]), {
        "title": "近期计算机新书", "kind": "saved_search",
        "search": {"q": "数据库", "clc": "tp3", "days": 14, "format": "book"}})
    assert guide.search == {"q": "数据库", "clc": "TP3", "days": 14, "format": "book"}
    params = guides.saved_search_params(guide, dt.date(2026, 11, 27))
    assert params["acquired_since"] == dt.date(2026, 11, 14) and params["sort"] == "newest"
    assert params["q"] == "数据库" and "days" not in params
    with pytest.raises(InvalidInput):
        guides.add_item(session, actor(members["A"]), guide.id, 1)
