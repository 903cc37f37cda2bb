"""The benchmark's floor answers the API's very data: the promise every ratio in bench/RESULTS.md rests on."""

import asyncio

import orjson
import pytest

from app import create_app
from bench.asgi import post, running
from bench.compare import check_same_data
from bench.floor import create_floor
from bench.queries import discover
from models.database import create_engine, create_tables
from seeds.synthetic import Size, generate

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def synthetic_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A small synthetic data set on SQLite, with enough events for a second page of the filtered query."""
    url = f"sqlite:///{tmp_path_factory.mktemp('floor') / 'synthetic.db'}"
    engine = create_engine(url)
    create_tables(engine)
    generate(engine, Size(countries=12, relations=30, events=2000, people=5, themes=3), progress=None)
    engine.dispose()
    return url


def answers(url: str, name: str) -> tuple[bytes, bytes]:
    """The query `name` of the benchmark, answered by the API and by the floor."""

    async def ask() -> tuple[bytes, bytes]:
        async with running(create_app(url)) as api, running(create_floor(url)) as floor:

            async def graphql(path: str, body: bytes) -> bytes:
                return (await post(api, path, body))[1]

            query = (await discover(graphql)).named(name)
            api_status, api_body = await post(api, "/graphql", query.body)
            floor_status, floor_body = await post(floor, str(query.floor), query.body)
            assert api_status == floor_status == 200
            return api_body, floor_body

    return asyncio.run(ask())


@pytest.mark.parametrize("name", ["medium", "large"])
def test_the_floor_answers_the_apis_data_byte_for_byte(synthetic_url: str, name: str):
    api, floor = answers(synthetic_url, name)
    check_same_data(name, "default", api, floor)  # raises, naming the first difference
    data = orjson.loads(floor)["data"]
    if name == "large":
        countries = data["countries"]["nodes"]
        events = [e for c in countries for r in c["relations"]["nodes"] for e in r["events"]["nodes"]]
        assert len(countries) == 12
        assert len(events) > 100
        assert all(event["participants"] for event in events)
    else:
        assert len(data["node"]["events"]["nodes"]) == 20
