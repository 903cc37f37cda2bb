"""Synthetic data for tests and benchmarks: deterministic, clearly labelled, and never mixed with real fixtures.

It fills an empty database only: countries `SYN001`…, relations between them, events with every kind
and precision of date, participants and themes. Every name says "Synthetic".
"""

import hashlib
import json
import random
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import combinations, islice
from typing import Any, TextIO

import sqlalchemy as sa

from models import tables as t
from models.database import writing
from models.dates import PartialDate, date_columns, span_columns
from models.entity import natural_key
from models.enums import Basis, EventKind, ParticipantRole, RelationStatus
from models.relation import pair_slug
from seeds import search_index
from seeds.writer import Report, announce

SOURCE_TEXT = "Synthetic data generated for tests and benchmarks. It describes no real country or event."
CHUNK = 5000


class NotEmptyError(RuntimeError):
    """The target database already holds data; synthetic rows are never mixed with it."""


@dataclass(frozen=True)
class Size:
    countries: int = 200
    relations: int = 2000
    events: int = 100_000
    people: int = 300
    themes: int = 12


def generate(engine: sa.Engine, size: Size = Size(), seed: int = 1, progress: TextIO | None = sys.stderr) -> Report:
    """Fill the empty database behind `engine` with synthetic rows, in one transaction."""
    rng = random.Random(seed)
    report = Report()
    with writing(engine) as connection:
        if connection.execute(sa.select(sa.func.count()).select_from(t.source)).scalar_one():
            raise NotEmptyError("the database already holds data: synthetic data goes into an empty database only")
        connection.execute(sa.insert(t.source).values(_source()))
        countries = [_country(number) for number in range(1, size.countries + 1)]
        _insert(connection, t.country, countries, report, progress)
        codes = dict(connection.execute(sa.select(t.country.c.id, t.country.c.code).order_by(t.country.c.id)).all())
        pairs = sorted(rng.sample(list(combinations(codes, 2)), size.relations))
        _insert(connection, t.relation, [_relation(pair, codes, rng) for pair in pairs], report, progress)
        relations = list(
            connection.execute(sa.select(t.relation.c.id, t.relation.c.country_a_id, t.relation.c.country_b_id))
        )
        themes = [
            {"slug": f"synthetic-theme-{n:02}", "name": f"Synthetic theme {n:02}"} for n in range(1, size.themes + 1)
        ]
        _insert(connection, t.theme, themes, report, progress)
        theme_ids = list(connection.execute(sa.select(t.theme.c.id)).scalars())
        people = [
            {"slug": f"synthetic-person-{n:04}", "name": f"Synthetic Person {n:04}"} for n in range(1, size.people + 1)
        ]
        _insert(connection, t.person, people, report, progress)
        person_ids = list(connection.execute(sa.select(t.person.c.id)).scalars())
        events = [_event(number, rng.choice(relations), rng) for number in range(1, size.events + 1)]
        _insert(connection, t.event, [row for row, _ in events], report, progress)
        event_ids = {row.slug: row.id for row in connection.execute(sa.select(t.event.c.slug, t.event.c.id))}
        participants, links = [], []
        for row, relation in events:
            event_id = event_ids[row["slug"]]
            for country_id in (relation.country_a_id, relation.country_b_id):
                participants.append(_participant(event_id, row["slug"], f"country:{country_id}", country_id=country_id))
            if row["kind"] == EventKind.SUMMIT.value:
                person = rng.choice(person_ids)
                participants.append(_participant(event_id, row["slug"], f"person:{person}", person_id=person))
            if rng.random() < 0.5:
                links.append({"theme_id": rng.choice(theme_ids), "subject_type": "event", "subject_id": event_id})
        _insert(connection, t.event_participant, participants, report, progress)
        _insert(connection, t.theme_link, links, report, progress)
        # The database is new: its search documents are inserted as its other rows are, not merged with old ones.
        _insert(connection, t.search_document, search_index.documents(connection), report, progress)
        search_index.refresh(connection)
        token = hashlib.sha256(f"synthetic:{seed}:{size}".encode()).hexdigest()[:32]
        connection.execute(sa.insert(t.dataset_version).values(id=1, version=1, token=token))
        announce(connection, token)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text("ANALYZE"))  # fresh statistics, so the planner sees the new rows
    if progress:
        progress.write("\n")
    return report


