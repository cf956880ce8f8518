"""``consortium mail …``: thin commands over the outbox functions."""
import click

from consortium.cli import pass_ctx, run_service


@click.group("mail")
def mail_group():
    """The mail outbox."""


@mail_group.command("send-pending")
@click.option("--limit", default=1000, show_default=True, type=int, help="Most mails to send in this run.")
@pass_ctx
def send_pending(obj, limit):
    """Send the mails that are due now and print what happened (exit 1 if one failed for good)."""
    from consortium.mail import deliver_pending

    report = run_service(deliver_pending, obj.app, limit)
    click.echo(f"Mail outbox: {report}.")
    if report.failed:
        raise SystemExit(1)


@mail_group.command("retry")
@click.argument("ids", nargs=-1, type=int, required=True)
@pass_ctx
def retry(obj, ids):
    """Put failed mails back into the queue."""
    from consortium.db import new_session
    from consortium.mail import requeue

    with new_session(obj.app) as session:
        count = run_service(requeue, session, list(ids))
    click.echo(f"Requeued {count} mail(s).")
