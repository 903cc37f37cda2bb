"""Countries: by code, filtered and ordered as a connection, and what hangs off one."""

from enum import Enum
from typing import Annotated, Optional

import sqlalchemy as sa
import strawberry
from strawberry import Parent

from models import tables as t
from models.country import COUNTRY
from resolvers import events as event_queries
from resolvers.arguments import CountryCode
from resolvers.context import Info
from resolvers.fetches import ByKey, ChildPage, RootPage, children, fetches, foreign
from resolvers.filtering import KeyFilter, TextFilter, combined, key_matches, linked, text_matches
from resolvers.loading import Relationship, Row, by_id, by_key
from resolvers.ordering import Ordering, SortColumn, SortDirection
from resolvers.pagination import After, Before, First, Last, Page
from resolvers.relations import RelationFilterArgument, RelationOrderArgument, relation_conditions, relation_ordering
from resolvers.rows import columns_of

PREDECESSORS = Relationship(t.country, keys=(t.country.c.successor_id,), order_by=(t.country.c.code,))
RELATIONS = Relationship(
    t.relation, keys=(t.relation.c.country_a_id, t.relation.c.country_b_id), order_by=(t.relation.c.slug,)
)
EVENTS = Relationship(
    t.event,
    keys=(t.event_participant.c.country_id,),
    link=t.event_participant,
    link_on=t.event_participant.c.event_id == t.event.c.id,
    order_by=event_queries.EVENT_ORDER,
)
AGREEMENTS = Relationship(
    t.agreement,
    keys=(t.agreement_party.c.country_id,),
    link=t.agreement_party,
    link_on=t.agreement_party.c.agreement_id == t.agreement.c.id,
    order_by=(t.agreement.c.slug,),
)
STATISTICS = Relationship(t.statistic, keys=(t.statistic.c.country_id,), order_by=(t.statistic.c.slug,))


@strawberry.input(description="Which countries to return. All given conditions must hold.")
class CountryFilter:
    code: KeyFilter | None = strawberry.field(default=None, description="The country's code.")
    name: TextFilter | None = strawberry.field(default=None, description="The country's name.")
    historical: bool | None = strawberry.field(default=None, description="Whether it is a historical polity.")
    region: KeyFilter | None = strawberry.field(default=None, description="The code of a region it belongs to.")
    and_: list["CountryFilter"] | None = strawberry.field(
        default=None, name="and", description="Filters that must all match as well."
    )
    or_: list["CountryFilter"] | None = strawberry.field(
        default=None, name="or", description="Filters of which at least one must match as well."
    )
    not_: Optional["CountryFilter"] = strawberry.field(
        default=None, name="not", description="A filter that must not match."
    )


def country_conditions(f: CountryFilter) -> list[sa.ColumnElement[bool]]:
    in_region = sa.select(t.region_member.c.country_id).join(t.region, t.region.c.id == t.region_member.c.region_id)
    historical = [] if f.historical is None else [t.country.c.historical.is_(f.historical)]
    return [
        *key_matches(t.country.c.code, f.code),
        *text_matches(t.country.c.name, f.name),
        *historical,
        *linked(t.country.c.id, in_region, key_matches(t.region.c.code, f.region)),
    ]


@strawberry.enum(description="What countries can be ordered by.")
class CountryOrderField(Enum):
    CODE = strawberry.enum_value("code", description="The code.")
    NAME = strawberry.enum_value("name", description="The name.")


@strawberry.input(description="One term of a country ordering.")
class CountryOrder:
    field: CountryOrderField = strawberry.field(description="What to order by.")
    direction: SortDirection = strawberry.field(default=SortDirection.ASC, description="Which way.")


_COUNTRY_COLUMNS: dict[CountryOrderField, tuple[SortColumn, ...]] = {
    CountryOrderField.CODE: (t.country.c.code,),
    CountryOrderField.NAME: (t.country.c.name,),
}


def country_ordering(order_by: list[CountryOrder] | None) -> Ordering:
    terms = [(_COUNTRY_COLUMNS[term.field], term.direction) for term in order_by or []]
    return Ordering.of(terms, t.country.c.code)


COUNTRY_BY_CODE = ByKey(by_key(COUNTRY), lambda arguments: arguments["code"].strip().upper())


@fetches(COUNTRY_BY_CODE)
async def country(info: Info, code: CountryCode) -> Row | None:
    return await COUNTRY_BY_CODE.load(info.context.loaders, code=code)


COUNTRIES = RootPage(
    lambda arguments: sa.select(*columns_of(t.country)).where(combined(arguments.get("filter"), country_conditions)),
    lambda arguments: country_ordering(arguments.get("order_by")),
)


@fetches(COUNTRIES)
async def countries(
    info: Info,
    filter: Annotated[
        CountryFilter | None, strawberry.argument(description="Return only the countries that match.")
    ] = None,
    order_by: Annotated[
        list[CountryOrder] | None, strawberry.argument(description="How to order them; by code when not given.")
    ] = None,
    first: First = None,
    after: After = None,
    last: Last = None,
    before: Before = None,
) -> Page:
    return await COUNTRIES.load(
        info.context.loaders, filter=filter, order_by=order_by, first=first, after=after, last=last, before=before
    )


country_of = foreign(by_id(COUNTRY), "country_id")


successor_of_country = foreign(by_id(COUNTRY), "successor_id")


predecessors_of_country = children(PREDECESSORS)


RELATIONS_OF_COUNTRY = ChildPage(
    RELATIONS,
    lambda arguments: combined(arguments.get("filter"), relation_conditions),
    lambda arguments: relation_ordering(arguments.get("order_by")),
)


@fetches(RELATIONS_OF_COUNTRY)
async def relations_of_country(
    country: Parent[Row],
    info: Info,
    filter: RelationFilterArgument = None,
    order_by: RelationOrderArgument = None,
    first: First = None,
    after: After = None,
    last: Last = None,
    before: Before = None,
) -> Page:
    return await RELATIONS_OF_COUNTRY.load(
        info.context.loaders,
        country,
        filter=filter,
        order_by=order_by,
        first=first,
        after=after,
        last=last,
        before=before,
    )


events_of_country = event_queries.events_of(EVENTS)


agreements_of_country = children(AGREEMENTS)


statistics_of_country = children(STATISTICS)
