"""Countries: by code, as a connection, and what hangs off one."""

from typing import Any

import sqlalchemy as sa
from strawberry import Parent

from models import tables as t
from resolvers.arguments import CountryCode
from resolvers.context import Info
from resolvers.entities import columns_of
from resolvers.events import EVENT_ORDER
from resolvers.loading import Lookup, Relationship, Row
from resolvers.pagination import After, Before, First, Last, Page, Window

COUNTRY = Lookup(t.country)
COUNTRY_BY_CODE = Lookup(t.country, "code")
PREDECESSORS = Relationship(t.country, keys=(t.country.c.successor_id,), order_by=(t.country.c.code,))
RELATIONS = Relationship(
    t.relation, keys=(t.relation.c.country_a_id, t.relation.c.country_b_id), order_by=(t.relation.c.slug,)
)
EVENTS = Relationship(
    t.event,
    keys=(t.event_participant.c.country_id,),
    link=t.event_participant,
    link_on=t.event_participant.c.event_id == t.event.c.id,
    order_by=EVENT_ORDER,
)
AGREEMENTS = Relationship(
    t.agreement,
    keys=(t.agreement_party.c.country_id,),
    link=t.agreement_party,
    link_on=t.agreement_party.c.agreement_id == t.agreement.c.id,
    order_by=(t.agreement.c.slug,),
)
STATISTICS = Relationship(t.statistic, keys=(t.statistic.c.country_id,), order_by=(t.statistic.c.slug,))


async def country(info: Info, code: CountryCode) -> Row | None:
    return await info.context.loaders.one(COUNTRY_BY_CODE, code.strip().upper())


async def countries(
    info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
) -> Page:
    statement = sa.select(*columns_of(t.country)).order_by(t.country.c.code)
    return await Page.of_query(info.context.loaders, statement, Window(first, after, last, before))


async def country_of(row: Parent[Any], info: Info) -> Row | None:
    """The country a row's `country_id` names."""
    return await info.context.loaders.one(COUNTRY, row.country_id)


async def successor_of_country(country: Parent[Row], info: Info) -> Row | None:
    return await info.context.loaders.one(COUNTRY, country.successor_id)


async def predecessors_of_country(country: Parent[Row], info: Info) -> list[Row]:
    return await info.context.loaders.many(PREDECESSORS, country.id)


async def relations_of_country(
    country: Parent[Row], info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
) -> Page:
    rows = await info.context.loaders.many(RELATIONS, country.id)
    return Page.of_list(rows, Window(first, after, last, before))


async def events_of_country(
    country: Parent[Row], info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
) -> Page:
    rows = await info.context.loaders.many(EVENTS, country.id)
    return Page.of_list(rows, Window(first, after, last, before))


async def agreements_of_country(country: Parent[Row], info: Info) -> list[Row]:
    return await info.context.loaders.many(AGREEMENTS, country.id)


async def statistics_of_country(country: Parent[Row], info: Info) -> list[Row]:
    return await info.context.loaders.many(STATISTICS, country.id)
