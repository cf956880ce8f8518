"""Set-at-a-time writes of works that pushes and librarians' corrections share: re-deriving
works from their holdings, their identifier rows, merging one work into another, the pairs
that follow merges (works kept apart, reviews) and the change log.

Every function runs inside the caller's transaction, on works the caller has locked
(``locking.lock_works``).
"""
from collections import defaultdict
from collections.abc import Iterator

from sqlalchemy import bindparam, delete, insert, or_, select, update
from sqlalchemy.engine import Connection

from consortium.catalogue import matching, normalise
from consortium.catalogue.models import ChangeLog, Holding, MatchReview, Work, WorkApart, WorkIdentifier
from consortium.db.columns import utcnow
from consortium.db.engine import as_stored_text, decode_json_texts

W, H, WI, L = Work.__table__, Holding.__table__, WorkIdentifier.__table__, ChangeLog.__table__
APART, REVIEW = WorkApart.__table__, MatchReview.__table__
CHUNK = 500
DERIVED_FIELDS = ("title", "subtitle", "edition", "authors", "publisher", "year", "language", "format", "isbns",
                  "issns", "clc", "subjects", "summary")
_JSON_FIELDS = ("authors", "isbns", "issns", "subjects")
_DERIVED_COLUMNS = [as_stored_text(W.c[name]) if name in _JSON_FIELDS else W.c[name] for name in DERIVED_FIELDS]
_JSON_AT = [DERIVED_FIELDS.index(name) for name in _JSON_FIELDS]


def chunks(values: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def keys_of(derived: dict) -> dict:
    """The stored keys of a work described by ``derived``: carrier, title key, family key."""
    return {"carrier": matching.carrier_of(derived["format"]),
            "match_key": normalise.match_key(derived["title"], derived["authors"], derived["year"]),
            "family_key": normalise.family_key(derived["title"], derived["authors"])}


def rederive_works(conn: Connection, work_ids: set[int],
                   fresh: dict[int, tuple[list, dict]] | None = None,
                   unwritten: list[dict] | None = None) -> dict[int, str]:
    """Recompute works from their holdings' records: ``{work_id: "upsert" | "delete"}``.

    A work whose derived description equals the stored one keeps its row (only its
    ``updated_at`` moves). ``fresh`` gives the records and inserted values of works created
    in this transaction, so they are not read back, and they have no identifier rows yet.
    ``unwritten`` are holding rows (with ``work_id`` and ``record``) the caller inserts after
    this call, in that order: they follow the stored holdings."""
    fresh = fresh or {}
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
        rows.append({**derived, **keys_of(derived), "wid": work_id, "updated_at": now})
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


def move_work(conn: Connection, absorbed: int, target: int) -> None:
    """Merge ``absorbed`` into ``target``: every holding moves (both works are locked, so no
    concurrent push can add one to ``absorbed`` meanwhile); its id lives on as a redirect."""
    now = utcnow()
    conn.execute(update(H).where(H.c.work_id == absorbed).values(work_id=target, updated_at=now))
    conn.execute(update(W).where(W.c.merged_into_id == absorbed).values(merged_into_id=target))
    conn.execute(update(W).where(W.c.id == absorbed).values(merged_into_id=target, updated_at=now))
    conn.execute(delete(WI).where(WI.c.work_id == absorbed))
    follow_merge(conn, absorbed, target)


def follow_merge(conn: Connection, absorbed: int, target: int) -> None:
    """Pairs naming ``absorbed`` now name ``target``: works kept apart stay apart from it, and
    an open review of the two merged works is settled."""
    rows = conn.execute(select(APART.c.id, APART.c.work_a, APART.c.work_b, APART.c.decision_id)
                        .where(or_(APART.c.work_a == absorbed, APART.c.work_b == absorbed))).all()
    for row_id, a, b, decision in rows:
        other = b if a == absorbed else a
        conn.execute(delete(APART).where(APART.c.id == row_id))
        if other != target:
            add_apart(conn, other, target, decision)
    reviews = conn.execute(select(REVIEW.c.id, REVIEW.c.work_low, REVIEW.c.work_high).where(
        REVIEW.c.status == "open", or_(REVIEW.c.work_low == absorbed, REVIEW.c.work_high == absorbed))).all()
    for row_id, low, high in reviews:
        other = high if low == absorbed else low
        if other == target:
            conn.execute(update(REVIEW).where(REVIEW.c.id == row_id).values(status="merged", resolved_at=utcnow()))
        elif _review_id(conn, other, target) is None:
            conn.execute(update(REVIEW).where(REVIEW.c.id == row_id)
                         .values(work_low=min(other, target), work_high=max(other, target)))
        else:  # the same question is already asked of the surviving work
            conn.execute(delete(REVIEW).where(REVIEW.c.id == row_id))


def add_apart(conn: Connection, a: int, b: int, decision_id: int | None) -> None:
    """Keep works ``a`` and ``b`` apart (once)."""
    low, high = min(a, b), max(a, b)
    exists = conn.execute(select(APART.c.id).where(APART.c.work_a == low, APART.c.work_b == high)).first()
    if exists is None:
        conn.execute(insert(APART).values(work_a=low, work_b=high, decision_id=decision_id))


def apart_pairs(conn: Connection, work_ids: list[int]) -> set[frozenset]:
    """The kept-apart pairs that name any of these works."""
    pairs = set()
    for part in chunks(sorted(set(work_ids))):
        for a, b in conn.execute(select(APART.c.work_a, APART.c.work_b)
                                 .where(or_(APART.c.work_a.in_(part), APART.c.work_b.in_(part)))):
            pairs.add(frozenset((a, b)))
    return pairs


def _review_id(conn: Connection, a: int, b: int) -> int | None:
    return conn.execute(select(REVIEW.c.id).where(REVIEW.c.work_low == min(a, b),
                                                  REVIEW.c.work_high == max(a, b))).scalar()


def add_reviews(conn: Connection, rows: list[dict]) -> int:
    """Open a review for each doubtful pair not asked about before; returns how many."""
    added = 0
    for row in rows:
        low, high = min(row["work_id"], row["other_id"]), max(row["work_id"], row["other_id"])
        if low == high or _review_id(conn, low, high) is not None:
            continue
        conn.execute(insert(REVIEW).values(work_low=low, work_high=high, reason=row["reason"],
                                           identifier=row.get("identifier"), member_id=row.get("member_id"),
                                           local_id=row.get("local_id"), status="open", created_at=utcnow()))
        added += 1
    return added


def write_change_log(conn: Connection, actions: dict[int, tuple[str, dict]], member_id: int | None,
                     batch_id: int | None) -> None:
    now = utcnow()
    rows = [{"entity": "work", "entity_id": work_id, "action": action, "member_id": member_id,
             "batch_id": batch_id, "payload": payload, "created_at": now}
            for work_id, (action, payload) in sorted(actions.items())]
    for part in chunks(rows):
        conn.execute(insert(L), part)
