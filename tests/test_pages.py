"""A second page beside the first: both load in one transaction, share what both declare, and break nothing.

That a second page changes no answer about the first is shown by every test that reads the shared database:
each runs once more on SQLite over a folder holding both pages (conftest.py's `shared`).
"""

from pathlib import Path

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

import seeds
from app import create_app
from models import tables as t
from tests.conftest import INVENTED, NORTH_AMERICA, copy_page
from tests.databases import snapshot
from tests.graphql import query

BOTH = [NORTH_AMERICA, INVENTED]


def test_two_pages_load_together_and_again_change_nothing(engine: sa.Engine):
    first = seeds.load(engine, BOTH)
    assert first.total["source"] == 2
    assert first.total["relation"] == 3  # KOR-USA and CAN-KOR from one page, KOR-XTL from the other
    once = snapshot(engine)
    assert not seeds.load(engine, BOTH).changed
    assert snapshot(engine) == once


def test_a_page_that_fails_loads_nothing_of_the_other(engine: sa.Engine, tmp_path: Path):
    broken = copy_page(INVENTED, tmp_path)
    broken.write_text(broken.read_text().replace("kind: summit", "kind: state_visit"))
    empty = snapshot(engine)
    with pytest.raises(seeds.FixtureError):
        seeds.load(engine, [NORTH_AMERICA, broken])
    assert snapshot(engine) == empty


def test_a_country_declared_on_both_pages_is_one_country_citing_both(engine: sa.Engine, database_url: str):
    seeds.load(engine, BOTH)
    with TestClient(create_app(database_url)) as client:
        data = query(
            client,
            """{ country(code: "KOR") { name citations { excerpt source { slug } } relations { totalCount } }
                 relation(between: {a: "XTL", b: "KOR"}) { established { text } counterpart(of: "KOR") { name } }
                 statistic(slug: "testland-cargo") { value } }""",
        )
    korea = data["country"]
    assert korea["name"] == "Republic of Korea"
    cited_by = {citation["source"]["slug"] for citation in korea["citations"]}
    assert cited_by == {"mofa-north-america", "invented-testland"}
    assert korea["relations"]["totalCount"] == 3
    assert data["relation"] == {"established": {"text": "1999"}, "counterpart": {"name": "Testland"}}
    assert data["statistic"] == {"value": 1250.5}
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).where(t.country.c.code == "KOR")).scalar() == 1
