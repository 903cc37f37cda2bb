"""Any node by its global id."""

import asyncio
from typing import Annotated

import strawberry

import settings
from resolvers.context import Info
from resolvers.entities import parse_global_id
from resolvers.errors import BadUserInput
from resolvers.loading import Row, by_key

Id = Annotated[strawberry.ID, strawberry.argument(description="A global id, as found in any node's `id` field.")]
Ids = Annotated[
    list[strawberry.ID],
    strawberry.argument(description=f"Global ids, as found in nodes' `id` fields; at most {settings.MAX_PAGE_SIZE}."),
]


async def node(info: Info, id: Id) -> Row | None:
    kind, key = parse_global_id(id)
    return await info.context.loaders.one(by_key(kind), key)


async def nodes(info: Info, ids: Ids) -> list[Row | None]:
    if len(ids) > settings.MAX_PAGE_SIZE:
        raise BadUserInput(f"`ids` takes at most {settings.MAX_PAGE_SIZE} ids, not {len(ids)}", argument="ids")
    parsed = [parse_global_id(value) for value in ids]
    loaders = info.context.loaders
    return list(await asyncio.gather(*(loaders.one(by_key(kind), key) for kind, key in parsed)))
