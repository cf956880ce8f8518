"""A subscription's life through the API, the pages and digest runs, on the real database,
search index and mail outbox."""
import datetime as dt

import pytest
from sqlalchemy import update
from sqlmodel import select

from consortium.catalogue.models import Holding
from consortium.catalogue.service import ingest_batch
from consortium.subscriptions.jobs import run_digests, run_sweep
from consortium.subscriptions.models import Subscription
from tests.consortium.subscriptions.conftest import BASE, NEW_BOOKS, confirm, confirm_token, outbox, post_form

pytestmark = pytest.mark.needs_search
BODY = {"email": "Reader@Example.edu.cn", "search": {"q": "深度学习"}, "frequency": "daily", "language": "zh",
        "home_member": "A"}


def subscribe(client, body=BODY) -> str:
    """Subscribe through the API; the token read from the confirmation mail."""
    response = client.post("/api/v1/subscriptions", json=body)
    assert response.status_code == 202, response.get_json()
    assert response.get_json() == {"status": "pending_confirmation"}
    return response


def run(app, now):
    with app.app_context():
        return run_digests(app, now)


def later(days=1, minutes=5):
    return dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=days, minutes=minutes)


def test_nothing_is_sent_before_the_reader_confirms(app, client, session, members):
    """A pending subscription gets its confirmation mail and nothing else, even with new works."""
    subscribe(client)
    confirmations = outbox(session, "subscription.confirm")
    assert len(confirmations) == 1 and confirmations[0].recipient == "reader@example.edu.cn"
    assert f"{BASE}/subscriptions/" in confirmations[0].text_body
    ingest_batch(session, members["B"], NEW_BOOKS["B"])
    assert run(app, later()).due == 0
    assert outbox(session, "subscription.digest") == []


def test_only_the_token_hash_is_stored(app, client, session, members):
    """The confirmation link's token appears nowhere in the subscription row."""
    subscribe(client)
    token = confirm_token(outbox(session, "subscription.confirm")[0].text_body)
    row = session.exec(select(Subscription)).one()
    assert token not in repr(row.model_dump()) and len(row.token_hash) == 64


def test_confirm_link_opened_by_a_scanner_confirms_nothing(app, client, session, members):
    """GET of the confirmation link shows one button; only its POST confirms."""
    subscribe(client)
    token = confirm_token(outbox(session, "subscription.confirm")[0].text_body)
    page = client.get(f"/subscriptions/{token}/confirm")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert page.get_data(as_text=True).count("<button") >= 1
    assert session.exec(select(Subscription.status)).one() == "pending"
    assert confirm(client, token).status_code == 302
    session.expire_all()
    assert session.exec(select(Subscription.status)).one() == "active"


def test_digest_lists_new_matching_works_home_member_first_once(app, client, session, members, backend):
    """One digest lists the new matching works, A's holdings first; a second run sends nothing."""
    subscribe(client)
    token = confirm_token(outbox(session, "subscription.confirm")[0].text_body)
    confirm(client, token)
    for code in ("B", "A", "C"):
        ingest_batch(session, members[code], NEW_BOOKS[code])
    report = run(app, later())
    assert (report.due, report.sent) == (1, 1)
    [mail] = outbox(session, "subscription.digest")
    text = mail.text_body
    assert "深度学习入门" in text and "动手学深度学习" in text and "红楼梦研究" not in text
    # works A holds come before the one only B holds; in a shared work A's copy is listed first
    assert text.index("动手学深度学习") < text.index("深度学习入门")
    shared = text[text.index("Goodfellow"):]
    assert shared.index("甲大学图书馆") < shared.index("丙大学图书馆")
    assert "<li>" in mail.html_body and "深度学习入门" in mail.html_body
    assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail.headers["List-Unsubscribe"].startswith(f"<{BASE}/subscriptions/")
    assert run(app, later(minutes=10)).sent == 0
    assert len(outbox(session, "subscription.digest")) == 1


def test_nothing_new_sends_nothing_and_works_seen_before_are_not_new(app, client, session, members):
    """Works the consortium held before the reader confirmed never appear; no mail when nothing is new."""
    ingest_batch(session, members["C"], NEW_BOOKS["C"])
    session.exec(update(Holding).values(first_seen_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)))
    session.commit()  # C's books arrived an hour before the reader subscribed (not indexed yet)
    subscribe(client)
    confirm(client, confirm_token(outbox(session)[0].text_body))
    report = run(app, later(days=2))
    assert (report.due, report.sent, report.empty) == (1, 0, 1)
    # a second member's copy of an old work does not make it new either
    ingest_batch(session, members["A"], NEW_BOOKS["A"][2:])
    assert run(app, later(days=4)).sent == 0


