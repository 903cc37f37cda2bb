"""Agreements, their parties and the events they figure in."""

from typing import Any

from strawberry import Parent

from models import tables as t
from resolvers.arguments import Slug
from resolvers.context import Info
from resolvers.events import EVENT_ORDER
from resolvers.loading import Lookup, Relationship, Row
from resolvers.lookups import AGREEMENT

AGREEMENT_BY_SLUG = Lookup(t.agreement, "slug")
PARTIES = Relationship(
    t.country,
    keys=(t.agreement_party.c.agreement_id,),
    link=t.agreement_party,
    link_on=t.agreement_party.c.country_id == t.country.c.id,
    order_by=(t.country.c.code,),
)
EVENTS = Relationship(t.event, keys=(t.event.c.agreement_id,), order_by=EVENT_ORDER)


async def agreement(info: Info, slug: Slug) -> Row | None:
    return await info.context.loaders.one(AGREEMENT_BY_SLUG, slug)


async def agreements(info: Info) -> list[Row]:
    return await info.context.loaders.all(t.agreement, t.agreement.c.slug)


async def agreement_of(row: Parent[Any], info: Info) -> Row | None:
    """The agreement a row's `agreement_id` names."""
    return await info.context.loaders.one(AGREEMENT, row.agreement_id)


async def parties_of_agreement(agreement: Parent[Row], info: Info) -> list[Row]:
    return await info.context.loaders.many(PARTIES, agreement.id)


async def events_of_agreement(agreement: Parent[Row], info: Info) -> list[Row]:
    return await info.context.loaders.many(EVENTS, agreement.id)
