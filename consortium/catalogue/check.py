"""``consortium catalogue check``: what concurrency (or a bug) can leave wrong in the union
catalogue, found from the database, and repaired through the same services as a librarian's
corrections (locks, change log, audit trail).

- identifiers on more than one live work that the matching rules would have joined
  (``matching.should_join``: not another carrier, edition or title, not kept apart);
- holdings on merged-away works (a merge that missed a concurrent push's holding);
- works that are merged away or held by no member but still in the search index
  (``indexed``: the ids the index holds, when the caller could read them).
"""
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlmodel import Session

from consortium.catalogue import corrections, locking, matching, writes
from consortium.catalogue.corrections import CHECK_COMMAND, Actor
from consortium.catalogue.locking import DEFAULT_CONCURRENCY, Concurrency
from consortium.catalogue.writes import WI, H, W, chunks
from consortium.db.columns import utcnow
from consortium.db.uow import UnitOfWork

_COLUMNS = (W.c.id, W.c.carrier, W.c.format, W.c.isbns, W.c.issns, W.c.match_key, W.c.title, W.c.subtitle,
            W.c.edition, W.c.publisher)


@dataclass
class CheckReport:
    """What ``check`` found (and, with ``repair``, what it did)."""

    duplicates: list[dict] = field(default_factory=list)  # {"identifiers": [...], "works": [ids]}
    stranded: list[dict] = field(default_factory=list)  # holdings on merged-away works
    unheld_indexed: list[int] = field(default_factory=list)
    index_checked: bool = False
    repaired: dict = field(default_factory=lambda: {"merged": 0, "moved": 0, "unindexed": 0})

    @property
    def clean(self) -> bool:
        return not (self.duplicates or self.stranded or self.unheld_indexed)

    def as_dict(self) -> dict:
        return {"clean": self.clean, "duplicates": self.duplicates, "stranded_holdings": self.stranded,
                "unheld_indexed": self.unheld_indexed, "index_checked": self.index_checked,
                "repaired": self.repaired}


def check(session: Session, indexed: set[int] | None = None) -> CheckReport:
    """Find the problems (reads only)."""
    report = CheckReport(index_checked=indexed is not None)
    report.duplicates = duplicate_works(session)
    report.stranded = stranded_holdings(session)
    if indexed is not None:
        report.unheld_indexed = unheld_indexed(session, indexed)
    return report


def duplicate_works(session: Session) -> list[dict]:
    """Groups of live works sharing identifiers that the matching rules would have joined."""
    conn = session.connection()
    shared = conn.execute(select(WI.c.kind, WI.c.value).join(W, W.c.id == WI.c.work_id)
                          .where(W.c.merged_into_id.is_(None)).group_by(WI.c.kind, WI.c.value)
                          .having(func.count(func.distinct(WI.c.work_id)) > 1)).all()
    by_ident: dict[tuple, set[int]] = defaultdict(set)
    for part in chunks(sorted(shared)):
        for kind in ("isbn", "issn"):
            values = [v for k, v in part if k == kind]
            if values:
                rows = conn.execute(select(WI.c.kind, WI.c.value, WI.c.work_id).join(W, W.c.id == WI.c.work_id)
                                    .where(WI.c.kind == kind, WI.c.value.in_(values), W.c.merged_into_id.is_(None)))
                for k, v, work_id in rows:
                    by_ident[(k, v)].add(work_id)
    works = _candidates(conn, {i for ids in by_ident.values() for i in ids})
    apart = frozenset(writes.apart_pairs(conn, list(works)))
    parent: dict[int, int] = {}
    idents: dict[frozenset, set] = defaultdict(set)
    for ident, ids in by_ident.items():
        ordered = sorted(ids)
        for n, a in enumerate(ordered):
            for b in ordered[n + 1:]:
                if matching.should_join(works[a], works[b], apart):
                    _union(parent, a, b)
                    idents[frozenset((a, b))].add(f"{ident[0]}:{ident[1]}")
    groups: dict[int, set[int]] = defaultdict(set)
    for work_id in parent:
        groups[_find(parent, work_id)].add(work_id)
    out = []
    for members in groups.values():
        names = sorted({i for pair, found in idents.items() if pair <= members for i in found})
        out.append({"identifiers": names, "works": sorted(members)})
    return sorted(out, key=lambda g: g["works"])


def stranded_holdings(session: Session) -> list[dict]:
    conn = session.connection()
    rows = conn.execute(select(H.c.id, H.c.member_id, H.c.local_id, H.c.work_id).join(W, W.c.id == H.c.work_id)
                        .where(W.c.merged_into_id.is_not(None)).order_by(H.c.id)).all()
    return [{"holding_id": h, "member_id": m, "local_id": local, "work_id": w} for h, m, local, w in rows]


