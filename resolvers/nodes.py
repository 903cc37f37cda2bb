"""Any node by its global id."""

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

import sqlalchemy as sa
import strawberry

import settings
from resolvers.context import Info
from resolvers.errors import BadUserInput
from resolvers.fetches import Arguments, fetched_by_group, fetches
from resolvers.loading import Loaders, Row, by_key
from resolvers.rows import parse_global_id

Id = Annotated[strawberry.ID, strawberry.argument(description="A global id, as found in any node's `id` field.")]
Ids = Annotated[
    list[strawberry.ID],
    strawberry.argument(description=f"Global ids, as found in nodes' `id` fields; at most {settings.MAX_PAGE_SIZE}."),
]


def _parsed(ids: Sequence[str]) -> list[tuple[Any, str]]:
    if len(ids) > settings.MAX_PAGE_SIZE:
        raise BadUserInput(f"`ids` takes at most {settings.MAX_PAGE_SIZE} ids, not {len(ids)}", argument="ids")
    return [parse_global_id(value) for value in ids]


@dataclass(frozen=True, eq=False)
class ByIds:
    """The nodes global ids name, in order; None where none is."""

    def fetch(self, connection: sa.Connection, ids: Sequence[str]) -> list[Row | None]:
        parsed = _parsed(ids)
        found = fetched_by_group(connection, parsed, lambda entity: by_key(entity).fetch)
        return [found[key] for key in parsed]

    async def load(self, loaders: Loaders, ids: Sequence[str]) -> list[Row | None]:
        # Every id asked before any is awaited, so the ids of one kind share one statement.
        return list(await asyncio.gather(*(loaders.one(by_key(entity), key) for entity, key in _parsed(ids))))


BY_IDS = ByIds()


@dataclass(frozen=True, eq=False)
class Node:
    """`node(id:)`: the node one global id names."""

    def batch(self, connection: sa.Connection, parents: Sequence[Any], arguments: Arguments) -> list[Row | None]:
        [row] = BY_IDS.fetch(connection, [arguments["id"]])
        return [row for _ in parents]


@dataclass(frozen=True, eq=False)
class Nodes:
    """`nodes(ids:)`: the nodes global ids name."""

    def batch(self, connection: sa.Connection, parents: Sequence[Any], arguments: Arguments) -> list[list[Row | None]]:
        rows = BY_IDS.fetch(connection, arguments["ids"])
        return [rows for _ in parents]


@fetches(Node())
async def node(info: Info, id: Id) -> Row | None:
    [row] = await BY_IDS.load(info.context.loaders, [id])
    return row


@fetches(Nodes())
async def nodes(info: Info, ids: Ids) -> list[Row | None]:
    return await BY_IDS.load(info.context.loaders, ids)
