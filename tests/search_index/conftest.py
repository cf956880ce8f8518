"""Fixtures of the search tests: a catalogue pushed through the real catalogue service."""
import pytest

from consortium.catalogue.service import ingest_batch
from consortium.ports import SEARCH
from consortium.search.operations import sync_index

BOOKS = {
    "A": [
        {"local_id": "a1", "title": "紅樓夢", "authors": ["曹雪芹"], "isbns": ["9787020002207"], "year": 1982,
         "language": "zh", "clc": "I242.4", "format": "book", "call_number": "I242.4/C1", "available": 1,
         "acquired_on": "2026-10-01"},
        {"local_id": "a2", "title": "Introduction to Algorithms", "authors": ["Cormen, Thomas H."],
         "isbns": ["9780262033848"], "year": 2009, "language": "en", "clc": "TP301.6", "format": "book",
         "call_number": "TP301.6/C8", "available": 0, "acquired_on": "2026-09-01"},
        {"local_id": "a3", "title": "数据结构与算法分析", "authors": ["Weiss, Mark Allen"], "year": 2019,
         "language": "zh", "clc": "TP311.13", "format": "book", "available": 2, "acquired_on": "2026-11-01"},
    ],
    "B": [
        {"local_id": "b1", "title": "红楼梦", "authors": ["曹雪芹"], "isbns": ["7-02-000220-X"], "year": 1982,
         "language": "zh", "clc": "I242.4", "format": "book", "call_number": "B/I242/12", "available": 0},
        {"local_id": "b2", "title": "The Dream of the Red Chamber", "authors": ["Cao Xueqin"], "year": 1958,
         "language": "en", "clc": "I242.4", "format": "book", "available": 1},
        {"local_id": "b3", "title": "Nature", "issns": ["0028-0836"], "language": "en", "format": "ejournal",
         "url": "https://www.nature.com/", "access": "consortium", "clc": "N5"},
    ],
    "C": [
        {"local_id": "c1", "title": "Introduction to Algorithms", "authors": ["Cormen, Thomas H."],
         "isbns": ["978-0-262-03384-8"], "year": 2009, "language": "en", "clc": "TP301.6", "format": "book",
         "call_number": "C-TP301", "available": 1},
    ],
}


def push_books(session, members, books=BOOKS) -> dict:
    """Push the books through the real catalogue service; ``{local_id: work_id}``."""
    ids = {}
    for code, records in books.items():
        result = ingest_batch(session, members[code], records)
        assert not result.rejected, result.rejected
        ids.update({w["local_id"]: w["work_id"] for w in result.works})
    return ids


@pytest.fixture
def catalogue(app, session, members) -> dict:
    """The books above, pushed and indexed; ``{local_id: work_id}``."""
    ids = push_books(session, members)
    sync_index(app)
    return ids


@pytest.fixture
def search(app):
    port = app.extensions[SEARCH]
    return lambda **params: port.search(params)
