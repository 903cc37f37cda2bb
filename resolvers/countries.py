"""Countries: by code, filtered and ordered as a connection, and what hangs off one."""

from enum import Enum
from typing import Annotated, Any, Optional

import sqlalchemy as sa
import strawberry
from strawberry import Parent

from models import tables as t
from models.country import COUNTRY
from resolvers import events as event_queries
from resolvers.arguments import CountryCode
from resolvers.context import Info
from resolvers.entities import columns_of
from resolvers.filtering import KeyFilter, TextFilter, combined, key_matches, linked, text_matches
from resolvers.loading import Relationship, Row, by_id, by_key
from resolvers.ordering import Ordering, SortColumn, SortDirection
from resolvers.pagination import After, Before, First, Last, Page, Window, page_of_children, page_of_query
from resolvers.relations import RelationFilterArgument, RelationOrderArgument, relation_conditions, relation_ordering

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


async def country(info: Info, code: CountryCode) -> Row | None:
    return await info.context.loaders.one(by_key(COUNTRY), code.strip().upper())


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
    statement = sa.select(*columns_of(t.country)).where(combined(filter, country_conditions))
    window = Window(first, after, last, before)
    return await page_of_query(info.context.loaders, statement, country_ordering(order_by), window)


async def country_of(row: Parent[Any], info: Info) -> Row | None:
    """The country a row's `country_id` names."""
    return await info.context.loaders.one(by_id(COUNTRY), row.country_id)


async def successor_of_country(country: Parent[Row], info: Info) -> Row | None:
    return await info.context.loaders.one(by_id(COUNTRY), country.successor_id)


async def predecessors_of_country(country: Parent[Row], info: Info) -> list[Row]:
    return await info.context.loaders.many(PREDECESSORS, country.id)


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
    condition = combined(filter, relation_conditions)
    window = Window(first, after, last, before)
    ordering = relation_ordering(order_by)
    return await page_of_children(
        info.context.loaders, RELATIONS, country.id, condition, ordering, window, repr(filter)
    )


events_of_country = event_queries.events_of(EVENTS)


async def agreements_of_country(country: Parent[Row], info: Info) -> list[Row]:
    return await info.context.loaders.many(AGREEMENTS, country.id)


async def statistics_of_country(country: Parent[Row], info: Info) -> list[Row]:
    return await info.context.loaders.many(STATISTICS, country.id)
