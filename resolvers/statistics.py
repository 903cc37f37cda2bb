"""Figures the sources give."""

from strawberry import Parent

from models import tables as t
from models.statistic import STATISTIC
from resolvers.arguments import Slug
from resolvers.context import Info
from resolvers.loading import Relationship, Row, by_key

STATISTICS_OF_EVENT = Relationship(t.statistic, keys=(t.statistic.c.event_id,), order_by=(t.statistic.c.slug,))


async def statistic(info: Info, slug: Slug) -> Row | None:
    return await info.context.loaders.one(by_key(STATISTIC), slug)


async def statistics(info: Info) -> list[Row]:
    return await info.context.loaders.all(t.statistic, t.statistic.c.slug)


async def statistics_of_event(event: Parent[Row], info: Info) -> list[Row]:
    return await info.context.loaders.many(STATISTICS_OF_EVENT, event.id)
