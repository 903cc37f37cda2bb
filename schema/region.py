"""Regions: groupings of countries."""

from typing import TYPE_CHECKING, Annotated

import strawberry

import resolvers.regions
from models import tables as t
from models.country import COUNTRY, REGION
from resolvers import regions
from schema.citation import EDITORIAL
from schema.connection import Connection
from schema.entity import entity_type
from schema.lists import in_order, lookup, paged
from schema.node import Node

if TYPE_CHECKING:
    from schema.country import Country


@entity_type(REGION, description="A grouping of countries under a named scheme, such as a ministry's own regions.")
class Region(Node):
    code: str = strawberry.field(description="The region's natural key (`north-america`).")
    name: str = strawberry.field(description="The region's name.")
    scheme: str = strawberry.field(description="Whose grouping this is. " + EDITORIAL.format(field="scheme"))
    description: str | None = strawberry.field(
        description="What the grouping covers; null if not recorded. " + EDITORIAL.format(field="description")
    )
    countries: Connection[Annotated["Country", strawberry.lazy("schema.country")]] | None = paged(
        regions.MEMBERS, in_order(COUNTRY), description="The member countries, by code."
    )


@strawberry.type
class Queries:
    regions: Connection[Region] | None = paged(t.region, in_order(REGION), description="Every region, by code.")
    region: Region | None = lookup(
        resolvers.regions.REGION_BY_CODE,
        argument="code",
        annotation=resolvers.regions.RegionCode,
        description="The region with this code; null if there is none.",
    )
