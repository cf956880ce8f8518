"""Reading the catalogue for the search index: the change log, and works with their
holdings as ``search_index.ports.IndexDocument`` (the database adapter of the feature).

``CatalogueSource`` is the write port's ``DocumentSource`` for rebuilds: a database URL and
an id range, picklable, so a backend may read its partitions from several processes.
"""
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.util import Finalize

from sqlalchemy import Text, func, text, type_coerce
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from consortium.accounts.models import Member
from consortium.catalogue.models import ChangeLog, Holding, Work
from consortium.catalogue.works import WORK_FIELDS
from consortium.db.columns import as_aware
from consortium.db.engine import as_stored_text, decode_json_texts, make_engine
from consortium.search.checkpoint import SERIAL_WRITERS, Horizon
from search_index.ports import IndexDocument, IndexedHolding

_W, _H, _M = Work.__table__.c, Holding.__table__.c, Member.__table__.c
# a work's JSON lists, read as their stored text and decoded together (one ``json.loads``
# per work instead of one per column)
_JSON_LISTS = ("authors", "isbns", "issns", "subjects")
_WORK_COLUMNS = [as_stored_text(_W[name]) if name in _JSON_LISTS else _W[name]
                 for name in WORK_FIELDS] + [_W.merged_into_id]
_WORK_NAMES = tuple(column.name for column in _WORK_COLUMNS)
# the acquisition date as stored: SQLite's text is already the ISO date the index wants;
# the member's own title, subtitle, authors and identifiers read out of its stored record
# (the record's other fields, a summary among them, stay in the database)
_RECORD_TEXTS = ("title", "subtitle")
_RECORD_LISTS = ("authors", "isbns", "issns")
_HOLDING_COLUMNS = (_H.work_id, _M.code.label("member"), _H.local_id, _H.call_number, _H.location, _H.copies,
                    _H.available, _H.url, _H.access, as_stored_text(_H.acquired_on), _H.first_seen_at,
                    *(_H.record[name].as_string().label(f"record_{name}") for name in _RECORD_TEXTS),
                    *(type_coerce(_H.record[name], Text).label(f"record_{name}") for name in _RECORD_LISTS))
_WORK_LISTS_AT = tuple(_WORK_NAMES.index(name) for name in _JSON_LISTS)
_HOLDING_LISTS_AT = tuple(range(len(_HOLDING_COLUMNS) - len(_RECORD_LISTS), len(_HOLDING_COLUMNS)))


def load_documents(session: Session, work_ids: list[int]) -> dict[int, IndexDocument | None]:
    """Index documents of these works; None for a work to remove (gone, merged, unheld).

    Plain Core selects, not ORM objects or ORM rows: a rebuild reads every work, and the
    holdings' stored push records (large JSON) are not needed for the index.
    """
    if not work_ids:
        return {}
    conn = session.connection()
    works = {row[0]: dict(zip(_WORK_NAMES, row))
             for row in _with_lists(conn.execute(select(*_WORK_COLUMNS).where(_W.id.in_(work_ids))).all(),
                                    _WORK_LISTS_AT)}
    holdings = defaultdict(list)
    rows = conn.execute(select(*_HOLDING_COLUMNS).join(Member.__table__, _M.id == _H.member_id)
                        .where(_H.work_id.in_(work_ids))).all()
    for row in _with_lists(rows, _HOLDING_LISTS_AT):
        holdings[row[0]].append(_holding(row))
    docs: dict[int, IndexDocument | None] = {}
    for work_id in work_ids:
        work = works.get(work_id)
        if work is None or work["merged_into_id"] is not None or not holdings[work_id]:
            docs[work_id] = None
        else:
            docs[work_id] = index_document(work, holdings[work_id])
    return docs