def _insert(
    connection: sa.Connection, table: sa.Table, rows: Sequence[dict[str, Any]], report: Report, progress: TextIO | None
) -> None:
    for done, chunk in enumerate(_chunks(rows), start=1):
        _write(connection, table, chunk)
        if progress:
            shown = min(done * CHUNK, len(rows))
            bar = "#" * (30 * shown // max(1, len(rows)))
            progress.write(f"\r{table.name:<18} [{bar:<30}] {shown:>7}/{len(rows)}")
            progress.flush()
    if progress:
        progress.write("\n")
    report.inserted[table.name] += len(rows)
    report.total[table.name] += len(rows)


def _write(connection: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """The rows handed to the driver in one go, in the transaction of `connection`: a `COPY` on PostgreSQL, one
    prepared insert run for every row on SQLite, each value as SQLAlchemy's insert would bind it.

    Columns a row leaves out take their Python-side defaults, as an insert would give them."""
    dialect = connection.dialect
    given = list(rows[0])
    defaulted = [column for column in table.c if column.name not in given and column.default is not None]
    columns = [*(table.c[name] for name in given), *defaulted]
    processors = [
        _json if isinstance(column.type, sa.JSON) else column.type.bind_processor(dialect) for column in columns
    ]
    values = (
        [
            value if process is None else process(value)
            for process, value in zip(
                processors, [*row.values(), *(_default(column) for column in defaulted)], strict=True
            )
        ]
        for row in rows
    )
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(column.name) for column in columns)
    driver = connection.connection.driver_connection
    assert driver is not None
    if dialect.name == "postgresql":
        with driver.cursor() as cursor, cursor.copy(f"COPY {quote(table.name)} ({names}) FROM STDIN") as copy:
            for row in values:
                copy.write_row(row)
    else:
        marks = ", ".join("?" for _ in columns)
        driver.executemany(f"INSERT INTO {quote(table.name)} ({names}) VALUES ({marks})", list(values))


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value)


def _default(column: sa.Column[Any]) -> Any:
    default: Any = column.default
    return default.arg(None) if default.is_callable else default.arg


def _chunks(rows: Sequence[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, CHUNK)):
        yield chunk


def _source() -> dict[str, Any]:
    return {
        "slug": "synthetic",
        "title": "Synthetic data",
        "publisher": "Bilateral test suite",
        "language": "en",
        "text": SOURCE_TEXT,
        "length": len(SOURCE_TEXT),
        "sha256": "0" * 64,
    }


def _country(number: int) -> dict[str, Any]:
    return {"code": f"SYN{number:03}", "name": f"Synthetic Country {number:03}", "historical": False}


def _relation(pair: tuple[int, int], codes: dict[int, str], rng: random.Random) -> dict[str, Any]:
    established = PartialDate.parse(str(rng.randint(1900, 2020))) if rng.random() < 0.6 else None
    return {
        "slug": pair_slug(codes[country] for country in pair),
        "country_a_id": pair[0],
        "country_b_id": pair[1],
        "status": rng.choice(list(RelationStatus)).value,
        **date_columns("established", established),
    }


def _random_date(rng: random.Random) -> PartialDate | None:
    roll, year = rng.random(), rng.randint(1800, 2024)
    if roll < 0.05:
        return None
    if roll < 0.15:
        return PartialDate.parse(f"{year // 10}X")
    if roll < 0.25:
        return PartialDate.parse(f"{year}/{min(2025, year + rng.randint(1, 5))}")
    if roll < 0.35:
        return PartialDate.parse(date(year, rng.randint(1, 12), rng.randint(1, 28)).isoformat())
    return PartialDate.parse(str(year))


def _event(number: int, relation: Any, rng: random.Random) -> tuple[dict[str, Any], Any]:
    kind = rng.choice(list(EventKind))
    when = _random_date(rng)
    end = PartialDate.parse(str(when.latest.year + rng.randint(1, 4))) if when and kind is EventKind.WAR else None
    row = {
        "slug": f"synthetic-event-{number:06}",
        "kind": kind.value,
        "title": f"Synthetic {kind.value.replace('_', ' ')} {number:06}",
        "relation_id": relation.id,
        **date_columns("date", when),
        **date_columns("end", end),
        **span_columns(when, end),
    }
    return row, relation


def _participant(
    event_id: int, event: str, key: str, country_id: int | None = None, person_id: int | None = None
) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "key": key,
        "country_id": country_id,
        "person_id": person_id,
        "role": ParticipantRole.PARTY.value,
        "basis": Basis.STATED.value,
        "natural_key": natural_key(event, key, ParticipantRole.PARTY.value),
    }
