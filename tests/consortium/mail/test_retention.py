"""What the outbox keeps after sending: no bodies, no files past MAIL_KEEP_DAYS, nothing of a
forgotten ref."""
import os
import time
from pathlib import Path

from sqlmodel import select

from consortium.db.uow import UnitOfWork
from consortium.mail import OutboxMail, deliver_pending, forget_delivered, forget_mails, queue_mail, run_mail_job


def _queue(session, ref, n=1):
    with UnitOfWork(session):
        for i in range(n):
            queue_mail(session, f"r{i}@reader.example", "主题", f"正文 {ref} {i}", html="<p>正文</p>", ref=ref)


def test_a_sent_row_keeps_recipient_and_subject_but_not_the_body(app, session):
    """The body is blanked in the update that marks the row sent."""
    _queue(session, "question:1")
    deliver_pending(app)
    row = session.exec(select(OutboxMail)).one()
    session.refresh(row)
    assert (row.status, row.recipient, row.subject, row.text_body, row.html_body) == (
        "sent", "r0@reader.example", "主题", "", None)


def test_forgetting_a_ref_deletes_its_rows_and_files_and_nothing_else(app, session):
    """Rows of any state and the folder's files of ``question:1`` go; ``question:12``'s stay."""
    _queue(session, "question:1", 2)
    _queue(session, "question:12")
    deliver_pending(app)
    _queue(session, "question:1")  # still queued
    folder = Path(app.instance_path, "mail")
    assert len(list(folder.glob("*.eml"))) == 3
    with UnitOfWork(session):
        assert forget_mails(session, ["question:1"]) == 3
    assert forget_delivered(app, ["question:1"]) == 2
    assert [p.name.split("--")[0] for p in folder.glob("*.eml")] == ["question-12"]
    assert [r.ref for r in session.exec(select(OutboxMail)).all()] == ["question:12"]


def test_the_mail_job_erases_folder_files_older_than_the_keep_days(app, session):
    """A file written 31 days ago is deleted by the job's purge; today's stays."""
    _queue(session, "question:1", 2)
    deliver_pending(app)
    old, new = sorted(Path(app.instance_path, "mail").glob("*.eml"))
    month_ago = time.time() - 31 * 86400
    os.utime(old, (month_ago, month_ago))
    run_mail_job(app)
    assert not old.exists() and new.exists()
