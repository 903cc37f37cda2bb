"""Standing mechanisms of a relation."""

from strawberry import Parent

from models import tables as t
from resolvers.arguments import Slug
from resolvers.context import Info
from resolvers.loading import Lookup, Relationship, Row
from resolvers.lookups import EVENT

MECHANISM_BY_SLUG = Lookup(t.mechanism, "slug")
MECHANISMS_OF_EVENT = Relationship(t.mechanism, keys=(t.mechanism.c.origin_event_id,), order_by=(t.mechanism.c.slug,))


async def mechanism(info: Info, slug: Slug) -> Row | None:
    return await info.context.loaders.one(MECHANISM_BY_SLUG, slug)


async def mechanisms(info: Info) -> list[Row]:
    return await info.context.loaders.all(t.mechanism, t.mechanism.c.slug)


async def origin_event_of_mechanism(mechanism: Parent[Row], info: Info) -> Row | None:
    return await info.context.loaders.one(EVENT, mechanism.origin_event_id)


async def mechanisms_of_event(event: Parent[Row], info: Info) -> list[Row]:
    return await info.context.loaders.many(MECHANISMS_OF_EVENT, event.id)
