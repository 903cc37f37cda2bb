"""Figures the sources give."""

from models import tables as t
from models.statistic import STATISTIC
from resolvers.arguments import Slug
from resolvers.context import Info
from resolvers.fetches import ByKey, Everything, children, fetches
from resolvers.loading import Relationship, Row, by_key

STATISTICS_OF_EVENT = Relationship(t.statistic, keys=(t.statistic.c.event_id,), order_by=(t.statistic.c.slug,))


STATISTIC_BY_SLUG = ByKey(by_key(STATISTIC), lambda arguments: arguments["slug"])
STATISTICS = Everything(t.statistic, (t.statistic.c.slug,))


@fetches(STATISTIC_BY_SLUG)
async def statistic(info: Info, slug: Slug) -> Row | None:
    return await STATISTIC_BY_SLUG.load(info.context.loaders, slug=slug)


@fetches(STATISTICS)
async def statistics(info: Info) -> list[Row]:
    return await STATISTICS.load(info.context.loaders)


statistics_of_event = children(STATISTICS_OF_EVENT)