def unheld_indexed(session: Session, indexed: set[int]) -> list[int]:
    """Indexed ids whose work is merged away, held by no member, or gone."""
    conn = session.connection()
    ids = sorted(indexed)
    live_held = set()
    for part in chunks(ids):
        live_held.update(conn.execute(select(W.c.id).where(W.c.id.in_(part), W.c.merged_into_id.is_(None))
                                      .where(select(H.c.id).where(H.c.work_id == W.c.id).exists())).scalars())
    return [i for i in ids if i not in live_held]


def repair(session: Session, report: CheckReport, actor: Actor = CHECK_COMMAND, on_commit=None,
           concurrency: Concurrency = DEFAULT_CONCURRENCY) -> CheckReport:
    """Merge each duplicate group into its oldest work, move stranded holdings to the work
    their work was merged into, and tell the index to drop unheld works; each a transaction."""
    for group in report.duplicates:
        target, *others = group["works"]
        for other in others:
            corrections.merge_works(session, actor, target, other, "catalogue check: the works share "
                                    + ", ".join(group["identifiers"]) + " and the matching rules join them",
                                    pin=False, on_commit=on_commit, concurrency=concurrency)
            report.repaired["merged"] += 1
    for stranded in report.stranded:
        report.repaired["moved"] += _move_stranded(session, actor, stranded, on_commit, concurrency)
    if report.unheld_indexed:
        _unindex(session, actor, report.unheld_indexed, on_commit)
        report.repaired["unindexed"] = len(report.unheld_indexed)
    return report


def _move_stranded(session: Session, actor: Actor, stranded: dict, on_commit, concurrency: Concurrency) -> int:
    def attempt() -> int:
        with UnitOfWork(session) as uow:
            conn = session.connection()
            locking.lock_keys(conn, (), concurrency.lock_timeout)
            target = _final(conn, stranded["work_id"])
            locking.lock_works(conn, [target])
            moved = conn.execute(writes.H.update().where(H.c.id == stranded["holding_id"],
                                                         H.c.work_id == stranded["work_id"])
                                 .values(work_id=target, updated_at=utcnow())).rowcount
            if moved:
                decision = corrections.record_decision(
                    conn, actor, "repair", target, stranded["work_id"],
                    "catalogue check: the holding stayed on a merged-away work; moved to the work it was merged into",
                    holding=(stranded["member_id"], stranded["local_id"]))
                actions = {w: (a, {"decision": decision}) for w, a in writes.rederive_works(conn, {target}).items()}
                writes.write_change_log(conn, actions, None, None)
            if on_commit is not None:
                uow.after_commit(on_commit)
        return moved

    return locking.with_retry(session, attempt, concurrency, "repair")


def _unindex(session: Session, actor: Actor, work_ids: list[int], on_commit) -> None:
    """A change-log row per work: the indexer finds it unheld or merged and removes it."""
    with UnitOfWork(session) as uow:
        conn = session.connection()
        merged = dict(conn.execute(select(W.c.id, W.c.merged_into_id).where(W.c.id.in_(work_ids))).all())
        actions = {}
        for work_id in work_ids:
            if work_id not in merged:
                continue  # gone from the database: nothing to name in the change log
            decision = corrections.record_decision(conn, actor, "repair", work_id, merged[work_id],
                                                   "catalogue check: held by no member but still in the search index")
            payload = {"into": merged[work_id], "decision": decision} if merged[work_id] else {"decision": decision}
            actions[work_id] = ("merge" if merged[work_id] else "delete", payload)
        writes.write_change_log(conn, actions, None, None)
        if on_commit is not None:
            uow.after_commit(on_commit)


def _final(conn, work_id: int) -> int:
    seen = {work_id}
    while True:
        into = conn.execute(select(W.c.merged_into_id).where(W.c.id == work_id)).scalar()
        if into is None or into in seen:
            return work_id
        seen.add(into)
        work_id = into


def _candidates(conn, ids: set[int]) -> dict[int, matching.Candidate]:
    works = {}
    for part in chunks(sorted(ids)):
        for row in conn.execute(select(*_COLUMNS).where(W.c.id.in_(part))).mappings():
            works[row["id"]] = matching.candidate_of(row["id"], row)
    return works


def _find(parent: dict, a: int) -> int:
    while parent.get(a, a) != a:
        a = parent[a]
    return a


def _union(parent: dict, a: int, b: int) -> None:
    parent.setdefault(a, a)
    parent.setdefault(b, b)
    ra, rb = _find(parent, a), _find(parent, b)
    if ra != rb:
        parent[max(ra, rb)] = min(ra, rb)
