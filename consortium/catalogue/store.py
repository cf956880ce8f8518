"""Set-at-a-time reads and writes of the catalogue tables for one push transaction.

The catalogue service decides record by record (pure ``matching``), but talks to the
database a batch at a time through SQLAlchemy Core: one query loads the member's existing
holdings, one the candidate works by identifier, one by title key, one the pairs of works
kept apart. Decisions are made in memory first; the works they change are then locked in id
order (``locking``) and new works, merges, holdings, re-derived works, identifiers, reviews
and change-log rows are written in bulk (``writes`` holds what corrections share).
"""
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import bindparam, insert, select, text, update
from sqlalchemy.engine import Connection

from consortium.catalogue import matching, normalise, writes
from consortium.catalogue.writes import WI, H, W, chunks
from consortium.db.columns import utcnow
from consortium.db.engine import as_stored_text, decode_json_texts

HOLDING_FIELDS = ("call_number", "location", "copies", "available", "url", "access", "coverage")
# the identifier lists as their stored JSON text, decoded in one go per row (``_remember``):
# SQLAlchemy's JSON type decodes each value on its own, a tenth of a merging push
_CANDIDATE_COLUMNS = (W.c.id, W.c.carrier, W.c.format, as_stored_text(W.c.isbns), as_stored_text(W.c.issns),
                      W.c.match_key, W.c.title, W.c.subtitle, W.c.edition, W.c.publisher)
_INSERT_WORK = insert(W).returning(W.c.id)  # built once: compiled once, executed with parameters


def identifiers_of(record: dict) -> list[tuple[str, str]]:
    return [("isbn", v) for v in record.get("isbns") or []] + [("issn", v) for v in record.get("issns") or []]


def lock_keys_of(member_id: int, records: Iterable[tuple[dict, str | None]]) -> list[tuple]:
    """The match keys a batch may create or attach works for, and the holdings it writes."""
    keys = []
    for record, key in records:
        keys.extend(identifiers_of(record))
        keys.append(("holding", member_id, record["local_id"]))
        if key:
            keys.append(("key", key))
    return keys


