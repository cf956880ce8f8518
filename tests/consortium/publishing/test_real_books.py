"""Feeds over real Chinese book data (Douban lists in ../shared/data): valid in every format,
paged without gaps, and unchanged after last month's records are pushed again."""
import csv
import datetime as dt

import pytest

from tests.feeds.helpers import check_json_feed, parse_feed, valid_in_every_format


def real_records(shared_data, count: int) -> list[dict]:
    path = shared_data / "chinese_books" / "douban30000" / "douban_tag_lists.csv"
    today = dt.date.today()
    records, seen = [], set()
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["douban_subject_id"] in seen or not row["title"].strip():
                continue
            seen.add(row["douban_subject_id"])
            n = len(records)
            records.append({"local_id": f"db-{row['douban_subject_id']}", "title": row["title"].strip()[:1000],
                            "authors": [row["author_guess"].strip()] if row["author_guess"].strip() else [],
                            "publisher": row["publisher_guess"].strip() or None, "call_number": f"DB/{n}",
                            "acquired_on": (today - dt.timedelta(days=1 + n % 60)).isoformat()})
            if len(records) == count:
                break
    return records


@pytest.fixture
def pushed(client, keys, shared_data):
    records = real_records(shared_data, 180)
    for start in range(0, len(records), 100):
        response = client.post("/api/v1/members/A/records", json={"records": records[start:start + 100]},
                               headers={"Authorization": f"Bearer {keys['A']}"})
        assert response.status_code == 200 and not response.get_json()["rejected"]
    return records


def test_real_books_feeds_are_valid_and_page_through_every_holding(app, client, pushed):
    """Real titles (punctuation, full-width forms) stay valid; pages cover each holding once."""
    feeds = valid_in_every_format(client, "/feeds/new?member=A")
    assert len(feeds["json"]["items"]) == 50
    ids, url = [], "/feeds/new.json?member=A"
    while url:
        doc = check_json_feed(client.get(url).data)
        ids += [i["id"] for i in doc["items"]]
        url = doc.get("next_url", "").replace("http://localhost", "")
    assert len(ids) == len(set(ids)) == len({r["local_id"] for r in pushed})


def test_repushing_last_months_real_records_keeps_the_etag(app, client, keys, pushed):
    """The done-when check, on real data through the push API."""
    before = client.get("/feeds/new.atom")
    month_ago = (dt.date.today() - dt.timedelta(days=30)).isoformat()
    last_month = [r for r in pushed if r["acquired_on"] >= month_ago]
    assert 60 < len(last_month) < len(pushed)
    for start in range(0, len(last_month), 100):
        client.post("/api/v1/members/A/records", json={"records": last_month[start:start + 100]},
                    headers={"Authorization": f"Bearer {keys['A']}"})
    app.extensions["feeds.cache"].clear()
    after = client.get("/feeds/new.atom")
    assert after.headers["ETag"] == before.headers["ETag"]
    assert [e.id for e in parse_feed(after.data).entries] == [e.id for e in parse_feed(before.data).entries]
