"""``consortium members|keys|users …``: member libraries, their API keys and staff accounts."""
import sys

import click
from flask.cli import with_appcontext

from consortium.accounts import service
from consortium.accounts.origins import change_origins, normalise_origin
from consortium.db import new_session


@click.group("members")
def members_group():
    """Member libraries."""


@members_group.command("add")
@click.argument("code")
@click.option("--name", required=True, help="Name (Chinese).")
@click.option("--name-en", help="English name.")
@click.option("--site-origin", "origins", multiple=True, help="Origin of the member's web site (for embeds).")
@with_appcontext
def members_add(code, name, name_en, origins):
    """Add a member library."""
    with new_session() as session:
        member = service.add_member(session, code, name, name_en, [normalise_origin(o) for o in origins])
        click.echo(f"Added member {member.code}: {member.name}")


@members_group.command("list")
@with_appcontext
def members_list():
    """List member libraries."""
    with new_session() as session:
        for m in service.list_members(session):
            click.echo(f"{m.code}\t{m.name}\t{m.name_en or ''}")


@members_group.command("origins")
@click.argument("code")
@click.option("--add", "add", multiple=True, help="Register an origin (https://lib.example.edu.cn).")
@click.option("--remove", "remove", multiple=True, help="Unregister an origin.")
@with_appcontext
def members_origins(code, add, remove):
    """Show or change the web-site origins allowed to embed a member's feeds."""
    with new_session() as session:
        result = change_origins(session, None, code, list(add), list(remove))
    click.echo(f"Site origins of {code.upper()}: {', '.join(result) if result else '(none)'}")


@click.group("keys")
def keys_group():
    """Member API keys."""


@keys_group.command("issue")
@click.argument("code")
@click.option("--label", help="What the key is for (e.g. 'nightly ILS sync').")
@with_appcontext
def keys_issue(code, label):
    """Issue a key for a member; the key is printed alone on the last line, once."""
    with new_session() as session:
        key = service.issue_key(session, code, label)
    click.echo(f"New API key for {code.upper()} (store it now; only its hash is kept):")
    click.echo(key)


@keys_group.command("revoke")
@click.argument("code")
@click.option("--prefix", help="Revoke only the key starting with this; default: all of the member's keys.")
@with_appcontext
def keys_revoke(code, prefix):
    """Revoke a member's keys."""
    with new_session() as session:
        count = service.revoke_keys(session, code, prefix)
    click.echo(f"Revoked {count} key(s) of {code.upper()}.")
    if count == 0:
        sys.exit(1)


@click.group("users")
def users_group():
    """Staff accounts."""


@users_group.command("add")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(["consortium_admin", "librarian", "liaison"]))
@click.option("--member", "member_code", help="Member code (required for librarians and liaisons).")
@click.option("--name", "display_name", help="Display name.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="Read from a prompt, or from stdin when piped.")
@with_appcontext
def users_add(email, role, member_code, display_name, password):
    """Add a staff account (the password is never echoed or logged)."""
    if role != "consortium_admin" and not member_code:
        raise click.ClickException(f"A {role} belongs to one member library: give --member CODE.")
    with new_session() as session:
        user = service.add_user(session, email, password, role, member_code, display_name)
    click.echo(f"Added {user.role} {user.email}")


@users_group.command("password")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="Read from a prompt, or from stdin when piped.")
@with_appcontext
def users_password(email, password):
    """Set a staff account's password; every session of the account ends."""
    with new_session() as session:
        user = service.set_password(session, email, password)
    click.echo(f"Password changed for {user.email}; its sessions have ended.")
