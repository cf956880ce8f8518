"""``consortium members origins CODE [--add URL] [--remove URL]``: a member's site origins."""
import click

from consortium.cli import pass_ctx, run_service


@click.command("origins")
@click.argument("code")
@click.option("--add", "add", multiple=True, help="Register an origin (https://lib.example.edu.cn).")
@click.option("--remove", "remove", multiple=True, help="Unregister an origin.")
@pass_ctx
def origins(obj, code, add, remove):
    """Show or change the web-site origins allowed to embed a member's feeds."""
    from consortium.db import new_session
    from consortium.services.site_origins import change_origins

    with obj.app.app_context(), new_session(obj.app) as session:
        result = run_service(change_origins, session, None, code, list(add), list(remove))
    click.echo(f"Site origins of {code.upper()}: {', '.join(result) if result else '(none)'}")
