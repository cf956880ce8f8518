"""``index check`` and ``index status``: compare the index with the database, show the lag
and whether the index's content version is the one this code writes."""
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from sqlmodel import Session

from consortium.search import indexer, source
from search_index.documents import fingerprint
from search_index.ports import SearchWriter


@dataclass
class CheckReport:
    checked: int = 0
    missing: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    extra: list[int] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.missing or self.stale or self.extra)


def check_index(engine: Engine, writer: SearchWriter) -> CheckReport:
    """Works the index lacks (missing), holds in an old form (stale) or should not hold (extra)."""
    indexed = writer.fingerprints()
    report = CheckReport()
    with Session(engine) as session:
        for work_id, doc in source.iter_live_documents(session):
            if doc is None:
                continue
            report.checked += 1
            stamp = indexed.pop(work_id, None)
            if stamp is None:
                report.missing.append(work_id)
            elif stamp != fingerprint(doc):
                report.stale.append(work_id)
    report.extra = sorted(indexed)
    return report


# What a backend on a cluster reports of it (``IndexStatus.details``), shown by ``index status``.
CLUSTER_DETAILS = ("health", "shards", "copies", "replication")


def index_status(engine: Engine, writer: SearchWriter) -> dict:
    """The backend, the index's size and content version, the checkpoint, the change-log
    head and the lag (changes not yet applied); on a cluster its health, primary shards,
    shard copies and how replicas follow (``cluster``; None for an index on this machine)."""
    with Session(engine) as session:
        progress = indexer.load_progress(session)
        head = source.max_change_id(session)
        lag = source.count_changes_after(session, progress.last_id)
    status = writer.status()
    return {"backend": status.backend, "index_dir": status.location, "exists": status.exists,
            "documents": status.documents, "generation": status.details.get("generation"),
            "content_version": status.content_version, "expected_version": status.expected_version,
            "content_current": status.current, "checkpoint": progress.last_id, "head": head,
            "lag": lag, "open_gaps": len(progress.gaps),
            "cluster": {key: status.details[key] for key in CLUSTER_DETAILS if key in status.details} or None}


def needs_rebuild(engine: Engine, writer: SearchWriter) -> bool:
    """Whether the index must be rebuilt before catching up: written with another content
    version, or gone while the checkpoint says changes were applied to it."""
    status = writer.status()
    if status.exists:
        return not status.current
    with Session(engine) as session:
        return indexer.load_progress(session).last_id > 0
