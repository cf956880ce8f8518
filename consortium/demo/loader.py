"""The demo consortium: five Nanjing university libraries sharing a real book list.

The book list (``books.csv``) is the project's own; holdings, call numbers and acquisition
dates are generated from a fixed seed, relative to today so that the new-arrival feeds
always have something new. Records go in through the real push service.
"""
import csv
import datetime as dt
import random
from pathlib import Path

from sqlmodel import select
from stdnum import isbn

from consortium.accounts import service as accounts
from consortium.accounts.models import Member
from consortium.catalogue import service as catalogue
from consortium.db import new_session
from consortium.demo import activity as demo_activity
from consortium.demo import feeds as demo_feeds
from consortium.demo import reference as demo_reference
from consortium.demo import resources as demo_resources
from consortium.demo.synthetic import synthetic_records

BOOKS = Path(__file__).with_name("books.csv")
PASSWORD = "daodu-demo-2026"

MEMBERS = [
    # code, Chinese name, English name, home-page origin, subject strengths (CLC main classes)
    ("NJU", "南京大学图书馆", "Nanjing University Library", "https://lib.nju.edu.cn", "ABCDIKNO"),
    ("SEU", "东南大学图书馆", "Southeast University Library", "https://lib.seu.edu.cn", "TUOR"),
    ("NJNU", "南京师范大学图书馆", "Nanjing Normal University Library", "https://lib.njnu.edu.cn", "GIJBH"),
    ("NUAA", "南京航空航天大学图书馆", "Nanjing University of Aeronautics and Astronautics Library",
     "https://lib.nuaa.edu.cn", "VTO"),
    ("NJAU", "南京农业大学图书馆", "Nanjing Agricultural University Library", "https://lib.njau.edu.cn", "SQFX"),
]

# Feature areas add demo content: modules whose ``load(app, session, today)`` yields lines to print.
DEMO_EXTRAS = (demo_feeds, demo_reference, demo_resources, demo_activity)

STAFF = [
    ("admin@demo.daodu.example", "consortium_admin", None, "联盟管理员 Admin"),
    ("librarian@nju.demo.daodu.example", "librarian", "NJU", "南大馆员 王老师"),
    ("liaison@nju.demo.daodu.example", "liaison", "NJU", "南大学科馆员 李老师"),
    ("librarian@seu.demo.daodu.example", "librarian", "SEU", "东大馆员 陈老师"),
    ("liaison@seu.demo.daodu.example", "liaison", "SEU", "东大学科馆员 张老师"),
    ("liaison@njau.demo.daodu.example", "liaison", "NJAU", "南农学科馆员 刘老师"),
]


def read_books(path: Path = BOOKS) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def book_record(book: dict, local_id: str) -> dict:
    """A push record for one row of the book list (holding fields are added per member)."""
    identifier = book["isbn"].strip()
    record = {
        "local_id": local_id,
        "title": book["title"],
        "subtitle": book.get("subtitle") or None,
        "authors": [a for a in book["authors"].split(";") if a.strip()],
        "publisher": book["publisher"] or None,
        "year": int(book["year"]) if book.get("year") else None,
        "language": book["language"],
        "format": book["format"],
        "clc": book["clc"] or None,
        "subjects": [s for s in book["subjects"].split(";") if s.strip()],
        "summary": book.get("summary") or None,
        "url": book.get("url") or None,
    }
    if identifier.startswith("issn:"):
        record["issns"] = [identifier[5:]]
    elif identifier:
        record["isbns"] = [identifier]
    return record


def holders_for(book: dict, rng: random.Random) -> list[str]:
    """Members holding a book: subject strengths make a member likelier; many books are shared."""
    main_class = (book.get("clc") or "Z")[0]
    weights = [(code, 0.75 if main_class in strengths else 0.3) for code, _n, _e, _o, strengths in MEMBERS]
    chosen = [code for code, w in weights if rng.random() < w]
    return chosen or [rng.choice([code for code, *_ in MEMBERS])]


