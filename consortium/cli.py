"""The ``consortium`` command: thin wrappers over services and plain functions.

``--instance PATH`` (or ``CONSORTIUM_INSTANCE``) selects the instance folder holding the
database, the index and local config.
"""
import sys

import click

from consortium.errors import ConsortiumError


class AppContext:
    """Builds the app on first use, so ``--help`` stays instant."""

    def __init__(self, instance: str | None):
        self.instance = instance
        self._app = None

    @property
    def app(self):
        if self._app is None:
            from consortium import create_app

            self._app = create_app(instance_path=self.instance)
        return self._app


pass_ctx = click.make_pass_decorator(AppContext)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--instance", envvar="CONSORTIUM_INSTANCE", type=click.Path(file_okay=False),
              help="Instance folder (database, index, config). Default: ./instance of the project.")
@click.pass_context
def main(ctx, instance):
    """Daodu consortium service."""
    ctx.obj = AppContext(instance)


def run_service(fn, *args, **kwargs):
    """Call a service; a domain error becomes a message and exit status 1, never a traceback."""
    try:
        return fn(*args, **kwargs)
    except ConsortiumError as exc:
        raise click.ClickException(exc.message) from None


@main.command()
@pass_ctx
def init(obj):
    """Create the database or upgrade it to the newest schema."""
    from consortium.db import get_engine
    from consortium.migrate import current_revision, upgrade

    engine = get_engine(obj.app)
    before = current_revision(engine)
    upgrade(engine)
    click.echo(f"Database {engine.url.render_as_string(hide_password=True)}: {before or 'empty'} → {current_revision(engine)}")


@main.group()
def members():
    """Member libraries."""


@members.command("add")
@click.argument("code")
@click.option("--name", required=True, help="Name (Chinese).")
@click.option("--name-en", help="English name.")
@click.option("--site-origin", "origins", multiple=True, help="Origin of the member's web site (for embeds).")
@pass_ctx
def members_add(obj, code, name, name_en, origins):
    """Add a member library."""
    from consortium.db import new_session
    from consortium.services.accounts import add_member

    with obj.app.app_context(), new_session(obj.app) as session:
        member = run_service(add_member, session, code, name, name_en, list(origins))
        click.echo(f"Added member {member.code}: {member.name}")


@members.command("list")
@pass_ctx
def members_list(obj):
    """List member libraries."""
    from consortium.db import new_session
    from consortium.services.accounts import list_members

    with obj.app.app_context(), new_session(obj.app) as session:
        for m in list_members(session):
            click.echo(f"{m.code}\t{m.name}\t{m.name_en or ''}")


@main.group()
def keys():
    """Member API keys."""


@keys.command("issue")
@click.argument("code")
@click.option("--label", help="What the key is for (e.g. 'nightly ILS sync').")
@pass_ctx
def keys_issue(obj, code, label):
    """Issue a key for a member; the key is printed alone on the last line, once."""
    from consortium.db import new_session
    from consortium.services.accounts import issue_key

    with obj.app.app_context(), new_session(obj.app) as session:
        key = run_service(issue_key, session, code, label)
    click.echo(f"New API key for {code.upper()} (store it now; only its hash is kept):")
    click.echo(key)


@keys.command("revoke")
@click.argument("code")
@click.option("--prefix", help="Revoke only the key starting with this; default: all of the member's keys.")
@pass_ctx
def keys_revoke(obj, code, prefix):
    """Revoke a member's keys."""
    from consortium.db import new_session
    from consortium.services.accounts import revoke_keys

    with obj.app.app_context(), new_session(obj.app) as session:
        count = run_service(revoke_keys, session, code, prefix)
    click.echo(f"Revoked {count} key(s) of {code.upper()}.")
    if count == 0:
        sys.exit(1)


@main.group()
def users():
    """Staff accounts."""


@users.command("add")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(["consortium_admin", "librarian", "liaison"]))
@click.option("--member", "member_code", help="Member code (required for librarians and liaisons).")
@click.option("--name", "display_name", help="Display name.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="Read from a prompt, or from stdin when piped.")
@pass_ctx
def users_add(obj, email, role, member_code, display_name, password):
    """Add a staff account (the password is never echoed or logged)."""
    from consortium.db import new_session
    from consortium.services.accounts import add_user

    with obj.app.app_context(), new_session(obj.app) as session:
        user = run_service(add_user, session, email, password, role, member_code, display_name)
    click.echo(f"Added {user.role} {user.email}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@pass_ctx
def serve(obj, host, port, threads):
    """Serve the app with waitress (and, in the embedded default, its background jobs)."""
    from consortium.server import serve_app

    serve_app(obj.app, host, port, threads)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Load the demo and exit.")
@pass_ctx
def demo(obj, host, port, no_serve):
    """Initialise, load the demo consortium (once) and serve it."""
    from consortium.db import get_engine
    from consortium.demo.loader import load_demo
    from consortium.migrate import upgrade
    from consortium.server import serve_app

    upgrade(get_engine(obj.app))
    with obj.app.app_context():
        for line in load_demo(obj.app):
            click.echo(line)
    if not no_serve:
        click.echo(f"Daodu demo at http://{host}:{port}/  (Ctrl+C to stop)")
        serve_app(obj.app, host, port, 8)

from consortium.mail.cli import mail_group  # noqa: E402  (the mail outbox commands)
main.add_command(mail_group)

from consortium.feeds_cli import origins as _feeds_origins  # noqa: E402  (the feeds feature's command)

members.add_command(_feeds_origins)
from consortium.reference_cli import reference_group, sweep_command  # noqa: E402  (reference queue commands)
main.add_command(sweep_command)
main.add_command(reference_group)
from consortium.search.cli import index_group, worker  # noqa: E402

main.add_command(index_group)
main.add_command(worker)
