"""Delivery through a real SMTP server on loopback (aiosmtpd)."""
from datetime import timedelta

import pytest
from sqlmodel import select

from consortium.db.columns import as_aware, utcnow
from consortium.db.uow import UnitOfWork
from consortium.mail import OutboxMail, deliver_pending, queue_mail


@pytest.fixture
def app_config(app_config, smtp_port) -> dict:
    """The app sends through the loopback SMTP server (whether or not it is started yet)."""
    return {**app_config, "MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_port,
            "MAIL_TIMEOUT": 5, "MAIL_DEFAULT_SENDER": "导读 Daodu <noreply@daodu.example>"}


def queue(app, *mails):
    from consortium.db import new_session

    with new_session(app) as session, UnitOfWork(session):
        for to, subject in mails:
            queue_mail(session, to, subject, f"正文：{subject}\nBody.", html=f"<p>{subject}</p>", kind="test", ref="q:1")


def rows(app) -> list[OutboxMail]:
    from consortium.db import new_session

    with new_session(app) as session:
        return list(session.exec(select(OutboxMail).order_by(OutboxMail.id)).all())


def test_chinese_subjects_and_names_arrive_decoded_at_the_right_recipients(app, smtp_server, backend):
    """Subject, display names and bodies in Chinese survive the trip; envelope recipients are right."""
    smtp_server.start()
    queue(app, ("张三 <zhangsan@reader.example>", "您的问题已收到：《红楼梦》的版本"),
          ("li@reader.example", "Answer ready / 答复已发布"))
    report = deliver_pending(app)
    assert (report.sent, report.failed, report.retry_later) == (2, 0, 0)
    (rcpt1, first), (rcpt2, second) = smtp_server.messages
    assert rcpt1 == ["zhangsan@reader.example"] and rcpt2 == ["li@reader.example"]
    assert first["Subject"] == "您的问题已收到：《红楼梦》的版本"
    assert first["To"].addresses[0].display_name == "张三"
    assert first["From"].addresses[0].display_name == "导读 Daodu"
    assert first.get_body(("plain",)).get_content().startswith("正文：您的问题已收到")
    assert first.get_body(("html",)).get_content().strip() == "<p>您的问题已收到：《红楼梦》的版本</p>"
    assert second["Subject"] == "Answer ready / 答复已发布"
    assert all(r.status == "sent" and r.sent_at is not None for r in rows(app))


def test_a_server_that_is_down_gets_a_retry_and_the_mail_goes_out_when_it_is_back(app, smtp_server, backend):
    """Connection refused → retry scheduled with backoff; once the server runs, the mail is delivered once."""
    queue(app, ("reader@reader.example", "稍后重试"))
    now = utcnow()
    assert deliver_pending(app, now=now).retry_later == 1
    (row,) = rows(app)
    assert row.status == "queued" and row.attempts == 1 and "127.0.0.1" in row.last_error
    assert as_aware(row.next_attempt_at) - now == timedelta(seconds=60)
    smtp_server.start()
    assert deliver_pending(app, now=now + timedelta(seconds=30)).sent == 0   # not due yet
    assert deliver_pending(app, now=now + timedelta(seconds=61)).sent == 1
    assert deliver_pending(app, now=now + timedelta(hours=1)).sent == 0
    assert [m["Subject"] for _, m in smtp_server.messages] == ["稍后重试"]
    assert rows(app)[0].status == "sent"


def test_when_the_server_is_down_the_rest_of_the_batch_is_postponed_without_trying(app, backend, monkeypatch):
    """One refused connection postpones all 5 mails; the backend is asked only once."""
    from consortium.mail.backends import SmtpBackend

    calls = []
    original = SmtpBackend._connection
    monkeypatch.setattr(SmtpBackend, "_connection", lambda self: calls.append(1) or original(self))
    queue(app, *((f"r{i}@reader.example", f"s{i}") for i in range(5)))
    assert deliver_pending(app).retry_later == 5 and len(calls) == 1
    assert {(r.status, r.attempts) for r in rows(app)} == {("queued", 1)}
    assert all("127.0.0.1" in r.last_error for r in rows(app))


def test_backoff_doubles_and_the_outbox_gives_up_after_the_last_attempt(app, backend):
    """With the server down: retries after 60 s, 120 s, 240 s …; after MAIL_MAX_ATTEMPTS the row is failed."""
    app.config["MAIL_MAX_ATTEMPTS"] = 4
    queue(app, ("reader@reader.example", "never"))
    now, delays = utcnow(), []
    for _ in range(3):
        assert deliver_pending(app, now=now).retry_later == 1
        due = as_aware(rows(app)[0].next_attempt_at)
        delays.append((due - now).total_seconds())
        now = due
    assert delays == [60, 120, 240]
    assert deliver_pending(app, now=now).failed == 1
    (row,) = rows(app)
    assert row.status == "failed" and row.attempts == 4


def test_a_recipient_refused_for_good_fails_at_once_and_others_still_go(app, smtp_server):
    """A 550 for one address marks that mail failed without retries; the next mail is sent."""
    smtp_server.start()
    smtp_server.handler.refuse.add("gone@reader.example")
    queue(app, ("gone@reader.example", "A"), ("here@reader.example", "B"))
    report = deliver_pending(app)
    assert (report.sent, report.failed, report.retry_later) == (1, 1, 0)
    gone, here = rows(app)
    assert gone.status == "failed" and "550" in gone.last_error and here.status == "sent"
    assert [rcpt for rcpt, _ in smtp_server.messages] == [["here@reader.example"]]


def test_a_rolled_back_transaction_sends_nothing(app, smtp_server, backend):
    """Mail queued in a unit of work that fails never reaches the server."""
    from consortium.db import new_session

    smtp_server.start()
    try:
        with new_session(app) as session, UnitOfWork(session):
            queue_mail(session, "reader@reader.example", "不应发送", "x")
            raise RuntimeError("the change that caused the mail failed")
    except RuntimeError:
        pass
    assert deliver_pending(app).sent == 0 and rows(app) == [] and smtp_server.messages == []


def test_two_workers_at_once_never_send_a_mail_twice(app, smtp_server, backend):
    """Concurrent deliver_pending runs split the queue: every mail arrives exactly once."""
    import threading

    smtp_server.start()
    queue(app, *((f"r{i}@reader.example", f"并发 {i}") for i in range(40)))
    reports, errors = [], []

    def work():
        try:
            reports.append(deliver_pending(app, limit=7))
        except Exception as exc:  # a worker losing a lock race must not hide a duplicate
            errors.append(exc)

    # rounds of four racing workers until the queue is empty (a round may lose claims to locks)
    for _round in range(12):
        workers = [threading.Thread(target=work) for _ in range(4)]
        for w in workers:
            w.start()
        for w in workers:
            w.join(30)
        if sum(r.sent for r in reports) >= 40:
            break
    subjects = sorted(m["Subject"] for _, m in smtp_server.messages)
    assert subjects == sorted(f"并发 {i}" for i in range(40))
    assert sum(r.sent for r in reports) == 40
