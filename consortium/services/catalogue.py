"""The catalogue service: validate, match into union works, upsert holdings, log changes.

Everything one call does is one transaction; the change log rows that the indexer and the
feeds follow are written in it, so a rolled-back push never reaches them.
"""
import hashlib
import json
from dataclasses import dataclass, field

from sqlmodel import Session, select

from consortium import matching, normalise
from consortium.errors import NotFound, TooLarge
from consortium.models import ChangeLog, Holding, Member, PushBatch, Work, WorkIdentifier
from consortium.models.base import utcnow
from consortium.schemas.records import load_record
from consortium.uow import UnitOfWork


@dataclass
class BatchResult:
    batch_id: int | None = None
    accepted: int = 0
    unchanged: int = 0
    rejected: list = field(default_factory=list)
    works: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "batch_id": self.batch_id,
            "accepted": self.accepted,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "works": self.works,
        }


def ingest_batch(session: Session, member: Member, raw_records: list, *, source: str = "api",
                 max_batch: int = 1000, on_commit=None) -> BatchResult:
    """Push a batch of records for one member; bad records are reported, good ones stored."""
    if len(raw_records) > max_batch:
        raise TooLarge(f"A batch may carry at most {max_batch} records; this one has {len(raw_records)}.")
    result = BatchResult()
    with UnitOfWork(session) as uow:
        touched = _Touched()
        for index, raw in enumerate(raw_records):
            record, errors = load_record(raw)
            if errors:
                local_id = raw.get("local_id") if isinstance(raw, dict) else None
                result.rejected.append({"index": index, "local_id": local_id, "errors": errors})
                continue
            work_id, matched_by, changed = _upsert_holding(session, member, record, touched)
            result.works.append({"local_id": record["local_id"], "work_id": work_id, "matched_by": matched_by})
            if changed:
                result.accepted += 1
            else:
                result.unchanged += 1
        batch = _record_batch(session, member, source, len(raw_records), result)
        touched.write_log(session, member.id, batch.id)
        result.batch_id = batch.id
        if on_commit is not None:
            uow.after_commit(on_commit)
    result.accepted += result.unchanged
    return result


def withdraw_holding(session: Session, member: Member, local_id: str, *, on_commit=None) -> int:
    """Remove a member's holding; returns the work id it belonged to."""
    with UnitOfWork(session) as uow:
        holding = _find_holding(session, member.id, local_id)
        if holding is None:
            raise NotFound(f"Member {member.code} has no record {local_id!r}.")
        work_id = holding.work_id
        session.delete(holding)
        session.flush()
        touched = _Touched()
        _rederive(session, work_id, touched)
        touched.write_log(session, member.id, None)
        if on_commit is not None:
            uow.after_commit(on_commit)
    return work_id


class _Touched:
    """Works changed in this transaction, logged once each at the end."""

    def __init__(self):
        self.actions: dict[int, tuple[str, dict]] = {}

    def mark(self, work_id: int, action: str, payload: dict | None = None) -> None:
        if self.actions.get(work_id, ("",))[0] == "merge":
            return
        self.actions[work_id] = (action, payload or {})

    def write_log(self, session: Session, member_id: int, batch_id: int | None) -> None:
        for work_id, (action, payload) in sorted(self.actions.items()):
            session.add(ChangeLog(entity="work", entity_id=work_id, action=action, member_id=member_id,
                                  batch_id=batch_id, payload=payload))


def _record_batch(session, member, source, received, result) -> PushBatch:
    batch = PushBatch(member_id=member.id, source=source, received=received,
                      accepted=result.accepted + result.unchanged, unchanged=result.unchanged,
                      rejected=len(result.rejected), rejections=result.rejected)
    session.add(batch)
    session.flush()
    return batch


