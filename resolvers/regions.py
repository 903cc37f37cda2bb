"""Regions and their member countries."""

from typing import Annotated

import strawberry

from models import tables as t
from models.country import REGION
from resolvers.context import Info
from resolvers.fetches import ByKey, Everything, children, fetches
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


REGION_BY_CODE = ByKey(by_key(REGION), lambda arguments: arguments["code"])
REGIONS = Everything(t.region, (t.region.c.code,))


@fetches(REGION_BY_CODE)
async def region(info: Info, code: RegionCode) -> Row | None:
    return await REGION_BY_CODE.load(info.context.loaders, code=code)


@fetches(REGIONS)
async def regions(info: Info) -> list[Row]:
    return await REGIONS.load(info.context.loaders)


countries_of_region = children(MEMBERS)


regions_of_country = children(REGIONS_OF_COUNTRY)
