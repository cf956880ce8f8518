"""Backup and restore of the whole database as one portable file (``consortium export`` /
``consortium import-dump``), between SQLite and PostgreSQL in either direction.

The dump is a zip: ``manifest.json`` (format, schema revision, time, rows per table) and one
``<table>.jsonl`` per table of the models, a JSON object per row, written in one read
transaction (a consistent snapshot while the service runs) and streamed, so memory stays
bounded whatever the catalogue's size. Times are written as ISO 8601 with their UTC offset.

Restoring needs a database migrated to the dump's schema revision and empty (``consortium
init`` on a fresh database); it inserts every table in dependency order in one transaction,
fills self-references (a work merged into a later work) after their table, moves
PostgreSQL's id sequences past the restored ids, and leaves the search index to be rebuilt
(it is derived from the database). Uploaded import files and the mail folder are files of
the instance folder, not of the database: copy them with the folder if they matter.
"""
import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from sqlalchemy import Date, DateTime, Integer, Table, func, select, text, update
from sqlalchemy.engine import Connection, Engine
from sqlmodel import SQLModel

from consortium.db.columns import utcnow
from consortium.db.migrate import current_revision
from consortium.errors import ConsortiumError

FORMAT = "daodu-dump"
VERSION = 1
CHUNK = 2000


class BackupError(ConsortiumError):
    """Root of the errors of export and restore."""


class NotADump(BackupError):
    """The file is not a dump this version can read."""


class SchemaMismatch(BackupError):
    """The dump and the database are at different schema revisions."""


class DatabaseNotEmpty(BackupError):
    """A dump is restored only into an empty database."""


@dataclass
class DumpReport:
    revision: str | None
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def tables() -> list[Table]:
    """Every table of the models, parents before children."""
    return list(SQLModel.metadata.sorted_tables)


def export_dump(engine: Engine, path: str | Path, progress: Callable[[str, int], object] | None = None) -> DumpReport:
    """Write the whole database to ``path`` (a zip); returns the rows per table."""
    report = DumpReport(current_revision(engine))
    with engine.connect() as conn, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        _begin_snapshot(conn)
        for table in tables():
            count = 0
            with archive.open(f"{table.name}.jsonl", "w") as fh:
                for row in _rows(conn, table):
                    fh.write(json.dumps(encode_row(table, row), ensure_ascii=False).encode() + b"\n")
                    count += 1
            report.rows[table.name] = count
            if progress:
                progress(table.name, count)
        conn.rollback()
        manifest = {"format": FORMAT, "version": VERSION, "revision": report.revision,
                    "created_at": utcnow().isoformat(), "rows": report.rows}
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    return report


def import_dump(engine: Engine, path: str | Path, progress: Callable[[str, int], object] | None = None) -> DumpReport:
    """Restore a dump into this (empty, migrated) database in one transaction."""
    with zipfile.ZipFile(path) as archive:
        manifest = read_manifest(archive)
        revision = current_revision(engine)
        if manifest["revision"] != revision:
            raise SchemaMismatch(f"The dump is of schema revision {manifest['revision']}, the database of {revision}: "
                                 "restore with the version of Daodu that wrote the dump, then upgrade (consortium init).")
        report = DumpReport(revision)
        with engine.begin() as conn:
            _require_empty(conn)
            for table in tables():
                report.rows[table.name] = _restore_table(conn, table, archive)
                if progress:
                    progress(table.name, report.rows[table.name])
            _reset_sequences(conn)
    return report


def read_manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except (KeyError, ValueError) as exc:
        raise NotADump("This file is not a Daodu dump (no readable manifest.json).") from exc
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise NotADump(f"This file is not a Daodu dump of version {VERSION}.")
    return manifest


def _begin_snapshot(conn: Connection) -> None:
    """One read transaction for every table: REPEATABLE READ on PostgreSQL; on SQLite an
    explicit BEGIN (the driver begins only before writes), which WAL mode keeps consistent."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    elif conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN")


def _rows(conn: Connection, table: Table) -> Iterator[dict]:
    query = select(table).order_by(*table.primary_key.columns)
    for row in conn.execution_options(stream_results=True, yield_per=CHUNK).execute(query).mappings():
        yield row


def encode_row(table: Table, row) -> dict:
    """A row as JSON values: times as ISO 8601 with their UTC offset (naive ones are UTC), dates ISO."""
    out = {}
    for column in table.columns:
        value = row[column.name]
        if isinstance(value, datetime):
            value = (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).isoformat()
        elif isinstance(value, date):
            value = value.isoformat()
        out[column.name] = value
    return out


def _decoders(table: Table) -> dict:
    found = {}
    for column in table.columns:
        if isinstance(column.type, DateTime):
            found[column.name] = datetime.fromisoformat
        elif isinstance(column.type, Date):
            found[column.name] = date.fromisoformat
    return found


def _self_references(table: Table) -> list[str]:
    """Columns pointing into their own table (work.merged_into_id): restored after the table."""
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


def _restore_table(conn: Connection, table: Table, archive: zipfile.ZipFile) -> int:
    decoders, later = _decoders(table), _self_references(table)
    pending, batch, count = [], [], 0
    try:
        member = archive.open(f"{table.name}.jsonl")
    except KeyError:
        raise NotADump(f"The dump has no rows file for the table {table.name}.") from None
    with member:
        for line in member:
            row = json.loads(line)
            for name, decode in decoders.items():
                if row.get(name) is not None:
                    row[name] = decode(row[name])
            for name in later:
                if row.get(name) is not None:
                    pending.append((row["id"], name, row[name]))
                    row[name] = None
            batch.append(row)
            if len(batch) >= CHUNK:
                conn.execute(table.insert(), batch)
                count, batch = count + len(batch), []
    if batch:
        conn.execute(table.insert(), batch)
        count += len(batch)
    for row_id, name, value in pending:
        conn.execute(update(table).where(table.c.id == row_id).values({name: value}))
    return count


def _require_empty(conn: Connection) -> None:
    filled = [t.name for t in tables() if conn.execute(select(func.count()).select_from(t)).scalar()]
    if filled:
        raise DatabaseNotEmpty(f"The database already holds data (tables {', '.join(filled[:5])}…): restore "
                               "into a new, empty database (create it, then consortium init).")


def _reset_sequences(conn: Connection) -> None:
    """PostgreSQL hands out ids from sequences that inserted ids did not move."""
    if conn.dialect.name != "postgresql":
        return
    for table in tables():
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not keys[0].autoincrement or not isinstance(keys[0].type, Integer):
            continue
        quote = conn.dialect.identifier_preparer.quote
        column, name = quote(keys[0].name), quote(table.name)
        conn.execute(text(f"SELECT setval(pg_get_serial_sequence(:t, :c), COALESCE(MAX({column}), 1), "
                          f"MAX({column}) IS NOT NULL) FROM {name}"), {"t": table.name, "c": keys[0].name})
