"""``consortium mail …``: thin commands over the outbox functions."""
import click
from flask import current_app
from flask.cli import with_appcontext

from consortium.db import new_session
from consortium.mail.delivery import deliver_pending
from consortium.mail.outbox import requeue


@click.group("mail")
def mail_group():
    """The mail outbox."""


@mail_group.command("send-pending")
@click.option("--limit", default=1000, show_default=True, type=int, help="Most mails to send in this run.")
@with_appcontext
def send_pending(limit):
    """Send the mails that are due now and print what happened (exit 1 if one failed for good)."""
    report = deliver_pending(current_app._get_current_object(), limit)
    click.echo(f"Mail outbox: {report}.")
    if report.failed:
        raise SystemExit(1)


@mail_group.command("retry")
@click.argument("ids", nargs=-1, type=int, required=True)
@with_appcontext
def retry(ids):
    """Put failed mails back into the queue."""
    with new_session() as session:
        count = requeue(session, list(ids))
    click.echo(f"Requeued {count} mail(s).")
