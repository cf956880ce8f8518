"""``consortium digests send`` and ``consortium subscriptions …``: thin commands."""
from datetime import datetime, timezone

import click
from flask import current_app
from flask.cli import with_appcontext

from consortium.db import new_session
from consortium.subscriptions import service
from consortium.subscriptions.jobs import run_digests, run_sweep


def _now(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter("use ISO 8601, e.g. 2026-03-11T02:00:00+00:00", param_hint="--now") from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)


@click.group("digests")
def digests_group():
    """Readers' subscription digests."""


@digests_group.command("send")
@click.option("--now", "now_text", help="Pretend it is this time (ISO 8601; UTC without an offset).")
@with_appcontext
def send_command(now_text):
    """Queue every digest that is due (the mail job sends them)."""
    report = run_digests(current_app._get_current_object(), _now(now_text))
    click.echo(f"Digests: {report}.")


@click.group("subscriptions")
def subscriptions_group():
    """Readers' e-mail subscriptions."""


@subscriptions_group.command("sweep")
@click.option("--now", "now_text", help="Pretend it is this time (ISO 8601).")
@with_appcontext
def sweep_command(now_text):
    """Delete subscriptions left unconfirmed for SUBSCRIPTIONS_PENDING_DAYS, with their addresses."""
    click.echo(f"Deleted {run_sweep(current_app._get_current_object(), _now(now_text))} unconfirmed subscriptions.")


@subscriptions_group.command("record")
@click.argument("email")
@click.option("--kind", type=click.Choice(["bounce", "complaint"]), required=True)
@with_appcontext
def record_command(email, kind):
    """Record a bounce or complaint for an address (a complaint deletes its subscriptions)."""
    with new_session() as session:
        deleted = service.record_delivery_problem(session, email, kind,
                                                  settings=service.SubscriptionSettings.from_config(current_app.config))
    click.echo(f"Recorded a {kind} for {email}; {deleted} subscriptions deleted.")
