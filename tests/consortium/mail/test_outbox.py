"""The outbox without SMTP: queueing, the folder backend, stale claims, config, job and CLI."""
import email
from datetime import timedelta
from email import policy
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import update
from sqlmodel import select

from consortium.db.columns import utcnow
from consortium.db.uow import UnitOfWork
from consortium.mail import (
    DEFAULTS,
    InvalidMailConfig,
    InvalidRecipient,
    OutboxMail,
    UnknownMailBackend,
    deliver_pending,
    queue_mail,
    retry_delay,
)


def test_queue_mail_adds_a_row_in_the_callers_transaction_without_committing(app, session, backend):
    """The row has an id at once but another session sees it only after the caller commits."""
    from consortium.db import new_session

    row = queue_mail(session, "读者 <reader@example.cn>", "主题\r\nBcc: evil@example.com", "text")
    assert row.id is not None and row.status == "queued" and row.subject == "主题 Bcc: evil@example.com"
    with new_session(app) as other:
        assert other.exec(select(OutboxMail)).all() == []
    session.commit()
    with new_session(app) as other:
        assert [r.recipient for r in other.exec(select(OutboxMail)).all()] == ["读者 <reader@example.cn>"]


@pytest.mark.parametrize("to", ["", "not an address", "a@b.example, c@d.example", "x@y.cn\r\nBcc: z@w.cn",
                                "nodomain@", "@nouser.cn", "a@localhost"])
def test_anything_but_one_address_is_refused(session, to):
    """queue_mail raises InvalidRecipient (a 422-mapped InvalidInput) for bad recipients."""
    with pytest.raises(InvalidRecipient):
        queue_mail(session, to, "s", "t")


