"""``consortium catalogue …``: the union catalogue's consistency check and its repair."""
import json

import click
from flask import current_app
from flask.cli import with_appcontext

from consortium.catalogue import check as catalogue_check
from consortium.catalogue.views import concurrency_settings
from consortium.db import new_session
from search_index.backends import open_backend
from search_index.errors import SearchIndexError
from search_index.ports import BackendSettings


@click.group("catalogue")
def catalogue_group():
    """The union catalogue: consistency check and repair."""


@catalogue_group.command("check")
@click.option("--repair", is_flag=True, help="Merge duplicate works, move stranded holdings and drop unheld works "
                                             "from the index, each through the catalogue's services (change log, "
                                             "audit trail).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@with_appcontext
def check_command(repair, as_json):
    """Identifiers on more than one live work, holdings on merged-away works, unheld works still
    indexed. Exit status 1 when anything is (still) wrong."""
    app = current_app._get_current_object()
    indexed = _indexed_ids(app)
    with new_session(app) as session:
        report = catalogue_check.check(session, indexed)
        if repair and not report.clean:
            catalogue_check.repair(session, report, concurrency=concurrency_settings(app))
            after = catalogue_check.check(session, None)
            # the index follows the change log: the works just logged leave it at the next pass
            still_wrong = not after.clean
        else:
            still_wrong = not report.clean
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        _print(report, repair)
    if still_wrong:
        raise SystemExit(1)


def _indexed_ids(app) -> set[int] | None:
    """The work ids in the search index, or None when it cannot be read (it is not checked)."""
    try:
        backend = open_backend(app.config["SEARCH_BACKEND"], BackendSettings(index_dir=app.config["SEARCH_INDEX_DIR"]))
        return set(backend.writer().fingerprints())
    except (SearchIndexError, OSError, KeyError) as exc:
        click.echo(f"search index not checked: {exc}", err=True)
        return None


def _print(report, repaired: bool) -> None:
    click.echo(f"identifiers on more than one live work: {len(report.duplicates)} group(s)")
    for group in report.duplicates[:20]:
        click.echo(f"  works {', '.join(map(str, group['works']))}: {', '.join(group['identifiers'])}")
    click.echo(f"holdings on merged-away works: {len(report.stranded)}")
    for stranded in report.stranded[:20]:
        click.echo(f"  holding {stranded['holding_id']} ({stranded['local_id']}) on work {stranded['work_id']}")
    if report.index_checked:
        click.echo(f"works held by no member (or merged) still indexed: {len(report.unheld_indexed)}")
    if repaired:
        done = report.repaired
        click.echo(f"repaired: {done['merged']} merge(s), {done['moved']} holding(s) moved, "
                   f"{done['unindexed']} work(s) sent to leave the index")
    click.echo("clean" if report.clean else ("repaired" if repaired else "problems found"))
