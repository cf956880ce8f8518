"""``member-sync harvest``: drive the OAI-PMH harvester and push what it delivers.

The harvester (``member_sites.harvester``) fetches, checkpoints and applies the withdrawal
circuit breaker; this module only turns each delivered page into push batches and
withdrawals, and returns normally once the consortium acknowledged all of them — which is
the harvester's signal to checkpoint the page. A page interrupted half-way is delivered
again on the next run; the idempotent upsert and "already gone" withdrawals absorb that.
"""
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from member_sites.harvester import Harvester
from member_sites.summary import Summary
from member_sites.sync import MAX_BATCH, account_answer, count_result


def default_state_dir() -> Path:
    """``$XDG_STATE_HOME/daodu`` (``~/.local/state/daodu``): harvest checkpoints outlive the shell."""
    base = os.environ.get("XDG_STATE_HOME") or os.path.expanduser("~/.local/state")
    return Path(base) / "daodu"


def harvest_state_path(state_dir, base_url: str, member: str, prefix: str, set_spec: str | None) -> Path:
    """One state file per (repository, member, prefix, set), so harvests never share one."""
    tag = hashlib.sha256("\n".join((base_url, member.upper(), prefix, set_spec or "")).encode()).hexdigest()[:16]
    return Path(state_dir) / f"harvest-{tag}.json"


@dataclass
class HarvestOptions:
    base_url: str
    metadata_prefix: str = "oai_dc"
    set_spec: str | None = None
    force: bool = False
    state_dir: str | os.PathLike | None = None
    max_withdraw_share: float = 0.10


def harvest(client, options: HarvestOptions, progress=None) -> Summary:
    """Run (or resume) one harvest of ``options.base_url`` for the client's member."""
    state_dir = Path(options.state_dir) if options.state_dir else default_state_dir()
    state_path = harvest_state_path(state_dir, options.base_url, client.member, options.metadata_prefix,
                                    options.set_spec)
    state_path.parent.mkdir(parents=True, exist_ok=True)
    harvester = Harvester(options.base_url, metadata_prefix=options.metadata_prefix, set_spec=options.set_spec,
                          state_path=str(state_path), max_withdraw_share=options.max_withdraw_share)
    summary = Summary()

    def push_page(page) -> None:
        _push_page(client, page, summary)
        if progress is not None:
            progress.update(len(page.results) + len(page.deleted))

    outcome = harvester.harvest(push_page, holdings_count=client.holdings_count(), force=options.force)
    summary.notes.append(
        f"harvested {outcome.pages} page(s) from {outcome.from_date or 'the beginning'}"
        + (" (resumed an interrupted run)" if outcome.resumed else "")
        + (f"; next run asks for records from {harvester.next_from}" if harvester.next_from else ""))
    return summary


def _push_page(client, page, summary: Summary) -> None:
    for result in page.results:
        count_result(summary, result)
    usable = [r for r in page.results if r.ok]
    for start in range(0, len(usable), MAX_BATCH):
        batch = usable[start:start + MAX_BATCH]
        account_answer(summary, batch, client.push([r.record for r in batch]))
    for local_id in page.deleted:
        if client.withdraw(local_id):
            summary.withdrawn += 1
        else:
            summary.already_gone += 1
