"""The demo consortium that `make run` loads: real books, five members, overlapping holdings."""
import datetime as dt
from collections import Counter

from sqlmodel import func, select
from stdnum import isbn as stdnum_isbn
from stdnum import issn as stdnum_issn

from consortium.accounts.models import Member
from consortium.accounts.service import check_login
from consortium.catalogue.models import Holding
from consortium.demo.loader import MEMBERS, PASSWORD, STAFF, demo_records, load_demo, read_books


def test_book_list_has_enough_real_books_with_valid_identifiers():
    books = read_books()
    assert len(books) >= 300
    identifiers = [b["isbn"] for b in books if b["isbn"]]
    assert len(identifiers) == len(set(identifiers)), "each identifier appears once"
    for value in identifiers:
        if value.startswith("issn:"):
            assert stdnum_issn.is_valid(value[5:]), value
        else:
            assert stdnum_isbn.is_valid(value), value
    languages = Counter(b["language"] for b in books)
    assert languages["zh"] >= 100 and languages["en"] >= 100
    ebooks = [b for b in books if b["format"] in ("ebook", "ejournal", "database")]
    assert len(ebooks) >= 20 and all(b["url"].startswith("https://") for b in ebooks)
    assert all(b["title"] and b["clc"] for b in books)


def test_demo_holdings_overlap_and_were_acquired_in_the_last_90_days():
    today = dt.date(2026, 11, 27)
    per_member = demo_records(read_books(), today)
    assert set(per_member) == {code for code, *_ in MEMBERS}
    holders = Counter(r["title"] + (r.get("isbns") or r.get("issns") or [""])[0]
                      for records in per_member.values() for r in records)
    assert sum(1 for n in holders.values() if n >= 2) >= 100
    dates = {r["acquired_on"] for records in per_member.values() for r in records}
    assert min(dates) >= (today - dt.timedelta(days=89)).isoformat() and max(dates) <= today.isoformat()


def test_load_demo_builds_the_consortium_once(app, session):
    lines = list(load_demo(app))
    assert any(line.startswith("Push API key for member NJU: dk_") for line in lines)
    assert any(email in "\n".join(lines) for email, *_ in STAFF)
    assert session.exec(select(func.count()).select_from(Member)).one() == 5
    works = session.exec(select(func.count(func.distinct(Holding.work_id)))).one()
    assert works >= 300
    shared = session.exec(
        select(Holding.work_id).group_by(Holding.work_id).having(func.count(func.distinct(Holding.member_id)) >= 2)
    ).all()
    assert len(shared) >= 100
    # NJNU exports hyphenated ISBN-10s; they must still have merged by ISBN
    njnu_by_isbn = session.exec(select(Holding).join(Member, Member.id == Holding.member_id)
                                .where(Member.code == "NJNU", Holding.matched_by == "isbn")).first()
    assert njnu_by_isbn is not None
    for email, *_ in STAFF:
        assert check_login(session, email, PASSWORD) is not None
    again = list(load_demo(app))
    assert again[0].startswith("Demo consortium already loaded")
    assert session.exec(select(func.count()).select_from(Member)).one() == 5


def test_every_demo_account_is_printed_under_the_accounts_header(app, session):
    """The two liaisons the reference demo adds are listed with the others, below the header, and can log in."""
    from consortium.demo.reference import EXTRA_LIAISONS

    lines = list(load_demo(app))
    header = next(i for i, line in enumerate(lines) if line.startswith("Demo staff accounts"))
    account_lines = [i for i, line in enumerate(lines) if "@" in line and "demo.daodu.example" in line]
    emails = [email for email, *_ in STAFF] + [email for email, *_ in EXTRA_LIAISONS]
    assert account_lines == list(range(header + 1, header + 1 + len(emails)))
    assert [lines[i].split()[-1] for i in account_lines] == emails
    for email in emails:
        assert check_login(session, email, PASSWORD) is not None
