"""The catalogue service on a real database (SQLite file, and PostgreSQL where configured)."""
import pytest
from sqlmodel import select

from consortium.catalogue.models import ChangeLog, Holding, PushBatch, Work
from consortium.catalogue.service import ingest_batch, withdraw_holding
from consortium.catalogue.works import get_work
from consortium.errors import NotFound, TooLarge, UnknownWork, WorkMerged

RED_CHAMBER = {"title": "红楼梦", "authors": ["曹雪芹", "高鹗"], "publisher": "人民文学出版社", "year": 1982,
               "language": "zh", "clc": "I242.4"}


def record(local_id, **fields):
    return {"local_id": local_id, **RED_CHAMBER, **fields}


def holdings_of(session, work_id):
    return session.exec(select(Holding).where(Holding.work_id == work_id)).all()


def test_push_merges_isbn10_and_isbn13_into_one_work(session, members, backend):
    """Member A's hyphenated ISBN-10 and member B's ISBN-13 of one book give one work, two holdings."""
    a = ingest_batch(session, members["A"], [record("a-1", isbns=["7-02-000220-X"])])
    b = ingest_batch(session, members["B"], [record("b-9", isbns=["9787020002207"])])
    work_id = a.works[0]["work_id"]
    assert b.works[0] == {"local_id": "b-9", "work_id": work_id, "matched_by": "isbn"}
    assert len(holdings_of(session, work_id)) == 2
    assert session.get(Work, work_id).isbns == ["9787020002207"]


def test_repushing_changes_nothing(session, members, backend):
    """Same work id, same first_seen_at, no new holdings, no new change-log rows."""
    batch = [record("a-1", isbns=["7-02-000220-X"], acquired_on="2026-10-01")]
    first = ingest_batch(session, members["A"], batch)
    holding = holdings_of(session, first.works[0]["work_id"])[0]
    seen, log_rows = holding.first_seen_at, len(session.exec(select(ChangeLog)).all())
    again = ingest_batch(session, members["A"], batch)
    assert again.works == first.works
    assert (again.accepted, again.unchanged) == (1, 1)
    session.expire_all()
    holdings = session.exec(select(Holding)).all()
    assert len(holdings) == 1 and holdings[0].first_seen_at == seen
    assert len(session.exec(select(ChangeLog)).all()) == log_rows


def test_changed_repush_keeps_first_seen_at(session, members, backend):
    first = ingest_batch(session, members["A"], [record("a-1", isbns=["9787020002207"], available=1)])
    seen = holdings_of(session, first.works[0]["work_id"])[0].first_seen_at
    ingest_batch(session, members["A"], [record("a-1", isbns=["9787020002207"], available=0)])
    session.expire_all()
    holding = holdings_of(session, first.works[0]["work_id"])[0]
    assert holding.first_seen_at == seen and holding.available == 0


def test_bad_records_are_listed_and_good_ones_stored(session, members, backend):
    batch = [record("ok-1", isbns=["9787020002207"]), {"local_id": "no-title"},
             record("bad-isbn", isbns=["9787020002208"]), {"title": "no id"}, record("bad-year", year=20255)]
    result = ingest_batch(session, members["A"], batch)
    assert result.accepted == 1
    rejected = {r["index"]: r for r in result.rejected}
    assert sorted(rejected) == [1, 2, 3, 4]
    assert "title" in rejected[1]["errors"] and rejected[1]["local_id"] == "no-title"
    assert "check digit" in rejected[2]["errors"]["isbns"][0]
    assert "local_id" in rejected[3]["errors"]
    assert "year" in rejected[4]["errors"]
    batch_row = session.get(PushBatch, result.batch_id)
    assert (batch_row.received, batch_row.accepted, batch_row.rejected) == (5, 1, 4)


