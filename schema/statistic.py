"""Figures."""

import strawberry

import resolvers.statistics
from models import tables as t
from models.enums import StatisticQualifier
from models.statistic import STATISTIC
from resolvers.dates import partial_date
from schema.citation import EDITORIAL
from schema.connection import Connection
from schema.entity import entity_type
from schema.fields import resolved
from schema.lists import in_order, lookup, paged
from schema.node import Node
from schema.partial_date import PartialDate


@entity_type(STATISTIC, description="A figure the source gives, with how exact it is.", cites="this figure")
class Statistic(Node):
    slug: str = strawberry.field(description="The figure's natural key.")
    measure: str = strawberry.field(description="What is measured. " + EDITORIAL.format(field="measure"))
    value: float = strawberry.field(
        description="The value, exactly as the source gives it (`26000`, `12.5`); read it with `qualifier`."
    )
    qualifier: StatisticQualifier = strawberry.field(description="Whether the value is exact, a lower bound or a rank.")
    unit: str = strawberry.field(
        description="The unit of the value (`troops`, `people per year`, `rank`): the editors' word for it."
    )
    period: PartialDate | None = resolved(
        resolver=partial_date("period"),
        description="The period the figure refers to; null where the source gives none.",
    )


@strawberry.type
class Queries:
    statistics: Connection[Statistic] | None = paged(
        t.statistic, in_order(STATISTIC), description="Every figure, by slug."
    )
    statistic: Statistic | None = lookup(
        resolvers.statistics.STATISTIC_BY_SLUG,
        description="The figure with this slug; null if there is none.",
    )
