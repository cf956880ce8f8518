"""The ``consortium`` command: one click group that imports each feature's commands.

``--instance PATH`` (or ``CONSORTIUM_INSTANCE``) selects the instance folder holding the
database, the index and local config. Commands are thin wrappers over services: they run in
an app context (Flask's ``with_appcontext``, the app built on first use, so ``--help`` builds
nothing) and a domain error becomes its message and exit status 1, never a traceback.
"""
import os

import click
from flask import current_app
from flask.cli import ScriptInfo, with_appcontext

from consortium import create_app
from consortium.accounts.cli import keys_group, members_group, users_group
from consortium.catalogue.cli import catalogue_group
from consortium.db import get_engine
from consortium.db.migrate import current_revision, upgrade
from consortium.db.provision import ensure_database
from consortium.demo.loader import load_demo
from consortium.errors import ConsortiumError
from consortium.mail.cli import mail_group
from consortium.management.cli import scorecards_command
from consortium.operations.backup import export_dump, import_dump
from consortium.reference.cli import reference_group, sweep_command
from consortium.search.cli import index_group, worker
from consortium.search.operations import rebuild_index
from consortium.server import serve_app
from consortium.subscriptions.cli import digests_group, subscriptions_group


class ConsortiumGroup(click.Group):
    """The root group: maps domain errors raised by any command to a one-line message."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ConsortiumError as exc:
            raise click.ClickException(exc.message) from None


@click.group(cls=ConsortiumGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--instance", envvar="CONSORTIUM_INSTANCE", type=click.Path(file_okay=False),
              help="Instance folder (database, index, config). Default: ./instance of the project.")
@click.pass_context
def main(ctx, instance):
    """Daodu consortium service."""
    ctx.obj = ScriptInfo(create_app=lambda: create_app(instance_path=instance), set_debug_flag=False)


@main.command()
@click.option("--create-database", is_flag=True,
              help="On PostgreSQL, create the database the URL names when it does not exist (the user needs "
                   "CREATEDB); without it a missing database is an error that says what to run.")
@with_appcontext
def init(create_database):
    """Create the database or upgrade it to the newest schema."""
    engine = get_engine()
    url = engine.url.render_as_string(hide_password=False)
    if ensure_database(url, create=create_database):
        click.echo(f"Created the database {engine.url.database!r}.")
    before = current_revision(engine)
    upgrade(engine)
    click.echo(f"Database {engine.url.render_as_string(hide_password=True)}: {before or 'empty'} → {current_revision(engine)}")
    engine.dispose()  # a one-shot command: its pooled connections close now, not when collected


@main.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
@with_appcontext
def export_command(path, force):
    """Write the whole database to PATH (a zip of JSON lines), readable by import-dump on SQLite
    or PostgreSQL. Runs in one read transaction while the service keeps running."""
    if os.path.exists(path) and not force:
        raise click.ClickException(f"{path} exists; choose another name or pass --force.")
    report = export_dump(get_engine(), path, lambda table, n: click.echo(f"  {table}: {n:,} rows"))
    click.echo(f"Exported {report.total:,} rows of schema revision {report.revision} to {path}.")


@main.command("import-dump")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--no-index", is_flag=True, help="Do not rebuild the search index (the worker rebuilds it).")
@with_appcontext
def import_dump_command(path, no_index):
    """Restore a dump written by export into this instance's new, empty database (create it and
    run init first), then rebuild the search index from it."""
    app = current_app._get_current_object()
    report = import_dump(get_engine(app), path, lambda table, n: click.echo(f"  {table}: {n:,} rows"))
    click.echo(f"Restored {report.total:,} rows of schema revision {report.revision}.")
    if not no_index:
        rebuilt = rebuild_index(app)
        click.echo(f"Rebuilt the search index: {rebuilt.works:,} works in {rebuilt.seconds:.1f}s.")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@with_appcontext
def serve(host, port, threads):
    """Serve the app with waitress (and, in the embedded default, its background jobs)."""
    serve_app(current_app._get_current_object(), host, port, threads)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Load the demo and exit.")
@click.option("--synthetic", default=0, show_default=True, type=click.IntRange(0, 2_000_000),
              help="Also push this many generated records (member NJU), for a larger catalogue.")
@with_appcontext
def demo(host, port, no_serve, synthetic):
    """Initialise, load the demo consortium (once) and serve it."""
    app = current_app._get_current_object()
    upgrade(get_engine(app))
    for line in load_demo(app, synthetic=synthetic):
        click.echo(line)
    if not no_serve:
        click.echo(f"Daodu demo at http://{host}:{port}/  (Ctrl+C to stop)")
        serve_app(app, host, port, 8)


for command in (members_group, keys_group, users_group, catalogue_group, mail_group, sweep_command, reference_group,
                scorecards_command, index_group, worker, digests_group, subscriptions_group):
    main.add_command(command)
