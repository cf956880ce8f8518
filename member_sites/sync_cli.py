"""The ``member-sync`` command: a member library's push client for the Daodu consortium.

Where to push comes from ``--url --member --key``, else the environment (``DAODU_URL``,
``DAODU_MEMBER``, ``DAODU_KEY``), else the ``[member-sync]`` section of the config file
(``--config``, default ``~/.config/daodu/member-sync.ini``)::

    [member-sync]
    url = https://daodu.example.edu.cn
    member = NJU
    key = dk_...

Exit status: 0 when everything went in, 1 when any record was rejected, 2 when the run
failed (consortium unreachable or refusing, unreadable file, bad configuration).
"""
import configparser
import os
import sys
from pathlib import Path

import click

from member_sites.errors import MemberSitesError
from member_sites.readers import FORMATS

DEFAULT_CONFIG = "~/.config/daodu/member-sync.ini"
SETTINGS = ("url", "member", "key")
EXIT_REJECTED = 1
EXIT_FAILED = 2


class Failed(click.ClickException):
    exit_code = EXIT_FAILED


def resolve_settings(options: dict, environ, config_path: str | None) -> dict:
    """Each of url/member/key from the option, else the environment, else the config file."""
    values = {name: options.get(name) or environ.get(f"DAODU_{name.upper()}") for name in SETTINGS}
    missing = [n for n in SETTINGS if not values[n]]
    if missing:
        path = Path(os.path.expanduser(config_path or DEFAULT_CONFIG))
        parser = configparser.ConfigParser()
        if path.exists():
            try:
                parser.read(path, encoding="utf-8")
            except configparser.Error as exc:
                raise Failed(f"cannot read config file {path}: {exc}") from None
        section = parser["member-sync"] if parser.has_section("member-sync") else {}
        for name in missing:
            values[name] = section.get(name)
    still = [n for n in SETTINGS if not values[n]]
    if still:
        raise Failed(f"missing {', '.join(still)}: give --{still[0]}, set DAODU_{still[0].upper()}, "
                     f"or put it in the [member-sync] section of {config_path or DEFAULT_CONFIG}")
    return values


def _progress(quiet: bool, description: str):
    from tqdm import tqdm

    return tqdm(desc=description, unit="rec", file=sys.stderr, disable=quiet, dynamic_ncols=True)


def _client(obj):
    from member_sites.client import ConsortiumClient
    from member_sites.retry import RetryPolicy

    settings = resolve_settings(obj["options"], os.environ, obj["config"])
    obj["url"] = settings["url"]

    def warn(message: str) -> None:
        if not obj["quiet"]:
            click.echo(f"member-sync: {message}", err=True)

    return ConsortiumClient(settings["url"], settings["member"], settings["key"],
                            policy=RetryPolicy(attempts=obj["retries"] + 1), timeout=obj["timeout"], on_retry=warn)


def _finish(summary, dry_run: bool = False) -> None:
    from member_sites.summary import render

    for line in render(summary, dry_run=dry_run):
        click.echo(line)
    sys.exit(EXIT_REJECTED if summary.rejected else 0)


def _guarded(fn, *args, **kwargs):
    """Run a sync step; a member_sites error is a one-line message and exit 2, not a traceback."""
    try:
        return fn(*args, **kwargs)
    except MemberSitesError as exc:
        raise Failed(str(exc)) from None
    except OSError as exc:
        raise Failed(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": ")) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--url", help="Consortium base URL (env DAODU_URL).")
@click.option("--member", help="Member code (env DAODU_MEMBER).")
@click.option("--key", help="Member API key (env DAODU_KEY).")
@click.option("--config", "config", type=click.Path(dir_okay=False),
              help=f"Config file with a [member-sync] section (default {DEFAULT_CONFIG}).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or retry messages.")
@click.option("--retries", default=7, show_default=True, type=click.IntRange(0, 100),
              help="Retries of a transient failure (connection error, 429, 5xx) before giving up.")
@click.option("--timeout", default=300.0, show_default=True, type=float, help="Seconds to wait for one answer.")
@click.pass_context
def main(ctx, url, member, key, config, quiet, retries, timeout):
    """Push a member library's records to the Daodu consortium."""
    ctx.obj = {"options": {"url": url, "member": member, "key": key}, "config": config, "quiet": quiet,
               "retries": retries, "timeout": timeout}


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", required=True, type=click.Choice(FORMATS), help="Format of FILE.")
@click.option("--dry-run", is_flag=True, help="Parse and report only; send nothing.")
@click.option("--batch-size", default=1000, show_default=True, type=click.IntRange(1, 1000))
@click.option("--state-dir", type=click.Path(file_okay=False),
              help="Folder for the checkpoint (default: FILE.member-sync.json beside the file).")
@click.option("--restart", is_flag=True, help="Ignore the checkpoint and push from the first record.")
@click.pass_obj
def push(obj, file, fmt, dry_run, batch_size, state_dir, restart):
    """Push the records of FILE; a rerun after a crash resumes where it stopped."""
    from member_sites import sync

    bar = _progress(obj["quiet"], "read" if dry_run else "pushed")
    try:
        if not obj["quiet"]:
            bar.total = _guarded(sync.count_records, file, fmt)
            bar.refresh()
        if dry_run:
            summary = _guarded(sync.dry_run, file, fmt, bar)
        else:
            client = _guarded(_client, obj)
            options = sync.PushOptions(fmt=fmt, batch_size=batch_size, state_dir=state_dir, restart=restart)
            summary = _guarded(sync.push_file, file, client, obj["url"], options, bar)
    finally:
        bar.close()
    _finish(summary, dry_run)


@main.command()
@click.argument("local_ids", nargs=-1, required=True)
@click.pass_obj
def withdraw(obj, local_ids):
    """Withdraw holdings by their local ids (one already gone is fine)."""
    from member_sites import sync

    client = _guarded(_client, obj)
    bar = _progress(obj["quiet"], "withdrawn")
    try:
        summary = _guarded(sync.withdraw_ids, client, local_ids, bar)
    finally:
        bar.close()
    _finish(summary)




@main.command()
@click.argument("base_url")
@click.option("--metadata-prefix", default="oai_dc", show_default=True, type=click.Choice(["oai_dc", "marc21"]))
@click.option("--set", "set_spec", help="Harvest only this OAI-PMH set (setSpec).")
@click.option("--force", is_flag=True, help="Apply a run even if it withdraws more than --max-withdraw of the holdings.")
@click.option("--max-withdraw", default=0.10, show_default=True, type=click.FloatRange(0, 1),
              help="Largest share of the member's holdings one run may withdraw without --force.")
@click.option("--state-dir", type=click.Path(file_okay=False),
              help="Folder for harvest checkpoints (default $XDG_STATE_HOME/daodu).")
@click.pass_obj
def harvest(obj, base_url, metadata_prefix, set_spec, force, max_withdraw, state_dir):
    """Harvest the member's OAI-PMH repository at BASE_URL and push it (incremental, resumable)."""
    from member_sites.harvest_sync import HarvestOptions
    from member_sites.harvest_sync import harvest as run_harvest

    client = _guarded(_client, obj)
    options = HarvestOptions(base_url, metadata_prefix, set_spec, force, state_dir, max_withdraw)
    bar = _progress(obj["quiet"], "harvested")
    try:
        summary = _guarded(run_harvest, client, options, bar)
    finally:
        bar.close()
    _finish(summary)


if __name__ == "__main__":  # python -m member_sites.sync_cli (what the tests run as a subprocess)
    main()
