"""``consortium sweep`` and ``consortium reference …``: thin commands over the reference services."""
from datetime import datetime, timezone

import click
from flask import current_app
from flask.cli import with_appcontext

from consortium.db import new_session
from consortium.reference.jobs import run_sweep
from consortium.reference.profiles import list_profiles, parse_strengths, set_profile


@click.command("sweep")
@click.option("--now", "now_text", help="Pretend it is this UTC time (ISO 8601), e.g. to replay a sweep.")
@with_appcontext
def sweep_command(now_text):
    """Remind, escalate overdue questions, open old ones to every member, scrub expired reader data."""
    try:
        now = datetime.fromisoformat(now_text).astimezone(timezone.utc) if now_text else None
    except ValueError:
        raise click.BadParameter("use ISO 8601, e.g. 2026-03-11T02:00:00+00:00", param_hint="--now") from None
    report = run_sweep(current_app._get_current_object(), now)
    click.echo(f"Reference sweep: {report}.")


@click.group("reference")
def reference_group():
    """The federated reference queue."""


@reference_group.command("profile")
@click.argument("code")
@click.option("--strengths", help="CLC class strengths, e.g. 'TP=0.8,S=0.5'.")
@click.option("--languages", help="Languages answered, e.g. 'zh,en'.")
@click.option("--capacity", type=int, help="Open questions the member takes at once.")
@click.option("--hours", help="Opening hours, e.g. 'mon-fri 08:30-17:30; sat 09:00-12:00'.")
@click.option("--timezone", "tz", help="IANA time zone, e.g. Asia/Shanghai.")
@click.option("--closure", "closures", multiple=True, help="Closure date or range (2026-07-15..2026-08-25).")
@click.option("--first-response-days", type=int, help="Working days to the first response.")
@click.option("--answer-days", type=int, help="Working days to the answer.")
@click.option("--retention-days", type=int, help="Days after closing before reader data is scrubbed.")
@click.option("--accepts/--no-accepts", default=None, help="Whether the member takes questions.")
@with_appcontext
def profile_command(code, strengths, languages, capacity, hours, tz, closures, first_response_days,
                    answer_days, retention_days, accepts):
    """Create or update a member's reference profile (only the options given change)."""
    values = {"capacity": capacity, "opening_hours": hours, "timezone": tz, "first_response_days": first_response_days,
              "answer_days": answer_days, "retention_days": retention_days, "accepts_questions": accepts,
              "closures": list(closures) or None,
              "languages": [v.strip() for v in languages.split(",")] if languages else None}
    values = {k: v for k, v in values.items() if v is not None}
    with new_session() as session:
        if strengths:
            values["strengths"] = parse_strengths(strengths)
        profile = set_profile(session, code, values, now=datetime.now(timezone.utc))
        click.echo(f"{code.upper()}: strengths {profile.strengths}, languages {profile.languages}, capacity "
                   f"{profile.capacity}, hours '{profile.opening_hours}' ({profile.timezone}), "
                   f"{profile.first_response_days}/{profile.answer_days} working days, retention {profile.retention_days} days")


@reference_group.command("profiles")
@with_appcontext
def profiles_command():
    """List every member's reference profile."""
    with new_session() as session:
        for member, profile in list_profiles(session):
            if profile is None:
                click.echo(f"{member.code}\t(no profile: defaults)")
            else:
                click.echo(f"{member.code}\t{profile.strengths}\t{','.join(profile.languages)}\t{profile.capacity}\t"
                           f"{profile.opening_hours}")
