"""At scale, on deterministic synthetic data: 200 countries, 2,000 relations, 100,000 events."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from models import tables as t
from models.database import create_engine, create_tables
from resolvers.filtering import combined
from resolvers.pagination import Window, keyset
from resolvers.rows import columns_of
from schema.event import EVENT_ORDERS
from seeds.synthetic import NotEmptyError, Size, generate
from tests.databases import snapshot
from tests.graphql import query, statements

pytestmark = [pytest.mark.slow, pytest.mark.alone]


def test_the_data_set_has_the_promised_size(synthetic: TestClient):
    data = query(
        synthetic,
        "{ countries(first: 0) { totalCount } relations(first: 0) { totalCount } events(first: 0) { totalCount } }",
    )
    assert data == {
        "countries": {"totalCount": 200},
        "relations": {"totalCount": 2000},
        "events": {"totalCount": 100_000},
    }


def test_the_generator_is_deterministic(tmp_path: Path):
    copies = []
    for name in ("one", "two"):
        engine = create_engine(f"sqlite:///{tmp_path / name}.db")
        create_tables(engine)
        generate(engine, Size(countries=12, relations=30, events=500, people=5, themes=3), seed=7, progress=None)
        copies.append(snapshot(engine))
        engine.dispose()
    assert copies[0] == copies[1]
    assert len(copies[0]["event"]) == 500


def test_the_generator_refuses_a_database_with_data(seeded: sa.Engine):
    with pytest.raises(NotEmptyError):
        generate(seeded, Size(countries=3, relations=2, events=5, people=1, themes=1), progress=None)


PAGE = """
query($after: String) {
  events(filter: {kind: {in: [SUMMIT, WAR]}, date: {from: 1900, to: 1950}},
         orderBy: [{field: DATE, direction: DESC}], first: 100, after: $after) {
    totalCount
    nodes { slug }
    pageInfo { hasNextPage endCursor }
  }
}
"""


def test_walking_every_page_of_a_filtered_ordered_connection_visits_each_match_once(
    synthetic: TestClient, synthetic_url: str
):
    seen, after, total = [], None, None
    while True:
        page = query(synthetic, PAGE, after=after)["events"]
        total = page["totalCount"]
        seen += [node["slug"] for node in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    matching = sa.select(t.event.c.slug).where(
        t.event.c.kind.in_(["summit", "war"]),
        t.event.c.date_earliest <= date(1950, 12, 31),
        sa.func.coalesce(t.event.c.end_latest, t.event.c.date_latest) >= date(1900, 1, 1),
    )
    with connected(synthetic_url) as connection:
        expected = set(connection.execute(matching).scalars())
    assert len(seen) == len(set(seen)) == total == len(expected) > 1000
    assert set(seen) == expected


@contextmanager
def connected(url: str) -> Iterator[sa.Connection]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def test_a_deep_page_is_found_through_the_index(synthetic_url: str):
    with connected(synthetic_url) as connection:
        # The page after the 50,000th event in date order, as a cursor this API issued would ask for it.
        row = connection.execute(
            sa.select(*columns_of(t.event)).order_by(*EVENT_ORDERS.default.order_by()).offset(49_999).limit(1)
        ).one()
        statement = keyset(
            sa.select(*columns_of(t.event)).where(combined(None)),
            EVENT_ORDERS.default,
            Window(first=100, after=EVENT_ORDERS.default.cursor(row)),
        )
        compiled = statement.compile(connection, compile_kwargs={"literal_binds": True})
        explain = "EXPLAIN QUERY PLAN " if connection.dialect.name == "sqlite" else "EXPLAIN "
        plan = "\n".join(str(line[-1]) for line in connection.execute(sa.text(explain + str(compiled))))
        rows = connection.execute(statement).all()
    print(f"\n{connection.dialect.name} plan of a deep page:\n{plan}")
    assert "event_order" in plan  # the (sort_date, sort_precision, slug) index
    assert len(rows) == 101  # a page of 100, and one more to tell that another page follows


def test_page_1000_costs_the_statements_page_1_costs(synthetic: TestClient):
    document = "query($after: String) { events(first: 100, after: $after) { nodes { slug } pageInfo { endCursor } } }"
    with statements(synthetic) as first_page:
        page = query(synthetic, document)["events"]
    after = page["pageInfo"]["endCursor"]
    for _ in range(10):
        after = query(synthetic, document, after=after)["events"]["pageInfo"]["endCursor"]
    with statements(synthetic) as later_page:
        query(synthetic, document, after=after)
    assert len(first_page) == len(later_page) == 1  # the page
    assert "(event.sort_date, event.sort_precision, event.slug) >" in later_page[0]
