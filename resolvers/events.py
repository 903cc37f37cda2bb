"""Events: by slug, as a connection, and their participants."""

from typing import Any

import sqlalchemy as sa
from strawberry import Parent

from models import tables as t
from resolvers.arguments import Slug
from resolvers.context import Info
from resolvers.entities import columns_of
from resolvers.loading import Lookup, Relationship, Row
from resolvers.pagination import After, Before, First, Last, Page, Window

# Undated events last; then by the first day a date can mean, the last, and the slug as tiebreak.
EVENT_ORDER = (t.event.c.date_earliest.is_(None), t.event.c.date_earliest, t.event.c.date_latest, t.event.c.slug)

EVENT = Lookup(t.event)
EVENT_BY_SLUG = Lookup(t.event, "slug")
PARTICIPANTS = Relationship(
    t.event_participant,
    keys=(t.event_participant.c.event_id,),
    order_by=(t.event_participant.c.person_id.is_(None), t.event_participant.c.key, t.event_participant.c.role),
)


async def event(info: Info, slug: Slug) -> Row | None:
    return await info.context.loaders.one(EVENT_BY_SLUG, slug)


async def events(
    info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
) -> Page:
    statement = sa.select(*columns_of(t.event)).order_by(*EVENT_ORDER)
    return await Page.of_query(info.context.loaders, statement, Window(first, after, last, before))


async def event_of(row: Parent[Any], info: Info) -> Row | None:
    """The event a row's `event_id` names."""
    return await info.context.loaders.one(EVENT, row.event_id)


async def participants_of_event(event: Parent[Row], info: Info) -> list[Row]:
    return await info.context.loaders.many(PARTICIPANTS, event.id)
