"""Fixtures of the subscription tests: a public base URL, books to push, the outbox read back."""
import re

import pytest
from sqlmodel import select

from consortium.mail.models import OutboxMail
from tests.staff import csrf_token

BASE = "https://daodu.example.edu.cn"
# What member B and then A push after the reader subscribed to "深度学习" (A is the reader's home).
NEW_BOOKS = {
    "B": [{"local_id": "b-dl-1", "title": "深度学习入门", "authors": ["斋藤康毅"], "clc": "TP181", "year": 2018,
           "call_number": "TP181/Z1", "location": "东区书库", "available": 1}],
    "A": [{"local_id": "a-dl-2", "title": "动手学深度学习", "authors": ["阿斯顿·张"], "clc": "TP181", "year": 2019,
           "call_number": "TP181/Z2", "location": "总馆 3F", "available": 2},
          {"local_id": "a-dl-3", "title": "深度学习", "authors": ["Goodfellow"], "isbns": ["9787115461476"],
           "clc": "TP181", "year": 2017, "call_number": "TP181/G1", "available": 1}],
    "C": [{"local_id": "c-dl-3", "title": "深度学习", "authors": ["Goodfellow"], "isbns": ["9787115461476"],
           "clc": "TP181", "year": 2017, "call_number": "C/TP181", "available": 1},
          {"local_id": "c-other", "title": "红楼梦研究", "clc": "I207.411", "year": 2001}],
}
TOKEN_LINK = re.compile(r"/subscriptions/([A-Za-z0-9_\-.]+)/confirm")


@pytest.fixture
def app_config(app_config):
    return {**app_config, "CONSORTIUM_BASE_URL": BASE}


def outbox(session, kind: str | None = None) -> list[OutboxMail]:
    session.expire_all()
    query = select(OutboxMail).order_by(OutboxMail.id)
    if kind:
        query = query.where(OutboxMail.kind == kind)
    return list(session.exec(query).all())


def confirm_token(text: str) -> str:
    """The token of the confirmation link in a mail's text."""
    return TOKEN_LINK.search(text).group(1)


def post_form(client, page: str, action: str, data: dict | None = None):
    """Post to ``action`` with the CSRF token of the form on ``page``, as a browser would."""
    return client.post(action, data={**(data or {}), "csrf_token": csrf_token(client, page)})


def confirm(client, token: str):
    return post_form(client, f"/subscriptions/{token}/confirm", f"/subscriptions/{token}/confirm")
