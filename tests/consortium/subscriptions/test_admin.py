"""Consortium admins record bounces and complaints; librarians may not."""
from sqlmodel import select

from consortium.accounts.service import add_user
from consortium.subscriptions.models import Subscription
from tests.consortium.subscriptions.conftest import post_form
from tests.staff import login

PAGE = "/staff/admin/subscriptions/"
BODY = {"email": "reader@example.edu.cn", "search": {"clc": "TP"}, "frequency": "weekly"}


def _staff(session, client, role, member=None):
    add_user(session, f"{role}@x.example", "staff-pass-1", role, member, display_name=role)
    assert login(client, f"{role}@x.example", "staff-pass-1").status_code == 302


def test_a_complaint_deletes_every_subscription_of_the_address(app, client, session, members):
    """One complaint recorded on the admin page deletes both subscriptions of that address."""
    for clc in ("TP", "I"):
        assert client.post("/api/v1/subscriptions", json={**BODY, "search": {"clc": clc}}).status_code == 202
    _staff(session, client, "consortium_admin")
    assert "reader@example.edu.cn" in client.get(f"{PAGE}?email=reader@example.edu.cn").get_data(as_text=True)
    assert post_form(client, PAGE, PAGE, {"email": "reader@example.edu.cn", "kind": "complaint"}).status_code == 302
    assert session.exec(select(Subscription)).all() == []


def test_bounces_delete_the_subscription_at_the_third(app, client, session, members):
    """Two bounces are counted; the third deletes the subscription and its address."""
    client.post("/api/v1/subscriptions", json=BODY)
    _staff(session, client, "consortium_admin")
    for expected in (1, 2):
        post_form(client, PAGE, PAGE, {"email": "reader@example.edu.cn", "kind": "bounce"})
        session.expire_all()
        assert session.exec(select(Subscription.bounces)).one() == expected
    post_form(client, PAGE, PAGE, {"email": "reader@example.edu.cn", "kind": "bounce"})
    session.expire_all()
    assert session.exec(select(Subscription)).all() == []


def test_unknown_address_is_reported_not_a_500(app, client, session, members):
    """Recording for an address nobody subscribed with says so on the page."""
    _staff(session, client, "consortium_admin")
    response = post_form(client, PAGE, PAGE, {"email": "nobody@example.edu.cn", "kind": "bounce"})
    assert response.status_code == 302
    assert "没有使用此邮箱地址的订阅" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_librarians_may_not_see_readers_addresses(app, client, session, members):
    """The page lists readers' addresses: consortium admins only."""
    client.post("/api/v1/subscriptions", json=BODY)
    _staff(session, client, "librarian", "A")
    assert client.get(PAGE).status_code == 403
