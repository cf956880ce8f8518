"""Reference-queue fixtures: three members with profiles, liaisons, books, and a fixed clock."""
from datetime import datetime, timezone

import pytest

from consortium.accounts.service import add_user
from consortium.catalogue.service import ingest_batch
from consortium.reference.common import Actor, ReferenceSettings
from consortium.reference.profiles import set_profile

# A Wednesday morning in Nanjing (02:00 UTC = 10:00 CST), an ordinary working day.
WEDNESDAY = datetime(2026, 3, 11, 2, 0, tzinfo=timezone.utc)
ONLY_C_ISBN = "978-7-111-21382-6"


@pytest.fixture
def settings():
    return ReferenceSettings(base_url="http://daodu.test")


@pytest.fixture
def profiles(session, members):
    """A: humanities, B: engineering, C: general; all Mon–Fri 08:30–17:30 Beijing time."""
    for code, strengths in (("A", {"I": 0.9, "K": 0.8}), ("B", {"T": 0.6, "TP": 0.9}), ("C", {"T": 0.3})):
        set_profile(session, code, {"strengths": strengths, "languages": ["zh", "en"], "capacity": 10,
                                    "opening_hours": "mon-fri 08:30-17:30"}, now=WEDNESDAY)


@pytest.fixture
def books(session, members):
    """C alone holds the ISBN book; A and B hold other works."""
    ingest_batch(session, members["C"], [{"local_id": "c1", "title": "计算机程序设计艺术", "authors": ["Knuth"],
                                          "isbns": [ONLY_C_ISBN], "clc": "TP311"}])
    ingest_batch(session, members["A"], [{"local_id": "a1", "title": "红楼梦", "authors": ["曹雪芹"], "clc": "I242"}])
    ingest_batch(session, members["B"], [{"local_id": "b1", "title": "建筑结构", "authors": ["王"], "clc": "TU3"}])


@pytest.fixture
def liaisons(session, members):
    """One liaison per member, plus an admin; returns Actors by key."""
    actors = {}
    for code in ("A", "B", "C"):
        user = add_user(session, f"liaison@{code.lower()}.example", f"liaison-pass-{code}", "liaison", code,
                        f"Liaison {code}")
        actors[code] = Actor(user.id, user.member_id, "liaison", user.display_name)
    admin = add_user(session, "admin@x.example", "admin-pass-1", "consortium_admin")
    actors["admin"] = Actor(admin.id, None, "consortium_admin", "Admin")
    return actors


def ask_data(**overrides) -> dict:
    data = {"question": "请问《计算机程序设计艺术》哪里有？", "name": "张三", "email": "zhangsan@reader.example",
            "home_member": "A", "consent_publish": True}
    data.update(overrides)
    return data