def index_document(work: dict, holdings: list[IndexedHolding]) -> IndexDocument:
    """A work's row (``WORK_FIELDS``, lists decoded) and holdings as the index receives them."""
    return IndexDocument(
        id=work["id"], title=work["title"], subtitle=work["subtitle"], authors=tuple(work["authors"] or ()),
        publisher=work["publisher"], year=work["year"], language=work["language"], format=work["format"],
        isbns=tuple(work["isbns"] or ()), issns=tuple(work["issns"] or ()), clc=work["clc"],
        subjects=tuple(work["subjects"] or ()), summary=work["summary"], holdings=tuple(holdings))


def _with_lists(rows, at: tuple[int, ...]) -> list[list]:
    """The rows with their JSON values (selected as stored text, at the positions ``at``)
    decoded, all of them in one ``decode_json_texts`` (a call per row or value costs more
    than the parsing)."""
    decoded = iter(decode_json_texts([row[i] for row in rows for i in at]))
    out = []
    for row in rows:
        row = list(row)
        for i in at:
            row[i] = next(decoded)
        out.append(row)
    return out


_HOLDING_KEYS = ("work_id", "member", "local_id", "call_number", "location", "copies", "available", "url", "access",
                 "acquired_on", "first_seen_at", *_RECORD_TEXTS, *_RECORD_LISTS)


def _holding(row) -> IndexedHolding:
    holding = dict(zip(_HOLDING_KEYS, row))
    del holding["work_id"]
    for name in _RECORD_LISTS:
        holding[name] = tuple(holding[name] or ())
    acquired = holding["acquired_on"]
    if acquired is not None and not isinstance(acquired, str):  # a driver's date object
        holding["acquired_on"] = acquired.isoformat()
    seen = holding["first_seen_at"]
    if seen is not None:  # SQLite hands back naive UTC, PostgreSQL an aware datetime
        holding["first_seen_at"] = as_aware(seen).isoformat()
    return IndexedHolding(**holding)


def live_work_ids(session: Session, after: int, limit: int, below: int | None = None) -> list[int]:
    """Ids of works that are not merged away, in id order after ``after`` (keyset paging),
    and below ``below`` when given (one range of a parallel rebuild)."""
    query = select(Work.id).where(Work.id > after, Work.merged_into_id.is_(None))
    if below is not None:
        query = query.where(Work.id < below)
    return list(session.exec(query.order_by(Work.id).limit(limit)).all())


def work_id_span(session: Session) -> tuple[int, int]:
    """The lowest and highest work id (0, 0 when there are none)."""
    low, high = session.exec(select(func.min(Work.id), func.max(Work.id))).one()
    return (low or 0), (high or 0)


def count_live_works(session: Session, span: tuple[int, int] | None = None) -> int:
    """Works not merged away (with ``span = (first, below)``: of those ids only)."""
    query = select(func.count()).select_from(Work).where(Work.merged_into_id.is_(None))
    if span is not None:
        query = query.where(Work.id >= span[0], Work.id < span[1])
    return session.exec(query).one()


def iter_live_documents(session: Session, chunk: int = 1000, span: tuple[int, int] | None = None
                        ) -> Iterator[tuple[int, IndexDocument | None]]:
    """Every indexable work's document in id order (within ``span = (first, below)`` when
    given), ``chunk`` works per database round."""
    after, below = (span[0] - 1, span[1]) if span else (0, None)
    while True:
        ids = live_work_ids(session, after, chunk, below)
        if not ids:
            return
        docs = load_documents(session, ids)
        for work_id in ids:
            yield work_id, docs[work_id]
        after = ids[-1]
        session.expunge_all()


def changes_after(session: Session, last_id: int, gap_ids: list[int], limit: int) -> tuple[list, list]:
    """``(new, late)``: change rows after ``last_id`` (at most ``limit``) and visible gap rows."""
    columns = (ChangeLog.id, ChangeLog.entity, ChangeLog.entity_id)
    new = session.exec(select(*columns).where(ChangeLog.id > last_id).order_by(ChangeLog.id).limit(limit)).all()
    late = []
    if gap_ids:
        late = session.exec(select(*columns).where(ChangeLog.id.in_(gap_ids))).all()
    return list(new), list(late)


