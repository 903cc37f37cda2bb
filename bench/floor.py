"""The floor: the benchmark's medium and large queries answered by hand-written SQL and orjson, and a hello.

A plain Starlette app with no GraphQL in it: what a careful programmer would write for exactly these two
responses, and what the API's times are divided by. It takes the same POST bodies as the API and answers
the same `data`, byte for byte, which the harness checks before it times anything. Its engine is made
like the API's (same driver, pool and time-outs), so the ratio measures what happens above the connection.

Run it as `uvicorn bench.floor:app`; it serves the database at `BILATERAL_DATABASE_URL`.
"""

import base64
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import orjson
import sqlalchemy as sa
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

import settings
from models.database import create_engine

COUNTRIES, RELATIONS_PER_COUNTRY, EVENTS_PER_RELATION = 20, 10, 10
MEDIUM_EVENTS = 20

COUNTRY_PAGE = sa.text("SELECT id, code, name FROM country ORDER BY code LIMIT :first")
# Each country's first relations by slug, cut per country by the database; a country is either side of a pair.
RELATIONS_OF_COUNTRIES = sa.text("""
    SELECT parent, id, slug, status FROM (
        SELECT parent, id, slug, status, row_number() OVER (PARTITION BY parent ORDER BY slug) AS place FROM (
            SELECT country_a_id AS parent, id, slug, status FROM relation WHERE country_a_id IN :parents
            UNION ALL
            SELECT country_b_id AS parent, id, slug, status FROM relation WHERE country_b_id IN :parents
        ) AS pair
    ) AS ranked
    WHERE place <= :first
    ORDER BY parent, place
""").bindparams(sa.bindparam("parents", expanding=True))
# Each relation's first events in date order (undated last, finer precision first, then slug).
EVENTS_OF_RELATIONS = sa.text("""
    SELECT relation_id, id, slug, title, kind, date_text, date_precision FROM (
        SELECT relation_id, id, slug, title, kind, date_text, date_precision,
               row_number() OVER (PARTITION BY relation_id ORDER BY sort_date, sort_precision, slug) AS place
        FROM event WHERE relation_id IN :parents
    ) AS ranked
    WHERE place <= :first
    ORDER BY relation_id, place
""").bindparams(sa.bindparam("parents", expanding=True))
# People first, then by key and role: the order the API documents for an event's participants.
PARTICIPANTS = sa.text("""
    SELECT p.event_id, p.role, p.basis, c.code, c.name
    FROM event_participant AS p LEFT JOIN country AS c ON c.id = p.country_id
    WHERE p.event_id IN :events
    ORDER BY p.event_id, p.person_id IS NULL, p.key, p.role, p.id
""").bindparams(sa.bindparam("events", expanding=True))
RELATION_BY_SLUG = sa.text(
    "SELECT id, slug, status, established_text, established_precision FROM relation WHERE slug = :slug"
)
EVENTS_OF_RELATION = sa.text("""
    SELECT id, slug, title, kind, date_text, date_precision FROM event
    WHERE relation_id = :relation ORDER BY sort_date, sort_precision, slug LIMIT :first
""")
CITATIONS = sa.text("""
    SELECT subject_type, subject_id, excerpt, start, "end" FROM citation
    WHERE (subject_type = 'event' AND subject_id IN :events) OR (subject_type = 'relation' AND subject_id = :relation)
    ORDER BY subject_type, subject_id, source_id, start, "end", id
""").bindparams(sa.bindparam("events", expanding=True))

HELLO = orjson.dumps({"hello": "world"})


def enum(value: str) -> str:
    """The GraphQL name of a stored enum value: the same word in capitals."""
    return value.upper()


def partial_date(text: str | None, precision: str | None) -> dict[str, Any] | None:
    return None if text is None or precision is None else {"text": text, "precision": enum(precision)}


