"""Source documents."""

from models import tables as t
from models.source import SOURCE
from resolvers.arguments import Slug
from resolvers.context import Info
from resolvers.fetches import ByKey, Everything, children, fetches
from resolvers.loading import Relationship, Row, by_key

CITATIONS = Relationship(t.citation, keys=(t.citation.c.source_id,), order_by=(t.citation.c.start, t.citation.c.end))


SOURCE_BY_SLUG = ByKey(by_key(SOURCE), lambda arguments: arguments["slug"])
SOURCES = Everything(t.source, (t.source.c.slug,))


@fetches(SOURCE_BY_SLUG)
async def source(info: Info, slug: Slug) -> Row | None:
    return await SOURCE_BY_SLUG.load(info.context.loaders, slug=slug)


@fetches(SOURCES)
async def sources(info: Info) -> list[Row]:
    return await SOURCES.load(info.context.loaders)


citations_of_source = children(CITATIONS)
