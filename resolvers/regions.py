"""Regions and their member countries."""

from typing import Annotated

import strawberry
from strawberry import Parent

from models import tables as t
from models.country import REGION
from resolvers.context import Info
from resolvers.loading import Relationship, Row, by_key

MEMBERS = Relationship(
    t.country,
    keys=(t.region_member.c.region_id,),
    link=t.region_member,
    link_on=t.region_member.c.country_id == t.country.c.id,
    order_by=(t.country.c.code,),
)
REGIONS_OF_COUNTRY = Relationship(
    t.region,
    keys=(t.region_member.c.country_id,),
    link=t.region_member,
    link_on=t.region_member.c.region_id == t.region.c.id,
    order_by=(t.region.c.code,),
)

RegionCode = Annotated[str, strawberry.argument(description="The region's code, such as `north-america`.")]


async def region(info: Info, code: RegionCode) -> Row | None:
    return await info.context.loaders.one(by_key(REGION), code)


async def regions(info: Info) -> list[Row]:
    return await info.context.loaders.all(t.region, t.region.c.code)


async def countries_of_region(region: Parent[Row], info: Info) -> list[Row]:
    return await info.context.loaders.many(MEMBERS, region.id)


async def regions_of_country(country: Parent[Row], info: Info) -> list[Row]:
    return await info.context.loaders.many(REGIONS_OF_COUNTRY, country.id)
