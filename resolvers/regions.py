"""Regions and their member countries."""

from typing import Annotated

import strawberry

from models import tables as t
from models.country import REGION
from resolvers.fetches import ByKey, children
from resolvers.loading import Relationship, by_key

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
    order_by=REGION.order_by,
)

RegionCode = Annotated[str, strawberry.argument(description="The region's code, such as `north-america`.")]

REGION_BY_CODE = ByKey(by_key(REGION), lambda arguments: arguments["code"])

regions_of_country = children(REGIONS_OF_COUNTRY)