class CatalogueView:
    """What one batch knows of the catalogue, kept current as the batch adds and merges works."""

    def __init__(self, conn: Connection, member_id: int):
        self.conn = conn
        self.member_id = member_id
        self.holdings: dict[str, dict] = {}
        self.works: dict[int, matching.Candidate] = {}
        self.by_ident: dict[tuple[str, str], set[int]] = defaultdict(set)
        self.by_key: dict[str, set[int]] = defaultdict(set)
        self.apart: set[frozenset] = set()
        # works this batch created, with the values inserted, and the works merges grew
        self.created: dict[int, dict] = {}
        self.merge_targets: set[int] = set()
        # existing works the batch changes (locked before writing), merges in decision order
        self.touched: set[int] = set()
        self.merges: list[tuple[int, int]] = []
        self.redirect: dict[int, int] = {}
        # new works' ids known in advance, and the rows waiting for ``flush``
        self._ids = WorkIds(conn)
        self._pending: list[dict] = []

    def preload(self, records: list[dict], keys: set[str]) -> None:
        """Load the member's holdings, candidate works by identifier and by title key, the
        works its placed holdings sit on, and the pairs of them kept apart."""
        local_ids = sorted({r["local_id"] for r in records})
        for part in chunks(local_ids):
            query = select(H.c.id, H.c.local_id, H.c.work_id, H.c.record_hash, H.c.matched_by, H.c.decision_id).where(
                H.c.member_id == self.member_id, H.c.local_id.in_(part))
            for row in self.conn.execute(query).mappings():
                self.holdings[row["local_id"]] = dict(row)
        idents = sorted({i for r in records for i in identifiers_of(r)})
        for kind in ("isbn", "issn"):
            values = [v for k, v in idents if k == kind]
            for part in chunks(values):
                query = (select(WI.c.kind, WI.c.value, *_CANDIDATE_COLUMNS).join(W, W.c.id == WI.c.work_id)
                         .where(WI.c.kind == kind, WI.c.value.in_(part), W.c.merged_into_id.is_(None)))
                for row in self.conn.execute(query).mappings():
                    self._remember(row)
                    self.by_ident[(row["kind"], row["value"])].add(row["id"])
        for part in chunks(sorted(k for k in keys if k)):
            query = select(*_CANDIDATE_COLUMNS).where(W.c.match_key.in_(part), W.c.merged_into_id.is_(None))
            for row in self.conn.execute(query).mappings():
                self._remember(row)
                self.by_key[row["match_key"]].add(row["id"])
        placed = sorted({h["work_id"] for h in self.holdings.values() if h["decision_id"] is not None})
        for part in chunks([i for i in placed if i not in self.works]):
            for row in self.conn.execute(select(*_CANDIDATE_COLUMNS).where(W.c.id.in_(part))).mappings():
                self._remember(row)
        self.apart = writes.apart_pairs(self.conn, list(self.works))

    def _remember(self, row) -> None:
        if row["id"] not in self.works:
            isbns, issns = decode_json_texts([row["isbns"], row["issns"]])
            self.works[row["id"]] = matching.candidate_of(row["id"], {**row, "isbns": isbns, "issns": issns})

    def decide(self, record: dict, key: str | None) -> tuple[matching.MatchDecision, matching.Probe]:
        by = {kind: self._candidates(self.by_ident[(kind, v)] for v in record.get(f"{kind}s") or [])
              for kind in ("isbn", "issn")}
        by_title = self._candidates([self.by_key[key]]) if key else []
        probe = matching.probe_of(record)
        return matching.decide_match(probe, by["isbn"], by["issn"], by_title, frozenset(self.apart)), probe

    def _candidates(self, id_sets: Iterable[set[int]]) -> list[matching.Candidate]:
        ids = sorted({i for ids in id_sets for i in ids})
        return [self.works[i] for i in ids]

    def new_work(self, record: dict, key: str | None, probe: matching.Probe) -> int:
        now = utcnow()
        values = {name: record.get(name) for name in writes.DERIVED_FIELDS}
        values["format"] = record.get("format") or "book"
        for name in ("authors", "isbns", "issns", "subjects"):
            values[name] = values[name] or []
        values.update(writes.keys_of(values), match_key=key, created_at=now, updated_at=now)
        work_id = self._ids.take()
        if work_id is None:  # no id known in advance: insert now and learn it
            work_id = self.conn.execute(_INSERT_WORK, values).scalar_one()
            self._ids.inserted(work_id)
        else:
            self._pending.append({**values, "id": work_id})
        self.created[work_id] = values
        self.works[work_id] = matching.candidate_of_probe(work_id, probe, key)
        return work_id

    def attach(self, work_id: int, record: dict, key: str | None) -> None:
        """The record now belongs to ``work_id``: later records may match it by its identifiers."""
        for ident in identifiers_of(record):
            self.by_ident[ident].add(work_id)
        if key:
            self.by_key[key].add(work_id)
        self.works[work_id] = matching.with_identifiers(self.works[work_id], record.get("isbns") or (),
                                                        record.get("issns") or ())
        self.touch(work_id)

    def touch(self, work_id: int) -> None:
        """An existing work this batch changes (new works need no lock)."""
        if work_id not in self.created:
            self.touched.add(work_id)

    def merge(self, absorbed: int, target: int) -> None:
        """Decide that ``absorbed`` merges into ``target`` (written by ``write_merges``)."""
        self.merges.append((absorbed, target))
        self.redirect[absorbed] = target
        self.touch(absorbed)
        self.touch(target)
        for index in (self.by_ident, self.by_key):
            for ids in index.values():
                if absorbed in ids:
                    ids.discard(absorbed)
                    ids.add(target)
        self.apart = {frozenset(target if i == absorbed else i for i in pair) for pair in self.apart}
        self.apart = {pair for pair in self.apart if len(pair) == 2}
        merged = self.works.pop(absorbed)
        self.created.pop(absorbed, None)
        self.merge_targets.add(target)
        self.works[target] = matching.absorbed(self.works[target], merged)

    def final(self, work_id: int) -> int:
        """Where a work of this batch's decisions ended up after the batch's merges."""
        while work_id in self.redirect:
            work_id = self.redirect[work_id]
        return work_id

    def flush(self) -> None:
        """Insert the new works not yet written (before anything that reads or updates them)."""
        for part in chunks(self._pending):
            self.conn.execute(insert(W), part)
        self._pending = []

    def write_merges(self) -> None:
        """Carry out the decided merges in order (after the works were locked and flushed)."""
        for absorbed, target in self.merges:
            writes.move_work(self.conn, absorbed, target)


