"""``index check`` and ``index status``: compare the index with the database, show the lag."""
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from sqlmodel import Session

from search_index import indexer, source, store
from search_index.documents import fingerprint


@dataclass
class CheckReport:
    checked: int = 0
    missing: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    extra: list[int] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.missing or self.stale or self.extra)


def check_index(engine: Engine, index_dir: str) -> CheckReport:
    """Works the index lacks (missing), holds in an old form (stale) or should not hold (extra)."""
    indexed = _indexed_stamps(index_dir)
    report = CheckReport()
    with Session(engine) as session:
        for work_id, doc in source.iter_live_documents(session):
            if doc is None:
                continue
            report.checked += 1
            stamp = indexed.pop(work_id, None)
            if stamp is None:
                report.missing.append(work_id)
            elif stamp != fingerprint(doc["payload"]):
                report.stale.append(work_id)
    report.extra = sorted(indexed)
    return report


def _indexed_stamps(index_dir: str) -> dict[int, str]:
    ix = store.open_for_reading(index_dir)
    if ix is None:
        return {}
    with ix.searcher() as searcher:
        stamps = {int(f["id"]): fingerprint(f["payload"]) for f in searcher.all_stored_fields()}
    ix.close()
    return stamps


def index_status(engine: Engine, index_dir: str) -> dict:
    """Checkpoint, change-log head, lag (changes not yet applied), and the index's size."""
    with Session(engine) as session:
        progress = indexer.load_progress(session)
        head = source.max_change_id(session)
        lag = source.count_changes_after(session, progress.last_id)
    ix = store.open_for_reading(index_dir)
    documents = generation = None
    if ix is not None:
        documents, generation = ix.doc_count(), ix.latest_generation()
        ix.close()
    return {"index_dir": index_dir, "exists": ix is not None, "documents": documents,
            "generation": generation, "checkpoint": progress.last_id, "head": head,
            "lag": lag, "open_gaps": len(progress.gaps)}
