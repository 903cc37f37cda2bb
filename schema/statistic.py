"""Figures."""

from typing import TYPE_CHECKING, Annotated

import strawberry

import resolvers.statistics
from models.enums import StatisticQualifier
from models.statistic import STATISTIC
from resolvers import countries, events, relations
from resolvers.dates import partial_date
from schema.citation import EDITORIAL, Citation, cited, evidenced
from schema.fields import resolved
from schema.node import Node
from schema.partial_date import PartialDate

if TYPE_CHECKING:
    from schema.country import Country
    from schema.event import Event
    from schema.relation import Relation


@strawberry.type(description="A figure the source gives, with how exact it is.")
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
    country: Annotated["Country", strawberry.lazy("schema.country")] | None = resolved(
        resolver=countries.country_of, description="The country the figure is about, if one."
    )
    relation: Annotated["Relation", strawberry.lazy("schema.relation")] | None = resolved(
        resolver=relations.relation_of, description="The relation the figure belongs to."
    )
    event: Annotated["Event", strawberry.lazy("schema.event")] | None = resolved(
        resolver=events.event_of, description="The event the figure is about, if one."
    )
    citations: list[Citation] = cited(STATISTIC.table, "this figure")
    evidence: list[Citation] = evidenced(STATISTIC.table)


@strawberry.type
class Queries:
    statistics: list[Statistic] = resolved(resolver=resolvers.statistics.statistics, description="Every figure.")
    statistic: Statistic | None = resolved(
        resolver=resolvers.statistics.statistic, description="The figure with this slug; null if there is none."
    )