def test_title_author_year_matches_records_without_identifiers(session, members, backend):
    a = ingest_batch(session, members["A"], [record("a-1", title="紅樓夢", authors=["曹雪芹"])])
    b = ingest_batch(session, members["B"], [record("b-1", title="红楼梦", authors=["曹雪芹"])])
    assert b.works[0]["work_id"] == a.works[0]["work_id"]
    assert b.works[0]["matched_by"] == "title"


def test_print_and_ebook_of_one_isbn_stay_separate_works(session, members, backend):
    a = ingest_batch(session, members["A"], [record("a-1", isbns=["9787020002207"])])
    b = ingest_batch(session, members["B"], [record("b-1", isbns=["9787020002207"], format="ebook",
                                                    url="https://example.org/e/1", access="consortium")])
    assert a.works[0]["work_id"] != b.works[0]["work_id"]


def test_a_record_linking_two_works_merges_them_and_keeps_a_redirect(session, members, backend):
    one = ingest_batch(session, members["A"], [record("a-1", isbns=["9787020002207"])]).works[0]["work_id"]
    two = ingest_batch(session, members["B"], [record("b-1", isbns=["9787020002214"])]).works[0]["work_id"]
    assert one != two
    linked = ingest_batch(session, members["C"], [record("c-1", isbns=["9787020002207", "9787020002214"])])
    assert linked.works[0]["work_id"] == one
    session.expire_all()
    assert len(holdings_of(session, one)) == 3
    with pytest.raises(WorkMerged) as caught:
        get_work(session, two)
    assert caught.value.target_id == one
    actions = {(r.entity_id, r.action) for r in session.exec(select(ChangeLog)).all()}
    assert (two, "merge") in actions and (one, "upsert") in actions


def test_withdrawing_the_last_holding_hides_the_work(session, members, backend):
    work_id = ingest_batch(session, members["A"], [record("a-1", isbns=["9787020002207"])]).works[0]["work_id"]
    withdraw_holding(session, members["A"], "a-1")
    with pytest.raises(UnknownWork):
        get_work(session, work_id)
    assert session.exec(select(ChangeLog).where(ChangeLog.action == "delete")).first().entity_id == work_id
    again = ingest_batch(session, members["B"], [record("b-1", isbns=["9787020002207"])])
    assert again.works[0]["work_id"] == work_id  # the same book comes back under its old id


def test_withdrawing_an_unknown_record_is_not_found(session, members):
    with pytest.raises(NotFound):
        withdraw_holding(session, members["A"], "nope")


def test_a_batch_over_the_limit_changes_nothing(session, members):
    with pytest.raises(TooLarge):
        ingest_batch(session, members["A"], [record(f"a-{i}") for i in range(1001)])
    assert session.exec(select(Holding)).first() is None