def holding_fields(book: dict, code: str, index: int, rng: random.Random, today: dt.date) -> dict:
    """Call number, location, copies, access and an acquisition date in the last 90 days."""
    acquired = today - dt.timedelta(days=rng.randint(0, 89))
    fields = {"acquired_on": acquired.isoformat()}
    if book["format"] in ("ebook", "ejournal", "database"):
        fields["access"] = rng.choice(["consortium", "consortium", "member", "open"])
        return fields
    copies = rng.randint(1, 5)
    author_mark = (book["authors"][:1] or "X").upper()
    fields.update({
        "call_number": f"{book['clc']}/{author_mark}{index % 97 + 1}",
        "location": rng.choice(["总馆 3F 中文图书", "总馆 4F 外文图书", "分馆 2F 自然科学", "仙林校区 书库"]),
        "copies": copies,
        "available": rng.randint(0, copies),
    })
    return fields


def demo_records(books: list[dict], today: dt.date, seed: int = 2026) -> dict[str, list[dict]]:
    """Every member's push records for the demo, deterministic for a seed and a day."""
    rng = random.Random(seed)
    per_member: dict[str, list[dict]] = {code: [] for code, *_ in MEMBERS}
    for index, book in enumerate(books):
        for code in holders_for(book, rng):
            record = book_record(book, f"{code.lower()}-{index + 1:05d}")
            record.update(holding_fields(book, code, index, rng, today))
            if code == "NJNU" and record.get("isbns") and record["isbns"][0].startswith("978"):
                # this member's ILS exports ISBN-10 with hyphens; the consortium must still merge
                record["isbns"] = [_isbn10_hyphenated(record["isbns"][0])]
            per_member[code].append(record)
    return per_member


def _isbn10_hyphenated(isbn13: str) -> str:
    return isbn.format(isbn.to_isbn10(isbn13))


def load_demo(app, today: dt.date | None = None, synthetic: int = 0):
    """Load the demo consortium once; yields progress and summary lines to print.

    ``synthetic`` more records (generated titles and ISBNs) go to member NJU on top of the book
    list, for trying search and feeds on a larger catalogue."""
    today = today or dt.date.today()
    with new_session(app) as session:
        if session.exec(select(Member)).first() is not None:
            yield "Demo consortium already loaded (delete instance/ to start again)."
            yield from _credentials()
            return
        for code, name, name_en, origin, _strengths in MEMBERS:
            accounts.add_member(session, code, name, name_en, [origin])
        for email, role, member, display in STAFF:
            accounts.add_user(session, email, PASSWORD, role, member, display)
        books = read_books()
        for code, records in demo_records(books, today).items():
            member = accounts.get_member(session, code)
            for start in range(0, len(records), 500):
                result = catalogue.ingest_batch(session, member, records[start:start + 500], source="demo")
                yield (f"{code}: pushed {result.accepted} records"
                       f"{', rejected ' + str(len(result.rejected)) if result.rejected else ''}")
        if synthetic:
            yield from _load_synthetic(session, accounts.get_member(session, "NJU"), synthetic)
        key = accounts.issue_key(session, "NJU", "demo key")
        for extra in DEMO_EXTRAS:
            yield from extra.load(app, session, today)
    yield f"Loaded {len(books)} books for {len(MEMBERS)} member libraries."
    yield f"Push API key for member NJU: {key}"
    yield from _credentials()


def _load_synthetic(session, member, count: int):
    for start in range(0, count, 1000):
        records = synthetic_records(min(1000, count - start), start=start)
        result = catalogue.ingest_batch(session, member, records, source="demo")
        yield f"{member.code}: pushed {start + result.accepted:,} of {count:,} synthetic records"


def _credentials():
    """Every demo account under one header (the reference queue adds two liaisons of its own)."""
    yield "Demo staff accounts (password for all: %s):" % PASSWORD
    accounts = [(email, role, member) for email, role, member, _display in STAFF]
    accounts += [(email, "liaison", code) for email, code, _name in demo_reference.EXTRA_LIAISONS]
    for email, role, member in accounts:
        yield f"  {role:<17} {member or '(all members)':<14} {email}"
