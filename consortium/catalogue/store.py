"""Set-at-a-time reads and writes of the catalogue tables for one push transaction.

The catalogue service decides record by record (pure ``matching``), but talks to the
database a batch at a time through SQLAlchemy Core: one query loads the member's existing
holdings, one the candidate works by identifier, one by title key; new holdings, changed
holdings, re-derived works, identifiers and change-log rows are written in bulk.
"""
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator

from sqlalchemy import bindparam, delete, insert, select, text, update
from sqlalchemy.engine import Connection

from consortium.catalogue import matching, normalise
from consortium.catalogue.models import ChangeLog, Holding, Work, WorkIdentifier
from consortium.db.columns import utcnow
from consortium.db.engine import as_stored_text, decode_json_texts

W, H, WI, L = Work.__table__, Holding.__table__, WorkIdentifier.__table__, ChangeLog.__table__
CHUNK = 500
HOLDING_FIELDS = ("call_number", "location", "copies", "available", "url", "access", "coverage")
DERIVED_FIELDS = ("title", "subtitle", "authors", "publisher", "year", "language", "format", "isbns", "issns",
                  "clc", "subjects", "summary")


_INSERT_WORK = insert(W).returning(W.c.id)  # built once: compiled once, executed with parameters


def chunks(values: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def identifiers_of(record: dict) -> list[tuple[str, str]]:
    return [("isbn", v) for v in record.get("isbns") or []] + [("issn", v) for v in record.get("issns") or []]


class CatalogueView:
    """What one batch knows of the catalogue, kept current as the batch adds and merges works."""

    def __init__(self, conn: Connection, member_id: int):
        self.conn = conn
        self.member_id = member_id
        self.holdings: dict[str, dict] = {}
        self.works: dict[int, matching.Candidate] = {}
        self.by_ident: dict[tuple[str, str], set[int]] = defaultdict(set)
        self.by_key: dict[str, set[int]] = defaultdict(set)
        # works this batch created, with the values inserted, and the works merges grew
        self.created: dict[int, dict] = {}
        self.merge_targets: set[int] = set()
        # new works' ids known in advance, and the rows waiting for ``flush``
        self._ids = WorkIds(conn)
        self._pending: list[dict] = []

    def preload(self, records: list[dict], keys: set[str]) -> None:
        """Load the member's holdings, and candidate works by identifier and by title key."""
        local_ids = sorted({r["local_id"] for r in records})
        for part in chunks(local_ids):
            query = select(H.c.id, H.c.local_id, H.c.work_id, H.c.record_hash, H.c.matched_by).where(
                H.c.member_id == self.member_id, H.c.local_id.in_(part))
            for row in self.conn.execute(query).mappings():
                self.holdings[row["local_id"]] = dict(row)
        idents = sorted({i for r in records for i in identifiers_of(r)})
        for kind in ("isbn", "issn"):
            values = [v for k, v in idents if k == kind]
            for part in chunks(values):
                query = (select(WI.c.kind, WI.c.value, W.c.id, W.c.carrier, W.c.isbns, W.c.match_key)
                         .join(W, W.c.id == WI.c.work_id)
                         .where(WI.c.kind == kind, WI.c.value.in_(part), W.c.merged_into_id.is_(None)))
                for row in self.conn.execute(query).mappings():
                    self._remember(row)
                    self.by_ident[(row["kind"], row["value"])].add(row["id"])
        for part in chunks(sorted(keys)):
            query = select(W.c.id, W.c.carrier, W.c.isbns, W.c.match_key).where(
                W.c.match_key.in_(part), W.c.merged_into_id.is_(None))
            for row in self.conn.execute(query).mappings():
                self._remember(row)
                self.by_key[row["match_key"]].add(row["id"])

    def _remember(self, row) -> None:
        if row["id"] not in self.works:
            self.works[row["id"]] = matching.Candidate(row["id"], row["carrier"], frozenset(row["isbns"] or []),
                                                       row["match_key"])

    def decide(self, record: dict, key: str) -> matching.MatchDecision:
        by = {kind: self._candidates(self.by_ident[(kind, v)] for v in record.get(f"{kind}s") or [])
              for kind in ("isbn", "issn")}
        by_title = [] if by["isbn"] or by["issn"] else self._candidates([self.by_key[key]])
        carrier = matching.carrier_of(record.get("format"))
        return matching.decide_match(carrier, set(record.get("isbns") or []), by["isbn"], by["issn"], by_title)

    def _candidates(self, id_sets: Iterable[set[int]]) -> list[matching.Candidate]:
        ids = sorted({i for ids in id_sets for i in ids})
        return [self.works[i] for i in ids]

    def new_work(self, record: dict, key: str) -> int:
        now = utcnow()
        values = {name: record.get(name) for name in DERIVED_FIELDS}
        values.update(format=record.get("format") or "book", carrier=matching.carrier_of(record.get("format")),
                      match_key=key, created_at=now, updated_at=now)
        for name in ("authors", "isbns", "issns", "subjects"):
            values[name] = values[name] or []
        work_id = self._ids.take()
        if work_id is None:  # no id known in advance: insert now and learn it
            work_id = self.conn.execute(_INSERT_WORK, values).scalar_one()
            self._ids.inserted(work_id)
        else:
            self._pending.append({**values, "id": work_id})
        self.created[work_id] = values
        self.works[work_id] = matching.Candidate(work_id, values["carrier"], frozenset(values["isbns"]), key)
        return work_id

    def attach(self, work_id: int, record: dict, key: str) -> None:
        """The record now belongs to ``work_id``: later records may match it by its identifiers."""
        for ident in identifiers_of(record):
            self.by_ident[ident].add(work_id)
        self.by_key[key].add(work_id)
        old = self.works[work_id]
        self.works[work_id] = matching.Candidate(work_id, old.carrier, old.isbns | set(record.get("isbns") or []),
                                                 old.match_key)

    def flush(self) -> None:
        """Insert the new works not yet written (before anything that reads or updates them)."""
        for part in chunks(self._pending):
            self.conn.execute(insert(W), part)
        self._pending = []

    def merge(self, absorbed: int, target: int) -> None:
        """Move the absorbed work's holdings to the target; its id lives on as a redirect."""
        self.flush()
        self.conn.execute(update(H).where(H.c.work_id == absorbed).values(work_id=target))
        self.conn.execute(update(W).where(W.c.merged_into_id == absorbed).values(merged_into_id=target))
        self.conn.execute(update(W).where(W.c.id == absorbed).values(merged_into_id=target, updated_at=utcnow()))
        self.conn.execute(delete(WI).where(WI.c.work_id == absorbed))
        for index in (self.by_ident, self.by_key):
            for ids in index.values():
                if absorbed in ids:
                    ids.discard(absorbed)
                    ids.add(target)
        merged = self.works.pop(absorbed)
        self.created.pop(absorbed, None)
        self.merge_targets.add(target)
        old = self.works[target]
        self.works[target] = matching.Candidate(target, old.carrier, old.isbns | merged.isbns, old.match_key)


class WorkIds:
    """Ids for a transaction's new works without a round trip each, so they are inserted in
    bulk. PostgreSQL: blocks of the id sequence (an unused id is a gap, as after a rollback).
    SQLite: the transaction's first new work is inserted alone, and the next ones take the
    ids after its id: that insert took the database's write lock, so no other transaction
    adds works until this one ends. Other databases: none (each new work is inserted alone)."""

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


_JSON_FIELDS = ("authors", "isbns", "issns", "subjects")
_DERIVED_COLUMNS = [as_stored_text(W.c[name]) if name in _JSON_FIELDS else W.c[name] for name in DERIVED_FIELDS]
_JSON_AT = [DERIVED_FIELDS.index(name) for name in _JSON_FIELDS]


def rederive_works(conn: Connection, work_ids: set[int],
                   fresh: dict[int, tuple[list, dict]] | None = None,
                   unwritten: list[dict] | None = None) -> dict[int, str]:
    """Recompute works from their holdings' records: ``{work_id: "upsert" | "delete"}``.

    A work whose derived description equals the stored one keeps its row (only its
    ``updated_at`` moves). ``fresh`` (see ``fresh_works``) gives the records and inserted
    values of works created in this transaction, so they are not read back, and they have no
    identifier rows yet. ``unwritten`` are holding rows (with ``work_id`` and ``record``) the
    caller inserts after this call, in that order: they follow the stored holdings."""
    fresh = fresh or {}
    # each work's description as it stands: as inserted (fresh) or as stored
    current = {work_id: values for work_id, (_records, values) in fresh.items()}
    records: dict[int, list[dict]] = defaultdict(list)
    ids = sorted(work_ids)
    for part in chunks([i for i in ids if i not in current]):
        query = select(H.c.work_id, H.c.record).where(H.c.work_id.in_(part)).order_by(H.c.id)
        for work_id, record in conn.execute(query):
            records[work_id].append(record)
        for row in conn.execute(select(W.c.id, *_DERIVED_COLUMNS).where(W.c.id.in_(part))):
            values = list(row[1:])
            for at, decoded in zip(_JSON_AT, decode_json_texts([values[at] for at in _JSON_AT])):
                values[at] = decoded
            current[row[0]] = dict(zip(DERIVED_FIELDS, values))
    for row in unwritten or ():
        if row["work_id"] not in fresh:
            records[row["work_id"]].append(row["record"])
    now, rows, wanted, touched = utcnow(), [], {}, []
    for work_id in ids:
        work_records = fresh[work_id][0] if work_id in fresh else records.get(work_id)
        if not work_records:
            continue
        derived = matching.derive_work(work_records)
        wanted[work_id] = {("isbn", v) for v in derived["isbns"]} | {("issn", v) for v in derived["issns"]}
        known = current.get(work_id)
        if known is not None and all(known.get(name) == value for name, value in derived.items()):
            touched.append(work_id)  # its description is unchanged (most merges of a member's copy)
            continue
        derived.update(wid=work_id, updated_at=now, carrier=matching.carrier_of(derived["format"]),
                       match_key=normalise.match_key(derived["title"], derived["authors"], derived["year"]))
        rows.append(derived)
    if rows:
        names = [n for n in rows[0] if n != "wid"]
        statement = update(W).where(W.c.id == bindparam("wid")).values({n: bindparam(n) for n in names})
        for part in chunks(rows):
            conn.execute(statement, part)
    # works whose description is unchanged or that lost every holding: only their time moves
    stamped = [i for i in ids if i not in wanted] + [i for i in touched if i not in fresh]
    for part in chunks(stamped):
        conn.execute(update(W).where(W.c.id.in_(part)).values(updated_at=now))
    replace_identifiers(conn, wanted, new=set(fresh))
    return {i: ("upsert" if i in wanted else "delete") for i in ids}


def replace_identifiers(conn: Connection, wanted: dict[int, set[tuple[str, str]]], new: set[int] = frozenset()) -> None:
    """Make each work's identifier rows exactly ``wanted[work_id]`` (works in ``new`` have none yet)."""
    have: dict[int, dict[tuple[str, str], int]] = defaultdict(dict)
    for part in chunks(sorted(w for w in wanted if w not in new)):
        for row_id, work_id, kind, value in conn.execute(
                select(WI.c.id, WI.c.work_id, WI.c.kind, WI.c.value).where(WI.c.work_id.in_(part))):
            have[work_id][(kind, value)] = row_id
    stale = [row_id for work_id, rows in have.items() for ident, row_id in rows.items() if ident not in wanted[work_id]]
    fresh = [{"work_id": w, "kind": k, "value": v} for w, idents in wanted.items()
             for k, v in sorted(idents) if (k, v) not in have[w]]
    for part in chunks(stale):
        conn.execute(delete(WI).where(WI.c.id.in_(part)))
    for part in chunks(fresh):
        conn.execute(insert(WI), part)


def write_change_log(conn: Connection, actions: dict[int, tuple[str, dict]], member_id: int | None,
                     batch_id: int | None) -> None:
    now = utcnow()
    rows = [{"entity": "work", "entity_id": work_id, "action": action, "member_id": member_id,
             "batch_id": batch_id, "payload": payload, "created_at": now}
            for work_id, (action, payload) in sorted(actions.items())]
    for part in chunks(rows):
        conn.execute(insert(L), part)