def _record_hash(record: dict) -> str:
    return hashlib.sha256(json.dumps(record, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _find_holding(session, member_id: int, local_id: str) -> Holding | None:
    return session.exec(select(Holding).where(Holding.member_id == member_id, Holding.local_id == local_id)).first()


def _upsert_holding(session, member, record, touched) -> tuple[int, str, bool]:
    digest = _record_hash(record)
    holding = _find_holding(session, member.id, record["local_id"])
    if holding is not None and holding.record_hash == digest:
        return holding.work_id, holding.matched_by, False
    decision = _match(session, record)
    target_id = decision.target_id or _new_work(session, record).id
    for absorbed in decision.absorb_ids:
        _merge(session, absorbed, target_id, touched)
    old_work_id = holding.work_id if holding is not None else None
    if holding is None:
        holding = Holding(member_id=member.id, local_id=record["local_id"], work_id=target_id,
                          matched_by=decision.matched_by, record_hash=digest)
    _fill_holding(holding, record, digest, target_id, decision.matched_by)
    session.add(holding)
    session.flush()
    _rederive(session, target_id, touched)
    if old_work_id is not None and old_work_id != target_id:
        _rederive(session, old_work_id, touched)
    return target_id, decision.matched_by, True


def _fill_holding(holding: Holding, record: dict, digest: str, work_id: int, matched_by: str) -> None:
    import datetime as dt

    for name in ("call_number", "location", "copies", "available", "url", "access", "coverage"):
        setattr(holding, name, record.get(name))
    holding.format = record.get("format") or "book"
    acquired = record.get("acquired_on")
    holding.acquired_on = dt.date.fromisoformat(acquired) if acquired else None
    holding.record = record
    holding.record_hash = digest
    holding.work_id = work_id
    holding.matched_by = matched_by
    holding.updated_at = utcnow()


def _match(session, record) -> matching.MatchDecision:
    carrier = matching.carrier_of(record.get("format"))
    isbns = set(record.get("isbns") or [])
    key = normalise.match_key(record["title"], record.get("authors") or [], record.get("year"))
    record["_match_key"] = key  # stripped again before storing, see _new_work/_rederive
    by_isbn = _candidates_by_identifier(session, "isbn", isbns)
    by_issn = _candidates_by_identifier(session, "issn", set(record.get("issns") or []))
    by_title = []
    if not by_isbn and not by_issn:
        rows = session.exec(select(Work).where(Work.match_key == key, Work.merged_into_id.is_(None))).all()
        by_title = [_candidate(w) for w in rows]
    record.pop("_match_key")
    return matching.decide_match(carrier, isbns, by_isbn, by_issn, by_title)


def _candidates_by_identifier(session, kind: str, values: set[str]) -> list[matching.Candidate]:
    if not values:
        return []
    rows = session.exec(
        select(Work).join(WorkIdentifier, WorkIdentifier.work_id == Work.id)
        .where(WorkIdentifier.kind == kind, WorkIdentifier.value.in_(sorted(values)), Work.merged_into_id.is_(None))
    ).all()
    return [_candidate(w) for w in {w.id: w for w in rows}.values()]


def _candidate(work: Work) -> matching.Candidate:
    return matching.Candidate(work.id, work.carrier, frozenset(work.isbns or []), work.match_key)


def _new_work(session, record) -> Work:
    work = Work(title=record["title"], carrier=matching.carrier_of(record.get("format")))
    session.add(work)
    session.flush()
    return work


def _merge(session, absorbed_id: int, target_id: int, touched: _Touched) -> None:
    """Move every holding of ``absorbed_id`` to ``target_id``; the old id becomes a redirect."""
    for holding in session.exec(select(Holding).where(Holding.work_id == absorbed_id)).all():
        holding.work_id = target_id
        session.add(holding)
    for earlier in session.exec(select(Work).where(Work.merged_into_id == absorbed_id)).all():
        earlier.merged_into_id = target_id
        session.add(earlier)
    absorbed = session.get(Work, absorbed_id)
    absorbed.merged_into_id = target_id
    absorbed.updated_at = utcnow()
    session.add(absorbed)
    _replace_identifiers(session, absorbed_id, [], [])
    session.flush()
    touched.mark(absorbed_id, "merge", {"into": target_id})


def _rederive(session, work_id: int, touched: _Touched) -> None:
    """Recompute a work from its holdings' records; a work with none left is deleted."""
    work = session.get(Work, work_id)
    holdings = session.exec(select(Holding).where(Holding.work_id == work_id).order_by(Holding.id)).all()
    if not holdings:
        work.updated_at = utcnow()
        session.add(work)
        touched.mark(work_id, "delete")
        return
    derived = matching.derive_work([h.record for h in holdings])
    for name, value in derived.items():
        setattr(work, name, value)
    work.carrier = matching.carrier_of(derived["format"])
    work.match_key = normalise.match_key(derived["title"], derived["authors"], derived["year"])
    work.updated_at = utcnow()
    session.add(work)
    _replace_identifiers(session, work_id, derived["isbns"], derived["issns"])
    touched.mark(work_id, "upsert")


def _replace_identifiers(session, work_id: int, isbns: list, issns: list) -> None:
    wanted = {("isbn", v) for v in isbns} | {("issn", v) for v in issns}
    existing = session.exec(select(WorkIdentifier).where(WorkIdentifier.work_id == work_id)).all()
    have = set()
    for row in existing:
        if (row.kind, row.value) in wanted:
            have.add((row.kind, row.value))
        else:
            session.delete(row)
    for kind, value in sorted(wanted - have):
        session.add(WorkIdentifier(work_id=work_id, kind=kind, value=value))
    session.flush()