def test_the_folder_backend_writes_a_readable_eml_per_mail(app, session):
    """By default mail goes to <instance>/mail/*.eml, which a mail client reads back in Chinese."""
    assert app.config["MAIL_BACKEND"] == "folder"
    with UnitOfWork(session):
        queue_mail(session, "张三 <zs@reader.example>", "您的问题已收到", "我们已收到您的问题。", kind="question.received")
    assert deliver_pending(app).sent == 1
    (path,) = Path(app.instance_path, "mail").glob("*.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message["Subject"] == "您的问题已收到" and message["To"].addresses[0].display_name == "张三"
    assert message["X-Daodu-Kind"] == "question.received"
    assert message.get_body(("plain",)).get_content().strip() == "我们已收到您的问题。"
    assert path.read_bytes().isascii(), "headers and body are transfer-encoded for SMTP"


def test_claims_of_a_stopped_worker_are_recovered_without_sending_twice(app, session, backend):
    """Old 'claimed' rows go back to the queue; old 'sending' rows are failed, never resent."""
    with UnitOfWork(session):
        untried = queue_mail(session, "a@reader.example", "untried", "x")
        midway = queue_mail(session, "b@reader.example", "midway", "x")
    old = utcnow() - timedelta(hours=1)
    session.exec(update(OutboxMail).where(OutboxMail.id == untried.id).values(status="claimed", claimed_at=old, claim_token="t"))
    session.exec(update(OutboxMail).where(OutboxMail.id == midway.id).values(status="sending", claimed_at=old, claim_token="t"))
    session.commit()
    report = deliver_pending(app)
    assert (report.sent, report.failed) == (1, 0)
    session.expire_all()
    assert session.get(OutboxMail, untried.id).status == "sent"
    stuck = session.get(OutboxMail, midway.id)
    assert stuck.status == "failed" and "never sent twice" in stuck.last_error


def test_mails_due_later_wait_and_an_empty_outbox_is_a_quiet_run(app, session):
    """deliver_pending sends nothing before next_attempt_at and reports zeros when idle."""
    assert str(deliver_pending(app)) == "sent 0, failed 0, retry later 0"
    with UnitOfWork(session):
        row = queue_mail(session, "a@reader.example", "later", "x")
        row.next_attempt_at = utcnow() + timedelta(minutes=5)
    assert deliver_pending(app).sent == 0
    assert deliver_pending(app, now=utcnow() + timedelta(minutes=6)).sent == 1


def test_configuration_errors_are_clear_and_leave_the_mail_queued(app, session):
    """A MAIL_BACKEND other than smtp/folder, or a sender that is no address, fails before claiming."""
    with UnitOfWork(session):
        row = queue_mail(session, "a@reader.example", "s", "x")
    app.config["MAIL_BACKEND"] = "pigeon"
    with pytest.raises(UnknownMailBackend, match="pigeon"):
        deliver_pending(app)
    app.config["MAIL_BACKEND"] = "folder"
    app.config["MAIL_DEFAULT_SENDER"] = "导读 Daodu"
    with pytest.raises(InvalidMailConfig, match="not one e-mail address"):
        deliver_pending(app)
    session.expire_all()
    assert session.get(OutboxMail, row.id).status == "queued"


def test_the_mail_job_sends_full_batches_until_the_queue_is_empty(app, session):
    """With MAIL_BATCH_SIZE 3 and 7 due mails, one job run sends all 7 in three batches."""
    from consortium.mail import run_mail_job

    app.config["MAIL_BATCH_SIZE"] = 3
    with UnitOfWork(session):
        for i in range(7):
            queue_mail(session, f"r{i}@reader.example", f"批 {i}", "x")
    assert run_mail_job(app).sent == 7
    assert len(list(Path(app.instance_path, "mail").glob("*.eml"))) == 7


def test_init_app_fills_documented_defaults_and_registers_the_mail_job(app):
    """Every MAIL_* default is in the config and the 'mail' job runs at MAIL_JOB_INTERVAL_SECONDS."""
    from consortium.jobs import get_jobs

    assert all(key.startswith("MAIL_") and key in app.config for key in DEFAULTS)
    job = get_jobs(app).jobs["mail"]
    assert job.interval == DEFAULTS["MAIL_JOB_INTERVAL_SECONDS"]
    assert str(job.run_once()) == "sent 0, failed 0, retry later 0"


def test_retry_delay_doubles_up_to_the_cap():
    """1, 2, 4, 8 … minutes, never more than the maximum."""
    assert [retry_delay(n, 60, 600).total_seconds() for n in range(1, 7)] == [60, 120, 240, 480, 600, 600]


def test_send_pending_command_prints_the_report_and_retry_requeues(tmp_path):
    """`consortium mail send-pending` sends into the mail folder; `mail retry ID` requeues a failed mail."""
    from consortium import create_app
    from consortium.cli import main
    from consortium.db import new_session

    instance = str(tmp_path / "inst")
    runner = CliRunner()
    assert runner.invoke(main, ["--instance", instance, "init"]).exit_code == 0
    app = create_app(instance_path=instance)
    with new_session(app) as session, UnitOfWork(session):
        first = queue_mail(session, "a@reader.example", "命令行", "x")
    result = runner.invoke(main, ["--instance", instance, "mail", "send-pending"])
    assert result.exit_code == 0 and "Mail outbox: sent 1, failed 0, retry later 0." in result.output
    assert len(list(Path(instance, "mail").glob("*.eml"))) == 1
    with new_session(app) as session:
        session.exec(update(OutboxMail).where(OutboxMail.id == first.id).values(status="failed"))
        session.commit()
    assert "Requeued 1 mail(s)." in runner.invoke(main, ["--instance", instance, "mail", "retry", str(first.id)]).output
    assert "sent 1" in runner.invoke(main, ["--instance", instance, "mail", "send-pending"]).output


def test_wake_mailer_asks_the_mail_job_to_run_now(app):
    """wake_mailer sets the job's wake event, so a unit of work can flush mail right after commit."""
    from consortium.jobs import get_jobs
    from consortium.mail import wake_mailer

    job = get_jobs(app).jobs["mail"]
    assert not job.wake.is_set()
    wake_mailer(app)
    assert job.wake.is_set()


def test_an_invalid_recipient_is_a_422_input_error():
    """InvalidRecipient is both the mail package's error and an InvalidInput (422 at the API)."""
    from consortium.errors import InvalidInput
    from consortium.mail import MailError
    from consortium.web.errors import status_for

    exc = InvalidRecipient("bad", {"to": ["Not an e-mail address."]})
    assert isinstance(exc, MailError) and isinstance(exc, InvalidInput) and status_for(exc) == 422


def test_finished_mail_is_purged_after_the_keep_period_and_queued_mail_never(app, session, backend):
    """Readers' addresses do not outlive their use: old sent/failed rows go, queued ones stay."""
    from consortium.mail.outbox import purge_finished

    now = utcnow()
    old_sent = queue_mail(session, "a@reader.example.cn", "old", "x")
    new_sent = queue_mail(session, "b@reader.example.cn", "new", "x")
    old_failed = queue_mail(session, "c@reader.example.cn", "failed", "x")
    old_queued = queue_mail(session, "d@reader.example.cn", "waiting", "x")
    session.commit()
    long_ago = now - timedelta(days=40)
    session.exec(update(OutboxMail).where(OutboxMail.id == old_sent.id).values(status="sent", sent_at=long_ago))
    session.exec(update(OutboxMail).where(OutboxMail.id == new_sent.id).values(status="sent", sent_at=now))
    session.exec(update(OutboxMail).where(OutboxMail.id.in_([old_failed.id, old_queued.id]))
                 .values(created_at=long_ago))
    session.exec(update(OutboxMail).where(OutboxMail.id == old_failed.id).values(status="failed"))
    session.commit()
    assert purge_finished(session, now, keep_days=30) == 2
    left = {r.subject for r in session.exec(select(OutboxMail)).all()}
    assert left == {"new", "waiting"}
