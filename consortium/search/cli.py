"""``consortium index rebuild|check|status`` and ``consortium worker``: thin wrappers over
``consortium.search.operations``."""
import json
import signal
import sys
import threading

import click
from flask import current_app
from flask.cli import with_appcontext
from tqdm import tqdm

from consortium.jobs import get_jobs
from consortium.search import operations


@click.group("index")
def index_group():
    """The search index (derived from the database; always rebuildable)."""


@index_group.command("rebuild")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@with_appcontext
def index_rebuild(quiet):
    """Rebuild the whole index from the database, using both cores."""
    bar = tqdm(total=0, unit="works", disable=quiet, file=sys.stderr)

    def progress(done, total):
        bar.total = total
        bar.update(done - bar.n)

    report = operations.rebuild_index(current_app._get_current_object(), progress)
    bar.close()
    click.echo(f"Rebuilt the index: {report.works:,} works in {report.seconds:.1f}s; "
               f"checkpoint at change {report.checkpoint}.")


@index_group.command("check")
@click.option("--limit", default=50, show_default=True, help="Most ids listed per kind.")
@with_appcontext
def index_check(limit):
    """Compare the index with the database; exit status 1 when works are missing or stale."""
    report = operations.check(current_app._get_current_object())
    for label, work_ids in (("missing", report.missing), ("stale", report.stale),
                            ("not to be indexed", report.extra)):
        if work_ids:
            shown = ", ".join(str(i) for i in work_ids[:limit])
            more = f" … and {len(work_ids) - limit} more" if len(work_ids) > limit else ""
            click.echo(f"{len(work_ids)} {label}: {shown}{more}")
    click.echo(f"Checked {report.checked:,} works: {'clean' if report.clean else 'NOT clean'}.")
    if not report.clean:
        sys.exit(1)


@index_group.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
def index_status(as_json):
    """Show the backend, the index's content version, the checkpoint, the change-log head and
    the lag between them."""
    status = operations.status(current_app._get_current_object())
    if as_json:
        click.echo(json.dumps(status))
        return
    click.echo(f"Index {status['index_dir']} (backend {status['backend']}): "
               f"{status['documents'] if status['exists'] else 'not created yet'} documents, "
               f"generation {status['generation']}")
    click.echo(content_line(status))
    if status["cluster"]:
        click.echo(cluster_line(status["cluster"]))
    click.echo(f"Checkpoint {status['checkpoint']} of change-log head {status['head']}: "
               f"lag {status['lag']} changes, {status['open_gaps']} open gaps")


def cluster_line(cluster: dict) -> str:
    """The index on the cluster: health, shards and copies, and how its replicas follow."""
    follow = {"segment": "replicas copy the primaries' segments",
              "document": "replicas index every document"}.get(cluster.get("replication"), "")
    return (f"Cluster: health {cluster.get('health')}, {cluster.get('shards')} primary shards, "
            f"{cluster.get('copies')} shard copies" + (f"; {follow}" if follow else ""))


def content_line(status: dict) -> str:
    """Whether the index holds what this version writes (else the indexer rebuilds it)."""
    if not status["exists"]:
        return f"Content version {status['expected_version']} (written when the index is created)"
    if status["content_current"]:
        return f"Content version {status['content_version']} (current)"
    return (f"Content version {status['content_version'] or 'unknown'} differs from this version's "
            f"{status['expected_version']}: the indexer rebuilds the index before catching up")


@click.command("worker")
@click.option("--once", is_flag=True, help="Run the indexer once (catch up) and exit.")
@with_appcontext
def worker(once):
    """Run the background jobs (the index writer and the scheduled jobs) in this process."""
    app = current_app._get_current_object()
    if once:
        report = operations.catch_up(app)
        click.echo(f"Applied {report.changes} changes: {report.updated} works updated, {report.removed} removed.")
        return
    operations.prepare_writer_process()
    runner = get_jobs(app)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    click.echo(f"Worker running jobs: {', '.join(sorted(runner.jobs))} (Ctrl+C to stop)")
    runner.start()
    stop.wait()
    runner.stop()
    click.echo("Worker stopped.")