def large(connection: sa.Connection) -> dict[str, Any]:
    """`countries(first: 20) → relations(first: 10) → events(first: 10) → participants → country`: four statements."""
    countries = connection.execute(COUNTRY_PAGE, {"first": COUNTRIES}).all()
    relations = connection.execute(
        RELATIONS_OF_COUNTRIES, {"parents": [row.id for row in countries], "first": RELATIONS_PER_COUNTRY}
    ).all()
    events = connection.execute(
        EVENTS_OF_RELATIONS, {"parents": list({row.id for row in relations}), "first": EVENTS_PER_RELATION}
    ).all()
    participants: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    for event_id, role, _basis, code, _name in connection.execute(PARTICIPANTS, {"events": [e.id for e in events]}):
        participants[event_id].append({"role": enum(role), "country": None if code is None else {"code": code}})
    events_of: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    for event in events:
        events_of[event.relation_id].append(
            {
                "slug": event.slug,
                "title": event.title,
                "kind": enum(event.kind),
                "date": partial_date(event.date_text, event.date_precision),
                "participants": participants[event.id],
            }
        )
    relations_of: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    for relation in relations:
        relations_of[relation.parent].append(
            {"slug": relation.slug, "status": enum(relation.status), "events": {"nodes": events_of[relation.id]}}
        )
    nodes = [
        {"code": country.code, "name": country.name, "relations": {"nodes": relations_of[country.id]}}
        for country in countries
    ]
    return {"countries": {"nodes": nodes}}


def medium(connection: sa.Connection, relation_id: str) -> dict[str, Any]:
    """One relation with its first 20 events, their participants and citations, and its own: four statements."""
    typename, _, slug = base64.urlsafe_b64decode(relation_id + "=" * (-len(relation_id) % 4)).decode().partition(":")
    relation = connection.execute(RELATION_BY_SLUG, {"slug": slug}).first() if typename == "Relation" else None
    if relation is None:
        return {"node": None}
    events = connection.execute(EVENTS_OF_RELATION, {"relation": relation.id, "first": MEDIUM_EVENTS}).all()
    event_ids = [event.id for event in events]
    participants: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    for event_id, role, basis, code, name in connection.execute(PARTICIPANTS, {"events": event_ids}):
        country = None if code is None else {"code": code, "name": name}
        participants[event_id].append({"role": enum(role), "basis": enum(basis), "country": country})
    citations: defaultdict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for subject_type, subject_id, excerpt, start, end in connection.execute(
        CITATIONS, {"events": event_ids, "relation": relation.id}
    ):
        citations[subject_type, subject_id].append({"excerpt": excerpt, "start": start, "end": end})
    nodes = [
        {
            "slug": event.slug,
            "title": event.title,
            "kind": enum(event.kind),
            "date": partial_date(event.date_text, event.date_precision),
            "participants": participants[event.id],
            "citations": citations["event", event.id],
        }
        for event in events
    ]
    return {
        "node": {
            "slug": relation.slug,
            "status": enum(relation.status),
            "established": partial_date(relation.established_text, relation.established_precision),
            "events": {"nodes": nodes},
            "citations": citations["relation", relation.id],
        }
    }


async def answer(request: Request, build: Callable[[sa.Connection, dict[str, Any]], dict[str, Any]]) -> Response:
    """Read the GraphQL request's variables, build the data on one connection off the event loop, encode it."""
    variables = orjson.loads(await request.body()).get("variables") or {}
    engine: sa.Engine = request.app.state.engine

    def work() -> dict[str, Any]:
        with engine.connect() as connection:
            return build(connection, variables)

    return Response(orjson.dumps({"data": await run_in_threadpool(work)}), media_type="application/json")


async def large_route(request: Request) -> Response:
    return await answer(request, lambda connection, _: large(connection))


async def medium_route(request: Request) -> Response:
    return await answer(request, lambda connection, variables: medium(connection, str(variables["id"])))


async def hello(request: Request) -> Response:
    """The least a JSON endpoint can do: read the request, answer a constant."""
    await request.body()
    return Response(HELLO, media_type="application/json")


async def health(_: Request) -> Response:
    return Response(HELLO, media_type="application/json")


def create_floor(database_url: str = settings.DATABASE_URL) -> Starlette:
    """The floor app, serving the database at `database_url`."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.engine = create_engine(database_url, timeout=settings.DATABASE_TIMEOUT)
        try:
            yield
        finally:
            app.state.engine.dispose()

    routes = [
        Route("/hello", hello, methods=["POST"]),
        Route("/medium", medium_route, methods=["POST"]),
        Route("/large", large_route, methods=["POST"]),
        Route("/health", health, methods=["GET"]),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


app = create_floor()
