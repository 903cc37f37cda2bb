"""Source documents."""

from strawberry import Parent

from models import tables as t
from models.source import SOURCE
from resolvers.arguments import Slug
from resolvers.context import Info
from resolvers.loading import Relationship, Row, by_key

CITATIONS = Relationship(t.citation, keys=(t.citation.c.source_id,), order_by=(t.citation.c.start, t.citation.c.end))


async def source(info: Info, slug: Slug) -> Row | None:
    return await info.context.loaders.one(by_key(SOURCE), slug)


async def sources(info: Info) -> list[Row]:
    return await info.context.loaders.all(t.source, t.source.c.slug)


async def citations_of_source(source: Parent[Row], info: Info) -> list[Row]:
    return await info.context.loaders.many(CITATIONS, source.id)
