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

    attempts = None if obj["retries"] is None else obj["retries"] + 1
    policy = RetryPolicy(attempts=attempts, retry_for=obj["retry_for"])
    return ConsortiumClient(settings["url"], settings["member"], settings["key"], policy=policy,
                            timeout=obj["timeout"], on_retry=warn)


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
@click.option("--retry-for", default=300.0, show_default=True, type=click.FloatRange(0, 86400),
              help="Seconds to keep retrying a transient failure (connection error, 429, 5xx) of one "
                   "request before giving up: long enough to ride out server restarts.")
@click.option("--retries", default=None, type=click.IntRange(0, 10000),
              help="Also give up after this many retries of one request (default: no count limit).")
@click.option("--timeout", default=300.0, show_default=True, type=float, help="Seconds to wait for one answer.")
@click.pass_context
def main(ctx, url, member, key, config, quiet, retry_for, retries, timeout):
    """Push a member library's records to the Daodu consortium."""
    ctx.obj = {"options": {"url": url, "member": member, "key": key}, "config": config, "quiet": quiet,
               "retries": retries, "retry_for": retry_for, "timeout": timeout}


@main.command()
@click.argument("file", type=click.Path(exists=True))
@click.option("--format", "fmt", required=True, type=click.Choice(FORMATS), help="Format of FILE.")
@click.option("--dry-run", is_flag=True, help="Parse and report only; send nothing.")
@click.option("--batch-size", default=1000, show_default=True, type=click.IntRange(1, 1000))
@click.option("--state-dir", type=click.Path(file_okay=False),
              help="Folder for checkpoints (default: FILE.member-sync.json beside each file).")
@click.option("--restart", is_flag=True, help="Ignore the checkpoints and push from the first record.")
@click.pass_obj
def push(obj, file, fmt, dry_run, batch_size, state_dir, restart):
    """Push the records of FILE, or of every export file in the folder FILE (in one run, in
    shared batches); a rerun after a crash resumes where it stopped."""
    from member_sites import push_files, sync

    folder, notes = os.path.isdir(file), []
    paths = _guarded(push_files.folder_files, file, fmt, notes) if folder else [Path(file)]
    bar = _progress(obj["quiet"], "read" if dry_run else "pushed")
    try:
        if not obj["quiet"]:
            bar.total = sum(_guarded(sync.count_records, path, fmt) for path in paths) if not folder else None
            bar.refresh()
        if dry_run:
            summary = push_files.dry_run_paths(paths, fmt, bar) if folder else _guarded(sync.dry_run, file, fmt, bar)
        else:
            client = _guarded(_client, obj)
            options = sync.PushOptions(fmt=fmt, batch_size=batch_size, state_dir=state_dir, restart=restart)
            summary = _guarded(push_files.push_paths, paths, client, obj["url"], options, bar, keep_going=folder)
    finally:
        bar.close()
    summary.notes[:0] = notes + ([f"{len(paths)} file(s) in {file}"] if folder else [])
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
