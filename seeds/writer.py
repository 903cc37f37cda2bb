"""Writing a dataset in one transaction: insert what is new, update what changed, delete what is gone."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from models import metadata
from models.database import writing
from models.meta import CHANNEL
from models.registry import BY_TABLE
from seeds import search_index
from seeds.dataset import Dataset, Ref, Row, Sorted


def natural_key(table: sa.Table) -> tuple[str, ...]:
    """What identifies a row of `table` across loads: its `<table>_natural` constraint, or its kind's key."""
    for constraint in table.constraints:
        if isinstance(constraint, sa.UniqueConstraint) and constraint.name == f"{table.name}_natural":
            return tuple(column.name for column in constraint.columns)
    entity = BY_TABLE.get(table.name)
    if entity is None:
        raise ValueError(f"the table {table.name} has no natural key: name a unique constraint {table.name}_natural")
    return (entity.key,)


def loaded_tables() -> list[sa.Table]:
    """The tables fixtures fill, parents before children; derived tables are left to the loader, and the tables
    no load touches (`info["kept"]`: the editors' accounts) are left alone.

    A row that names its subject by type and id (a citation, a theme link) has no foreign key to it,
    so those tables come after every other.
    """
    tables = [table for table in metadata.sorted_tables if not table.info.get("derived") and not table.info.get("kept")]
    return sorted(tables, key=lambda table: "subject_id" in table.c)


@dataclass
class Report:
    """What a load did, per table."""

    total: Counter[str] = field(default_factory=Counter)
    inserted: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    deleted: Counter[str] = field(default_factory=Counter)
    version: int = 0

    @property
    def changed(self) -> bool:
        return any(counter.total() for counter in (self.inserted, self.updated, self.deleted))


def write(engine: sa.Engine, dataset: Dataset) -> Report:
    """Make the database hold exactly `dataset`, in one transaction."""
    with writing(engine) as connection:
        return write_in(connection, dataset)


def write_in(connection: sa.Connection, dataset: Dataset) -> Report:
    """Make the database hold exactly `dataset`, in the writing transaction of `connection` (`writing`)."""
    report = Report()
    ids: Ids = {}
    tables = loaded_tables()
    stale = {table.name: _upsert(connection, table, dataset.rows.get(table.name, []), ids, report) for table in tables}
    for table in reversed(tables):
        _delete(connection, table, stale[table.name], report)
    index_search(connection, report)
    report.version = _bump_version(connection, report.changed, dataset.digest())
    return report


def index_search(connection: sa.Connection, report: Report) -> None:
    """Make the full-text index hold exactly the documents of the rows now in the database."""
    table = metadata.tables["search_document"]
    stale = _upsert(connection, table, search_index.documents(connection), {}, report)
    _delete(connection, table, stale, report)
    counters = (report.inserted, report.updated, report.deleted)
    if any(counter["search_document"] for counter in counters):
        search_index.refresh(connection)


def _delete(connection: sa.Connection, table: sa.Table, ids: list[int], report: Report) -> None:
    for chunk in _chunks(ids):
        connection.execute(sa.delete(table).where(table.c.id.in_(chunk)))
        report.deleted[table.name] += len(chunk)


Ids = dict[str, dict[tuple[Any, ...], int]]


def _upsert(connection: sa.Connection, table: sa.Table, rows: list[Row], ids: Ids, report: Report) -> list[int]:
    """Insert and update `rows` of `table`; answer the ids of the rows no longer wanted."""
    name, key = table.name, natural_key(table)
    existing = {tuple(row[column] for column in key): row for row in connection.execute(sa.select(table)).mappings()}
    ids[name] = {}
    pending = rows
    while pending:
        # Rows that refer to rows of their own table (a country's successor) wait for those.
        ready = [row for row in pending if _resolvable(row, ids)]
        if not ready:
            raise ValueError(f"rows of {name} refer to each other in a cycle")
        pending = [row for row in pending if not _resolvable(row, ids)]
        wanted: dict[tuple[Any, ...], Row] = {}
        for row in ({column: _resolve(value, ids) for column, value in row.items()} for row in ready):
            wanted.setdefault(tuple(row[column] for column in key), row)
        new = [row for row_key, row in wanted.items() if row_key not in existing]
        for row_key, row in wanted.items():
            current = existing.get(row_key)
            changes = {column: value for column, value in row.items() if current and current[column] != value}
            if current and changes:
                connection.execute(sa.update(table).where(table.c.id == current["id"]).values(changes))
                report.updated[name] += 1
        if new:
            connection.execute(sa.insert(table), new)
            report.inserted[name] += len(new)
            fresh = connection.execute(sa.select(table.c.id, *(table.c[column] for column in key)))
            existing.update({tuple(row[1:]): {"id": row[0]} for row in fresh if tuple(row[1:]) not in existing})
        ids[name].update({row_key: existing[row_key]["id"] for row_key in wanted})
    report.total[name] = len(ids[name])
    return [row["id"] for row_key, row in existing.items() if row_key not in ids[name]]


def _resolvable(value: Any, ids: Ids) -> bool:
    if isinstance(value, Sorted):
        return _resolvable(value.refs, ids)
    if isinstance(value, dict):
        return all(_resolvable(part, ids) for part in value.values())
    if isinstance(value, tuple):
        return all(_resolvable(part, ids) for part in value)
    if isinstance(value, Ref):
        return value.table in ids and _resolvable(value.key, ids) and _resolve_key(value, ids) in ids[value.table]
    return True


def _resolve_key(ref: Ref, ids: Ids) -> tuple[Any, ...]:
    return tuple(_resolve(part, ids) for part in ref.key)


def _resolve(value: Any, ids: Ids) -> Any:
    if isinstance(value, Sorted):
        return sorted(_resolve(ref, ids) for ref in value.refs)[value.position]
    if isinstance(value, Ref):
        return ids[value.table][_resolve_key(value, ids)]
    if isinstance(value, tuple):
        return tuple(_resolve(part, ids) for part in value)
    return value


def _chunks(values: list[int], size: int = 500) -> list[list[int]]:
    return [values[at : at + size] for at in range(0, len(values), size)]


def _bump_version(connection: sa.Connection, changed: bool, token: str) -> int:
    table = metadata.tables["dataset_version"]
    current: int | None = connection.execute(sa.select(table.c.version).where(table.c.id == 1)).scalar()
    if current is None:
        connection.execute(sa.insert(table).values(id=1, version=1, token=token))
    elif changed:
        connection.execute(sa.update(table).where(table.c.id == 1).values(version=current + 1, token=token))
    else:
        return current
    announce(connection, token)
    return 1 if current is None else current + 1


def announce(connection: sa.Connection, token: str) -> None:
    """Tell every server listening that the data version is now `token`: PostgreSQL delivers the notification
    when this transaction commits, and not at all if it rolls back (resolvers/notified.py)."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.select(sa.func.pg_notify(CHANNEL, token)))