_SNAPSHOT = text("SELECT pg_snapshot_xmin(s)::text, pg_snapshot_xmax(s)::text FROM pg_current_snapshot() AS s")


def transaction_horizon(session: Session) -> Horizon:
    """The transaction horizon now (``checkpoint.Horizon``): on PostgreSQL the current
    snapshot's xmin (every transaction below it has ended) and xmax (every running one is
    below it); SQLite serialises its writers."""
    if session.get_bind().dialect.name != "postgresql":
        return SERIAL_WRITERS
    xmin, xmax = session.exec(_SNAPSHOT).one()
    return Horizon(finished_below=int(xmin), running_below=int(xmax))


def max_change_id(session: Session) -> int:
    return session.exec(select(func.max(ChangeLog.id))).one() or 0


def change_ids_between(session: Session, low: int, high: int) -> set[int]:
    return set(session.exec(select(ChangeLog.id).where(ChangeLog.id > low, ChangeLog.id <= high)).all())


def count_changes_after(session: Session, last_id: int) -> int:
    return session.exec(select(func.count()).select_from(ChangeLog).where(ChangeLog.id > last_id)).one()


@dataclass(frozen=True)
class CatalogueSource:
    """Every indexable work of the database at ``url`` (with ``span = (first, below)``: of
    those ids only). Picklable; each call opens its own engine and disposes of it."""

    url: str
    span: tuple[int, int] | None = None

    def count(self) -> int:
        with _session(self.url) as session:
            return count_live_works(session, self.span)

    def partitions(self, size: int) -> list["CatalogueSource"]:
        with _session(self.url) as session:
            low, high = work_id_span(session)
        if self.span is not None:
            low, high = max(low, self.span[0]), min(high, self.span[1] - 1)
        if not high or high < low:
            return []
        return [CatalogueSource(self.url, (start, min(start + size, high + 1))) for start in range(low, high + 1, size)]

    def documents(self) -> Iterator[IndexDocument]:
        with _session(self.url) as session:
            for _work_id, doc in iter_live_documents(session, span=self.span):
                if doc is not None:
                    yield doc


class ChangedWorks:
    """The works a change-log batch touched, as the write port's ``WorkBatch``: read from the
    database at ``url`` when first asked (through ``engine`` in the indexer's process; in a
    helper process, which gets the url and ids only, through an engine of that process)."""

    def __init__(self, url: str, work_ids, engine: Engine | None = None):
        self.url, self.work_ids, self._engine, self._docs = url, tuple(work_ids), engine, None

    def __getstate__(self):
        return self.url, self.work_ids

    def __setstate__(self, state) -> None:
        (self.url, self.work_ids), self._engine, self._docs = state, None, None

    def parts(self, size: int) -> list["ChangedWorks"]:
        return [ChangedWorks(self.url, self.work_ids[start:start + size], self._engine)
                for start in range(0, len(self.work_ids), size)]

    def documents(self) -> dict[int, IndexDocument | None]:
        if self._docs is None:
            with Session(self._engine or _process_engine(self.url)) as session:
                self._docs = load_documents(session, list(self.work_ids))
        return self._docs


_ENGINES: dict[str, Engine] = {}


def _process_engine(url: str) -> Engine:
    """This process's engine for ``url`` (a helper reading batch after batch keeps it, and
    closes its connections when it ends: a server logs connections dropped unannounced)."""
    if url not in _ENGINES:
        _ENGINES[url] = make_engine(url)
        Finalize(None, _ENGINES[url].dispose, exitpriority=10)
    return _ENGINES[url]


@contextmanager
def _session(url: str):
    """A session on an engine of its own (a rebuild process has no app), disposed of after."""
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()
