"""``consortium scorecards``: the scorecards as CSV on standard output, for a spreadsheet or a
script (the same rows as ``/staff/scorecards.csv``)."""
from datetime import datetime
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import with_appcontext

from consortium.db import new_session
from consortium.management.measures import TERMS
from consortium.management.scorecards import Settings, as_csv, build_report, parse_period


@click.command("scorecards")
@click.option("--year", help="The year (default: this year in MANAGEMENT_TIMEZONE).")
@click.option("--term", type=click.Choice(TERMS), default="year", show_default=True)
@with_appcontext
def scorecards_command(year, term):
    """Every member's measures against its targets, and the consortium's, as CSV."""
    settings = Settings.from_config(current_app.config)
    today = datetime.now(ZoneInfo(settings.zone)).date()
    year, term = parse_period(year or today.year, term)
    with new_session(current_app._get_current_object()) as session:
        click.echo(as_csv(build_report(session, year, term, today=today, settings=settings)), nl=False)