class WorkIds:
    """Ids for a transaction's new works without a round trip each, so they are inserted in
    bulk. PostgreSQL: blocks of the id sequence (an unused id is a gap, as after a rollback).
    SQLite: the transaction's first new work is inserted alone, and the next ones take the
    ids after its id: the transaction holds the database's write lock from its start, so no
    other transaction adds works until this one ends. Other databases: none (each new work is
    inserted alone)."""

    def __init__(self, conn: Connection):
        self._conn = conn
        self._dialect = conn.dialect.name
        self._free: list[int] = []  # reserved ids, the next one last
        self._block = 16
        self._next: int | None = None

    def take(self) -> int | None:
        if self._free:
            return self._free.pop()
        if self._next is not None:
            self._next += 1
            return self._next - 1
        if self._dialect == "postgresql":
            ids = self._conn.execute(text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                                          "FROM generate_series(1, :count)"),
                                     {"table": W.name, "count": self._block}).scalars().all()
            self._block = min(self._block * 2, 1024)
            self._free = sorted(ids, reverse=True)
            return self._free.pop()
        return None

    def inserted(self, work_id: int) -> None:
        """A new work was inserted alone and given ``work_id``."""
        if self._dialect == "sqlite":
            self._next = work_id + 1


def holding_values(record: dict, digest: str, work_id: int, matched_by: str) -> dict:
    acquired = record.get("acquired_on")
    values = {name: record.get(name) for name in HOLDING_FIELDS}
    values.update(format=record.get("format") or "book", record=record, record_hash=digest, work_id=work_id,
                  matched_by=matched_by, updated_at=utcnow(),
                  acquired_on=dt.date.fromisoformat(acquired) if acquired else None)
    return values


def insert_holdings(conn: Connection, member_id: int, rows: list[dict], seen_at=None) -> None:
    now = seen_at or utcnow()
    for part in chunks(rows):
        conn.execute(insert(H), [{**row, "member_id": member_id, "first_seen_at": now} for row in part])


def update_holdings(conn: Connection, rows: list[dict]) -> None:
    """Rewrite changed holdings in place; ``first_seen_at`` is never touched."""
    if not rows:
        return
    names = [n for n in rows[0] if n != "hid"]
    statement = update(H).where(H.c.id == bindparam("hid")).values({n: bindparam(n) for n in names})
    for part in chunks(rows):
        conn.execute(statement, part)


def fresh_works(view: CatalogueView, inserts: list[dict], updates: list[dict]) -> dict[int, tuple[list, dict]]:
    """Works this batch created whose holdings are all new rows of this batch: ``{work_id:
    (records in holding order, values inserted)}`` (a merge target, or a work an existing
    holding moved to, has holdings in the database and is not fresh)."""
    moved = {row["work_id"] for row in updates} | view.merge_targets
    records: dict[int, list[dict]] = defaultdict(list)
    for row in inserts:
        records[row["work_id"]].append(row["record"])
    return {work_id: (records[work_id], values) for work_id, values in view.created.items()
            if work_id not in moved and records.get(work_id)}


def match_key_of(record: dict) -> str | None:
    return normalise.match_key(record["title"], record["authors"], record.get("year"))