def test_weekly_subscription_waits_a_week(app, client, session, members):
    """A weekly digest is not sent after one day, and is after seven."""
    subscribe(client, {**BODY, "frequency": "weekly"})
    confirm(client, confirm_token(outbox(session)[0].text_body))
    ingest_batch(session, members["B"], NEW_BOOKS["B"])
    assert run(app, later(days=1)).due == 0
    assert run(app, later(days=7)).sent == 1


def test_one_click_unsubscribe_deletes_the_address_and_queued_mail(app, client, session, members, backend):
    """The RFC 8058 POST (no CSRF token, no cookie) deletes the row and its unsent digest."""
    subscribe(client)
    confirm(client, confirm_token(outbox(session)[0].text_body))
    ingest_batch(session, members["B"], NEW_BOOKS["B"])
    run(app, later())
    [mail] = outbox(session, "subscription.digest")
    url = mail.headers["List-Unsubscribe"].strip("<>").removeprefix(BASE)
    response = app.test_client().post(url, data="List-Unsubscribe=One-Click",
                                      content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    session.expire_all()
    assert session.exec(select(Subscription)).all() == []
    assert outbox(session) == [] or all("reader@example.edu.cn" != m.recipient for m in outbox(session))
    assert client.get(url.removesuffix("/unsubscribe")).status_code == 404


def test_manage_page_pauses_changes_and_deletes(app, client, session, members):
    """The manage link in a digest changes frequency, pauses (no digest) and deletes."""
    subscribe(client)
    confirm(client, confirm_token(outbox(session)[0].text_body))
    ingest_batch(session, members["B"], NEW_BOOKS["B"])
    run(app, later())
    manage = outbox(session, "subscription.digest")[0].headers["List-Unsubscribe"].strip("<>") \
        .removeprefix(BASE).removesuffix("/unsubscribe")
    page = client.get(manage)
    assert page.status_code == 200 and "深度学习" in page.get_data(as_text=True)
    assert post_form(client, manage, f"{manage}/change", {"frequency": "weekly", "language": "en"}).status_code == 302
    assert post_form(client, manage, f"{manage}/change", {"paused": "true"}).status_code == 302
    row = session.exec(select(Subscription)).one()
    session.refresh(row)
    assert (row.frequency, row.language, row.status) == ("weekly", "en", "paused")
    ingest_batch(session, members["A"], NEW_BOOKS["A"])
    assert run(app, later(days=9)).due == 0
    assert post_form(client, manage, f"{manage}/delete").status_code == 200
    session.expire_all()
    assert session.exec(select(Subscription)).all() == []


def test_english_digest_is_in_english(app, client, session, members):
    """A subscription in English gets its mails in English."""
    subscribe(client, {**BODY, "language": "en"})
    [confirmation] = outbox(session)
    assert "confirm" in confirmation.subject.lower() and "确认" not in confirmation.text_body
    confirm(client, confirm_token(confirmation.text_body))
    ingest_batch(session, members["B"], NEW_BOOKS["B"])
    run(app, later())
    [digest] = outbox(session, "subscription.digest")
    assert "Unsubscribe" in digest.text_body and "Industrial technology" in digest.text_body
    assert "University A Library" not in digest.text_body and "University B Library" in digest.text_body


def test_unconfirmed_subscriptions_are_swept_after_seven_days(app, client, session, members, backend):
    """After 7 days an unconfirmed subscription, its address and its mail are gone."""
    subscribe(client)
    with app.app_context():
        assert run_sweep(app, later(days=6)) == 0
        assert run_sweep(app, later(days=8)) == 1
    assert session.exec(select(Subscription)).all() == []
    assert outbox(session) == []


def test_readers_of_the_same_search_each_get_their_own_links(app, client, session, members):
    """Two readers of one search in one library get the same works, each with only their own links."""
    for address in ("one@example.edu.cn", "two@example.edu.cn"):
        subscribe(client, {**BODY, "email": address})
    for mail in outbox(session, "subscription.confirm"):
        confirm(client, confirm_token(mail.text_body))
    ingest_batch(session, members["B"], NEW_BOOKS["B"])
    assert run(app, later()).sent == 2
    one, two = outbox(session, "subscription.digest")
    links = [m.headers["List-Unsubscribe"].strip("<>") for m in (one, two)]
    assert links[0] != links[1]
    for mail, own, other in ((one, links[0], links[1]), (two, links[1], links[0])):
        assert own in mail.text_body and own in mail.html_body
        assert other not in mail.text_body and other not in mail.html_body and "link.invalid" not in mail.html_body