def test_a_failed_batch_rolls_back_and_logs_nothing(session, members, monkeypatch, backend):
    """A crash after the holdings were written leaves neither holdings, works nor change-log rows."""
    from consortium.catalogue import writes as catalogue_writes

    def disk_full(*_args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(catalogue_writes, "write_change_log", disk_full)
    with pytest.raises(RuntimeError):
        ingest_batch(session, members["A"], [record("a-1", isbns=["9787020002207"]), record("a-2", title="史记")])
    assert session.exec(select(Holding)).first() is None
    assert session.exec(select(Work)).first() is None
    assert session.exec(select(ChangeLog)).first() is None


def test_the_same_local_id_twice_in_a_batch_keeps_the_later_record(session, members):
    result = ingest_batch(session, members["A"], [record("a-1", available=1), record("a-1", available=0)])
    holdings = session.exec(select(Holding)).all()
    assert len(holdings) == 1 and holdings[0].available == 0
    assert result.works[0]["work_id"] == result.works[1]["work_id"]


def test_records_in_one_batch_sharing_an_isbn_make_one_work(session, members):
    result = ingest_batch(session, members["A"], [record("a-1", isbns=["9787020002207"]),
                                                  record("a-2", isbns=["7-02-000220-X"], title="紅樓夢")])
    assert result.works[0]["work_id"] == result.works[1]["work_id"]
    assert result.works[1]["matched_by"] == "isbn"


def test_a_repushed_record_with_a_new_isbn_moves_to_the_right_work(session, members):
    """Correcting a holding's ISBN moves it; the work it left, now empty, is deleted."""
    first = ingest_batch(session, members["A"], [record("a-1", isbns=["9787020002207"])]).works[0]["work_id"]
    other = ingest_batch(session, members["B"], [record("b-1", title="史记", authors=["司马迁"], isbns=["9787101003048"])])
    moved = ingest_batch(session, members["A"], [record("a-1", title="史记", authors=["司马迁"], isbns=["9787101003048"])])
    assert moved.works[0]["work_id"] == other.works[0]["work_id"]
    actions = {(r.entity_id, r.action) for r in session.exec(select(ChangeLog)).all()}
    assert (first, "delete") in actions


def test_home_member_is_listed_first(session, members):
    for code in ("A", "B", "C"):
        ingest_batch(session, members[code], [record(f"{code}-1", isbns=["9787020002207"])])
    work_id = session.exec(select(Work)).first().id
    assert [h["member"] for h in get_work(session, work_id, home_member="C")["holdings"]] == ["C", "A", "B"]


def _book(local_id: str, n: int, **fields) -> dict:
    return {"local_id": local_id, "title": f"Book {n}", "authors": [f"Author {n}"], "year": 2000 + n % 20,
            "isbns": [_isbn13(n)], **fields}


def _isbn13(n: int) -> str:
    body = f"978730{n:06d}"
    check = (10 - sum((3 if i % 2 else 1) * int(d) for i, d in enumerate(body)) % 10) % 10
    return body + str(check)


def test_new_works_of_a_batch_are_written_with_their_ids_and_a_later_record_can_merge_them(
        session, members, backend):
    """A batch's new works get their ids before they are written (in bulk at the end); a
    record linking two of them merges the pending works like any others."""
    batch = [_book(f"a-{n}", n) for n in range(40)]
    batch.append(_book("a-link", 99, isbns=[_isbn13(3), _isbn13(4)]))  # links the works of a-3 and a-4
    result = ingest_batch(session, members["A"], batch)
    assert result.accepted == 41 and not result.rejected
    ids = {ref["local_id"]: ref["work_id"] for ref in result.works}
    assert len({ids[f"a-{n}"] for n in range(40)}) == 40
    session.expire_all()
    works = {w.id: w for w in session.exec(select(Work)).all()}
    assert set(works) == {ids[f"a-{n}"] for n in range(40)}
    assert works[ids["a-4"]].merged_into_id == ids["a-link"] == ids["a-3"]
    assert works[ids["a-7"]].title == "Book 7" and works[ids["a-7"]].isbns == [_isbn13(7)]
    assert len(holdings_of(session, ids["a-3"])) == 3
    # and the next batch's new works carry on after them
    later = ingest_batch(session, members["B"], [_book("b-1", 500)]).works[0]["work_id"]
    assert later not in works and later > max(works)


def test_concurrent_batches_of_new_works_get_distinct_ids(app, members, backend):
    """Two members push new works at the same time (two sessions, two threads): ids
    reserved by one transaction are never given to the other."""
    import threading

    from consortium.db import new_session

    errors, results = [], {}

    def push(code: str, offset: int) -> None:
        try:
            with new_session(app) as own:
                member = own.get(type(members[code]), members[code].id)
                results[code] = ingest_batch(own, member, [_book(f"{code}-{n}", offset + n) for n in range(300)])
        except Exception as exc:  # reported below: a thread's exception is otherwise lost
            errors.append(exc)

    threads = [threading.Thread(target=push, args=(code, offset)) for code, offset in (("A", 0), ("B", 1000))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    ids = [ref["work_id"] for code in ("A", "B") for ref in results[code].works]
    assert len(ids) == len(set(ids)) == 600
    with new_session(app) as check:
        assert {w.id for w in check.exec(select(Work)).all()} == set(ids)
