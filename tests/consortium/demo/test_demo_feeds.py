"""The feeds demo content: two published guides with picked works and Chinese text."""
import datetime as dt

from consortium.accounts.service import add_member, add_user
from consortium.catalogue.service import ingest_batch
from consortium.demo import feeds as demo_feeds
from consortium.guides.published import picked_items, published_guides


def test_demo_publishes_a_guide_for_nju_and_seu_from_their_holdings(app, session):
    """Each guide picks the member's own works of its CLC class and is published."""
    nju = add_member(session, "NJU", "南京大学图书馆")
    seu = add_member(session, "SEU", "东南大学图书馆")
    add_user(session, "librarian@nju.demo.daodu.example", "demo-pass-1", "librarian", "NJU")
    add_user(session, "librarian@seu.demo.daodu.example", "demo-pass-1", "librarian", "SEU")
    ingest_batch(session, nju, [{"local_id": f"n{i}", "title": f"小说{i}", "clc": "I247.5", "acquired_on": "2026-11-0%d" % (i + 1)}
                                for i in range(5)] + [{"local_id": "n9", "title": "物理学", "clc": "O4"}])
    ingest_batch(session, seu, [{"local_id": "s1", "title": "数据结构", "clc": "TP311.12"},
                                {"local_id": "s2", "title": "建筑设计", "clc": "TU2"}])
    lines = list(demo_feeds.load(app, session, dt.date(2026, 11, 27)))
    assert len(lines) == 3 and "localhost:8000" in lines[-1]
    shown = {m.code: g for g, m in published_guides(session)}
    assert set(shown) == {"NJU", "SEU"} and "文学" in shown["NJU"].title
    nju_items = picked_items(session, shown["NJU"])
    assert [i["work"]["title"] for i in nju_items] == ["小说4", "小说3", "小说2", "小说1"]
    assert all(i["commentary"] for i in nju_items)
    assert {i["work"]["title"] for i in picked_items(session, shown["SEU"])} == {"数据结构", "建筑设计"}
    session.refresh(nju)
    assert "http://localhost:8000" in nju.site_origins
